"""The pipeline, in order: load, validate, model, targets, render, format.

Writing is the caller's business (``generate`` writes, ``check`` compares), so both see
exactly the same bytes.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import PurePosixPath

from . import forked, i18n, output
from .cache import cache_dir
from .config import Settings
from .errors import ValidationFailed
from .format import format_python
from .load import LoadedSpec, load_spec
from .model import Api, build_model
from .paths import translations_path
from .render import make_environment, render_jobs
from .targets import RenderJob, cli, docs, python
from .validate import (
    JSON_SCHEMA_RULES,
    RULES,
    Problem,
    Severity,
    in_file_order,
    validate_spec,
)

TARGETS: dict[str, Callable[[Api, Settings], list[RenderJob]]] = {
    "python": python.jobs,
    "cli": cli.jobs,
    "docs": docs.jobs,
}


@dataclass(frozen=True)
class Generated:
    files: dict[str, bytes]
    warnings: list[Problem]


def check_spec(spec: LoadedSpec, settings: Settings, *, strict: bool = False) -> list[Problem]:
    """Every problem of ``spec``: our validation rules, then its translations for the docs."""
    translations = docs_translations(spec, settings)
    return validate_spec(spec, strict=strict) + translation_problems(
        spec, translations, strict=strict
    )


def docs_translations(spec: LoadedSpec, settings: Settings) -> i18n.Translations:
    """The translation files beside the spec, read once per run; none when no docs are made."""
    if "docs" not in settings.targets:
        return {}
    return i18n.load_translations(spec.path, settings.languages)


def translation_problems(
    spec: LoadedSpec,
    translations: i18n.Translations,
    *,
    strict: bool = False,
    english: dict[str, str] | None = None,
) -> list[Problem]:
    """Missing and stale translations, for the docs. A language with no translation file at
    all gets one warning rather than one per text."""
    problems: list[Problem] = []
    severity: Severity = "error" if strict else "warning"
    for language in sorted(translations):
        if not translations_path(spec.path, language).is_file():
            problems.append(
                Problem(
                    severity,
                    "i18n-missing",
                    f"no {language} translation file "
                    f"({translations_path(spec.path, language).name}); the {language} "
                    "docs are in English",
                    "",
                    spec.where(""),
                )
            )
    translated = {lang for lang in translations if translations_path(spec.path, lang).is_file()}
    for found in i18n.translation_problems(spec, translations, english):
        if found.language in translated:
            problems.append(
                Problem(
                    severity, found.rule, found.message, found.pointer, spec.where(found.pointer)
                )
            )
    return problems


# The schema pass (the rules that check values against JSON Schemas, with the OpenAPI schema
# check most of validation's time) runs on another core while the others and the model work
# (see ``generate_files``); jsonschema and the OpenAPI validators are imported there only.
_SCHEMA_RULES = tuple(rule for rule in RULES if rule.id in JSON_SCHEMA_RULES)
_OTHER_RULES = tuple(rule for rule in RULES if rule.id not in JSON_SCHEMA_RULES)
_FORK_SCHEMA_PASS_FROM = 10_000  # spec nodes; below this a process costs more than it saves


@contextmanager
def schema_pass(spec: LoadedSpec, *, strict: bool) -> Iterator[Callable[[], list[Problem]]]:
    """The schema pass over ``spec``, started now: on another core for a large spec,
    else when asked. Yields the function that returns its problems (waiting for them)."""
    if len(spec.locations) < _FORK_SCHEMA_PASS_FROM or not forked.available():
        yield lambda: validate_spec(spec, strict=strict, rules=_SCHEMA_RULES)
        return
    check = functools.partial(validate_spec, spec, strict=strict, rules=_SCHEMA_RULES)
    with forked.Workers(check, 1) as worker:
        yield worker.submit().result


def _has_errors(problems: list[Problem]) -> bool:
    return any(p.severity == "error" for p in problems)


def generate_files(
    settings: Settings, *, strict: bool = False, use_cache: bool = True
) -> Generated:
    spec = load_spec(settings.spec, display_path=settings.spec_display)
    translations = docs_translations(spec, settings)
    english = i18n.translatable_texts(spec.data) if translations else {}  # walked once
    # Validation, then the model and the render jobs, while the schema pass runs beside them.
    # Nothing is rendered before every rule has passed; a spec that fails one is reported
    # as such even if the model, built early, stumbled over it first.
    with schema_pass(spec, strict=strict) as schema_problems:

        def every_problem(found: list[Problem]) -> list[Problem]:
            """``found`` with the schema pass's and the translations', in order; raises
            :class:`ValidationFailed` if any is an error."""
            problems = in_file_order(spec, found + schema_problems())
            problems += translation_problems(spec, translations, strict=strict, english=english)
            if _has_errors(problems):
                raise ValidationFailed(problems)
            return problems

        found = validate_spec(spec, strict=strict, rules=_OTHER_RULES)
        if _has_errors(found):
            every_problem(found)
        try:
            texts = i18n.current_texts(spec.data, translations, english) if translations else {}
            api = build_model(spec, spec_display=settings.spec_display, texts=texts)
            jobs = [job for target in settings.targets for job in TARGETS[target](api, settings)]
        except Exception:
            every_problem(found)  # a spec that fails a rule is reported as such
            raise
        warnings = every_problem(found)
    rendered = render_jobs(make_environment(), jobs, catalog=docs.catalog)
    templates = {job.output: job.template for job in jobs}
    files: dict[str, bytes] = {}
    python_sources: dict[str, str] = {}
    for name, content in rendered.items():
        if isinstance(content, bytes):
            files[name] = content
            continue
        header = output.header_for(name, settings.spec_display)
        text = (header or "") + content
        if PurePosixPath(name).suffix == ".py":
            python_sources[name] = text
        else:
            files[name] = text.encode("utf-8")
    formatted = format_python(python_sources, templates, cache_dir(settings) if use_cache else None)
    files.update({name: text.encode("utf-8") for name, text in formatted.items()})
    marker = output.header_for(output.MARKER, settings.spec_display) or ""
    files[output.MARKER] = marker.encode("utf-8")
    return Generated(files=dict(sorted(files.items())), warnings=warnings)
