"""The intermediate model: the only thing templates and targets ever read."""

from .build import build_model
from .schemas import ModelError
from .types import Api

__all__ = ["Api", "ModelError", "build_model"]
