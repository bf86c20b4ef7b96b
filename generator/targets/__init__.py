"""Targets map model nodes to templates and output paths; they never render or write."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..model.types import Operation


@dataclass(frozen=True)
class RenderJob:
    """One output file: which template renders it, where it goes, and what it sees.

    ``output`` is a POSIX path relative to the output directory. ``language`` selects the
    message catalog installed while rendering (docs only). ``verbatim`` jobs copy the
    template's bytes (images, static assets) instead of rendering them.
    """

    template: str
    output: str
    context: dict[str, Any] = field(default_factory=dict)
    language: str | None = None
    verbatim: bool = False


def version_listing(op: Operation) -> str:
    """``2023-02-01 (sunset 2025-01-01), 2024-08-05, preview (preview)``: every version, with
    its sunset date, as help and docstrings state them (never "was sunset": the output must
    not depend on the day it was generated)."""
    return ", ".join(
        v.version
        + (f" (sunset {v.sunset})" if v.sunset else "")
        + (" (preview)" if v.preview and v.version != "preview" else "")
        for v in op.versions
    )


def all_sunset_note(op: Operation) -> str:
    """The sentence saying that every version of ``op`` has a sunset date, else ``""``."""
    sunsets = [v.sunset for v in op.versions if v.sunset]
    if not sunsets or len(sunsets) < len(op.versions):
        return ""
    return (
        f"Every API version of this operation has a sunset date (the last: {max(sunsets)}); "
        "after it the API may reject the operation."
    )
