"""The docs target: maps model nodes to templates under templates/docs/ and output paths."""

from __future__ import annotations

from generator.config import Settings
from generator.model import Api
from generator.targets import RenderJob


def jobs(api: Api, settings: Settings) -> list[RenderJob]:
    return []


def catalog(language: str) -> object:
    """Message catalog for ``language`` (installed by the renderer for docs jobs)."""
    raise NotImplementedError(language)
