"""Targets map model nodes to templates and output paths; they never render or write."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..model.types import Operation

from ..model import Api
from ..model.types import ApiVersion


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


def sunset_note(api: Api, version: ApiVersion) -> str:
    """`` (was sunset on 2024-06-30)`` for a sunset past as of the spec
    (:meth:`Api.sunset_passed`), `` (sunset 2026-01-01)`` for another, else empty: the same
    words wherever a version is listed, and the same on any day the output is generated."""
    if version.sunset is None:
        return ""
    if api.sunset_passed(version):
        return f" (was sunset on {version.sunset})"
    return f" (sunset {version.sunset})"


def version_listing(api: Api, op: Operation) -> str:
    """``2023-02-01 (was sunset on 2025-01-01), 2024-08-05, preview (preview)``: every version
    with its :func:`sunset_note`, as help and docstrings list them."""
    return ", ".join(
        v.version
        + sunset_note(api, v)
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
