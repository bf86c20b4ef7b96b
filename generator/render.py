"""One Jinja2 environment renders every target's jobs into text, in memory."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import jinja2
from jinja2.ext import i18n

from generator.errors import AtlasgenError
from generator.filters import FILTERS
from generator.paths import TEMPLATES_DIR
from generator.targets import RenderJob


class RenderError(AtlasgenError):
    """A template failed; the message names the template, its line and the output path."""


def make_environment(templates_dir: Path = TEMPLATES_DIR) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir)),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
        extensions=[i18n],
    )
    env.filters.update(FILTERS)
    env.install_null_translations(newstyle=True)  # type: ignore[attr-defined]
    return env


def render_jobs(
    env: jinja2.Environment,
    jobs: Iterable[RenderJob],
    catalog: Callable[[str], Any] | None = None,
) -> dict[str, str | bytes]:
    """Render ``jobs`` to ``{output path: text}``; verbatim jobs yield their template's bytes."""
    rendered: dict[str, str | bytes] = {}
    current_language: str | None = None
    for job in jobs:
        if job.output in rendered:
            raise RenderError(f"two templates write {job.output} (second: {job.template})")
        if job.verbatim:
            rendered[job.output] = (TEMPLATES_DIR / job.template).read_bytes()
            continue
        if job.language != current_language:
            if job.language and catalog is not None:
                env.install_gettext_translations(catalog(job.language), newstyle=True)  # type: ignore[attr-defined]
            else:
                env.install_null_translations(newstyle=True)  # type: ignore[attr-defined]
            current_language = job.language
        try:
            rendered[job.output] = env.get_template(job.template).render(job.context)
        except jinja2.TemplateSyntaxError as exc:
            raise RenderError(
                f"templates/{exc.filename or job.template}:{exc.lineno}: {exc.message} "
                f"(while rendering {job.output})"
            ) from None
        except jinja2.TemplateError as exc:
            raise RenderError(
                f"templates/{job.template}: {type(exc).__name__}: {exc} (while rendering {job.output})"
            ) from None
    env.install_null_translations(newstyle=True)  # type: ignore[attr-defined]
    return rendered
