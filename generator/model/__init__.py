"""The intermediate model: the only thing templates and targets ever read."""

from .build import ModelError, build_model
from .types import Api

__all__ = ["Api", "ModelError", "build_model"]
