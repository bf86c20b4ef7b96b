"""One Jinja2 environment renders every target's jobs into text, in memory, on every core.

Rendering is the largest cost of a cold run. Jobs are independent, so a large
batch is split between forked worker processes, which inherit the environment, the jobs and
the model they point to instead of receiving them pickled; only the rendered text travels
back. Where ``fork`` is not available, or the batch is small, one process renders it all.
"""

from __future__ import annotations

import functools
import gettext
import os
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import jinja2

from . import forked, pysource
from .errors import AtlasgenError
from .filters import FILTERS
from .paths import TEMPLATES_DIR
from .targets import RenderJob


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
    )
    env.filters.update(FILTERS)
    env.globals["layout"] = pysource  # black's layout of brackets, for Python templates
    env.globals["_"] = translator(None)
    return env


def translator(
    language: str | None, catalog: Callable[[str], Any] | None = None
) -> Callable[..., str]:
    """``_("Label %(name)s", name=value)`` in templates: the label in ``language`` (from
    ``catalog``), values filled in. The label is always a %-format (``%%`` is ``%``), as with
    Jinja's newstyle gettext; a plain function, because each call through Jinja's i18n
    extension costs three context calls, a fifth of rendering a docs page."""
    lookup = (catalog(language) if language and catalog else gettext.NullTranslations()).gettext

    def translate(message: str, **values: Any) -> str:
        return lookup(message) % values

    return translate


_PARALLEL_THRESHOLD = 200  # jobs; below this, starting workers costs more than it saves
_CHUNKS_PER_WORKER = 8  # small enough that no worker is left alone with a long tail


def render_jobs(
    env: jinja2.Environment,
    jobs: Iterable[RenderJob],
    catalog: Callable[[str], Any] | None = None,
) -> dict[str, str | bytes]:
    """Render ``jobs`` to ``{output path: text}``, in job order; verbatim jobs yield their
    template's bytes. Raises :class:`RenderError` naming the template and the output."""
    jobs = list(jobs)
    seen: set[str] = set()
    for job in jobs:
        if job.output in seen:
            raise RenderError(f"two templates write {job.output} (second: {job.template})")
        seen.add(job.output)
    workers = min(os.cpu_count() or 1, 1 + len(jobs) // _PARALLEL_THRESHOLD)
    if workers < 2 or not forked.available():
        return _render_range(env, jobs, catalog, 0, len(jobs))
    for template in sorted({job.template for job in jobs if not job.verbatim}):
        env.get_template(template)  # compiled once, here, rather than in every worker
    step = -(-len(jobs) // (workers * _CHUNKS_PER_WORKER))
    starts = range(0, len(jobs), step)
    stops = [min(start + step, len(jobs)) for start in starts]
    rendered: dict[str, str | bytes] = {}
    with forked.Workers(functools.partial(_render_range, env, jobs, catalog), workers) as pool:
        for part in pool.map(starts, stops):
            rendered.update(part)
    return rendered


def _render_range(
    env: jinja2.Environment,
    jobs: Sequence[RenderJob],
    catalog: Callable[[str], Any] | None,
    start: int,
    stop: int,
) -> dict[str, str | bytes]:
    rendered: dict[str, str | bytes] = {}
    current_language: str | None = None
    for job in jobs[start:stop]:
        if job.verbatim:
            rendered[job.output] = (TEMPLATES_DIR / job.template).read_bytes()
            continue
        if job.language != current_language:
            env.globals["_"] = translator(job.language, catalog)
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
    env.globals["_"] = translator(None)
    return rendered
