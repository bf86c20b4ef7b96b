"""The python target: maps model nodes to templates under templates/python/ and output paths."""

from __future__ import annotations

from generator.config import Settings
from generator.model import Api
from generator.targets import RenderJob


def jobs(api: Api, settings: Settings) -> list[RenderJob]:
    return []
