"""The intermediate model: the only thing templates and targets ever read."""

from generator.model.build import ModelError, build_model
from generator.model.types import Api

__all__ = ["Api", "ModelError", "build_model"]
