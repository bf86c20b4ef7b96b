"""Translations of the spec's texts and of the docs' fixed labels.

Spec texts (every ``description`` and ``summary``) are translated in
``<spec dir>/i18n/<lang>.yaml``: a mapping from the JSON pointer of the English value to
``{source: <English text translated>, text: <translation>}``. ``source`` makes a translation
go stale, and fall back to English, as soon as the English text changes.

Fixed labels ("Path parameters", "Required"...) are gettext catalogs in
``specs/i18n/messages/<lang>/LC_MESSAGES/messages.po``, compiled in memory by
:func:`load_catalog`, so no ``.mo`` file is committed.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import yaml
from babel.messages import mofile, pofile
from babel.support import Translations as Catalog

from .errors import AtlasgenError
from .load import LoadedSpec, pointer_join
from .paths import MESSAGES_DIR, translations_path

try:  # same choice as generator.load: libyaml when PyYAML was built with it
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

SOURCE_LANGUAGE = "en"
MESSAGES_DOMAIN = "messages"

# The fixed labels of the docs pages; every catalog translates all of them.
LABELS: tuple[str, ...] = (
    "Path parameters",
    "Query parameters",
    "Header parameters",
    "Request body",
    "Required",
    "Optional",
    "Default value",
    "Minimum",
    "Maximum",
    "Format should match the following pattern",
    "Unit",
    "seconds since the UNIX epoch",
    "milliseconds since the UNIX epoch",
    "Type",
    "Name",
    "Description",
    "Response example",
    "Responses",
    "Code samples",
    "Required roles",
    "API versions",
    "Sunset",
    "Preview",
    "Deprecated",
    "Read-only",
    "Write-only",
    "Allowed values",
    "Items",
    "at least %(min)s",
    "at most %(max)s",
    "Operations",
    "Method",
    "Path",
    "Versions",
    "Home",
    "Field",
    "Headers",
    "Examples",
    "This operation returns a gzip-compressed file",
    "Requires also",
    "Request example",
    "Nullable",
)

_MAX_DEPTH = 200
_TEXT_KEYS = frozenset({"description", "summary"})
# Extensions whose strings the docs show as prose: role names (list items) and changelog
# entries (values keyed by API version).
_EXTENSION_TEXTS = frozenset({"x-rolesRequirements", "x-xgen-changelog"})
# Values under these keys are data (example payloads, defaults, enumerations), not prose.
_DATA_KEYS = frozenset({"example", "examples", "default", "enum", "const"})
# Under these keys, mapping keys are names chosen by the spec author (a property called
# ``example``, a response called ``default``), never OpenAPI keywords.
_NAME_MAPS = frozenset(
    {
        "properties",
        "patternProperties",
        "$defs",
        "definitions",
        "schemas",
        "responses",
        "parameters",
        "headers",
        "securitySchemes",
        "requestBodies",
        "links",
        "callbacks",
        "pathItems",
        "content",
        "encoding",
        "variables",
        "paths",
        "webhooks",
        "mapping",
        "scopes",
    }
)


class TranslationLoadError(AtlasgenError):
    """A translation file cannot be read or has the wrong shape; the message names it."""


@dataclass(frozen=True)
class Translation:
    source: str  # the English text that was translated
    text: str


# language -> JSON pointer of the English text -> translation
Translations = dict[str, dict[str, Translation]]


class I18nProblem(NamedTuple):
    severity: str  # always "warning": English is shown instead
    rule: str  # i18n-missing, i18n-stale or i18n-orphan
    language: str
    pointer: str
    message: str


def translatable_texts(spec_data: Mapping[str, Any]) -> dict[str, str]:
    """Every ``description`` and ``summary`` string of the document, by JSON pointer.

    Also the role names of ``x-rolesRequirements``, the entries of ``x-xgen-changelog`` and
    the names of the top-level tags (``/tags/0/name``: the docs' navigation and tag pages),
    which the docs show too. Values that are data rather than prose (``example``,
    ``examples``, ``default``, ``enum``, ``const``) are skipped, unless the key is a name
    (a property called ``example``).
    """
    texts: dict[str, str] = {}
    # (node, pointer, depth, whether the node's mapping keys are names rather than keywords)
    stack: list[tuple[Any, str, int, bool]] = [(spec_data, "", 0, False)]
    while stack:
        node, pointer, depth, keys_are_names = stack.pop()
        if depth > _MAX_DEPTH:  # a YAML alias cycle; no real spec nests this deep
            continue
        if isinstance(node, dict):
            for key, value in node.items():
                child = pointer_join(pointer, key)
                if keys_are_names:
                    stack.append((value, child, depth + 1, False))
                elif key in _TEXT_KEYS and isinstance(value, str):
                    texts[child] = value
                elif key in _EXTENSION_TEXTS and isinstance(value, (dict, list)):
                    items = value.items() if isinstance(value, dict) else enumerate(value)
                    for name, item in items:
                        if isinstance(item, str):
                            texts[pointer_join(child, name)] = item
                elif key not in _DATA_KEYS:
                    names = key in _NAME_MAPS and isinstance(value, dict)
                    stack.append((value, child, depth + 1, names))
        elif isinstance(node, list):
            for index, item in enumerate(node):
                stack.append((item, pointer_join(pointer, index), depth + 1, False))
    tags = spec_data.get("tags")
    for index, tag in enumerate(tags if isinstance(tags, list) else ()):
        if isinstance(tag, dict) and isinstance(tag.get("name"), str):
            texts[pointer_join("/tags", index, "name")] = tag["name"]
    return dict(sorted(texts.items()))


def _read_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise TranslationLoadError(f"{path}: not UTF-8 text ({exc.reason})") from None
    except OSError as exc:
        raise TranslationLoadError(f"{path}: cannot read: {exc.strerror}") from None
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        raise TranslationLoadError(f"{path}: YAML error: {exc}") from None


def load_translation_file(path: Path) -> dict[str, Translation]:
    """The entries of one ``<lang>.yaml``; a missing file has none."""
    if not path.is_file():
        return {}
    data = _read_yaml(path)
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise TranslationLoadError(f"{path}: expected a mapping of JSON pointers to entries")
    entries: dict[str, Translation] = {}
    for pointer, entry in data.items():
        if not isinstance(pointer, str) or not pointer.startswith("/"):
            raise TranslationLoadError(f"{path}: {pointer!r} is not a JSON pointer")
        if (
            not isinstance(entry, dict)
            or set(entry) != {"source", "text"}
            or not isinstance(entry["source"], str)
            or not isinstance(entry["text"], str)
        ):
            raise TranslationLoadError(
                f"{path}: {pointer}: expected exactly the strings 'source' and 'text'"
            )
        entries[pointer] = Translation(source=entry["source"], text=entry["text"])
    return entries


def load_translations(spec_path: Path, languages: Iterable[str]) -> Translations:
    """Translations of the spec at ``spec_path`` for each of ``languages`` (English skipped)."""
    return {
        language: load_translation_file(translations_path(Path(spec_path), language))
        for language in languages
        if language != SOURCE_LANGUAGE
    }


def translation_problems(
    spec: LoadedSpec, translations: Translations, english: Mapping[str, str] | None = None
) -> list[I18nProblem]:
    """Missing, stale and orphaned translations, as warnings (English is used instead).
    ``english``: :func:`translatable_texts` of the spec, when the caller has it already."""
    english = translatable_texts(spec.data) if english is None else english
    problems: list[I18nProblem] = []
    for language, entries in translations.items():
        for pointer, text in english.items():
            entry = entries.get(pointer)
            if entry is None or not entry.text.strip():
                problems.append(
                    I18nProblem(
                        "warning",
                        "i18n-missing",
                        language,
                        pointer,
                        f"no {language} translation; the English text is shown",
                    )
                )
            elif entry.source != text:
                problems.append(
                    I18nProblem(
                        "warning",
                        "i18n-stale",
                        language,
                        pointer,
                        f"the {language} translation was made from different English text "
                        f"({_shorten(entry.source)!r}, now {_shorten(text)!r}); "
                        "the English text is shown",
                    )
                )
        for pointer in sorted(set(entries) - set(english)):
            problems.append(
                I18nProblem(
                    "warning",
                    "i18n-orphan",
                    language,
                    pointer,
                    f"the {language} translation's pointer names no description or summary "
                    "in the spec",
                )
            )
    return problems


def _shorten(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def translate(pointer: str, english: str, lang: str, translations: Translations) -> str:
    """``english`` in ``lang``: the translation of ``pointer`` if it was made from ``english``."""
    entry = translations.get(lang, {}).get(pointer)
    return entry.text if entry is not None and _is_current(entry, english) else english


def _is_current(entry: Translation | None, english: str) -> bool:
    return entry is not None and entry.source == english and bool(entry.text.strip())


def current_texts(
    spec_data: Mapping[str, Any],
    translations: Translations,
    english: Mapping[str, str] | None = None,
) -> dict[str, dict[str, str]]:
    """Only the current translations (language -> pointer -> text), for ``build_model``.
    ``english``: :func:`translatable_texts` of the spec, when the caller has it already."""
    english = translatable_texts(spec_data) if english is None else english
    return {
        language: {
            pointer: entries[pointer].text
            for pointer, text in english.items()
            if _is_current(entries.get(pointer), text)
        }
        for language, entries in translations.items()
    }


class _Dumper(yaml.SafeDumper):
    """Block style; multi-line texts as literal blocks."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if "\n" in value and not any(line != line.rstrip() for line in value.split("\n")):
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_Dumper.add_representer(str, _represent_str)


def dump_translations(language: str, entries: Mapping[str, Translation]) -> str:
    """The canonical text of ``<lang>.yaml``: UTF-8 characters, keys sorted."""
    data = {
        pointer: {"source": entry.source, "text": entry.text}
        for pointer, entry in sorted(entries.items())
    }
    body = yaml.dump(
        data,
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=True,
        width=1_000_000,  # one line per text: translators edit, and diffs show, whole texts
        default_flow_style=False,
    )
    header = (
        f"# atlasgen: {language} translations of the spec's texts (descriptions, summaries, roles).\n"
        "# Key: JSON pointer of the English text; source: the English text translated\n"
        "# (a different English text makes the translation stale); text: the translation.\n"
    )
    return header + body


def catalog_path(lang: str, messages_dir: Path | None = None) -> Path:
    return (messages_dir or MESSAGES_DIR) / lang / "LC_MESSAGES" / f"{MESSAGES_DOMAIN}.po"


def load_catalog(lang: str, messages_dir: Path | None = None) -> Catalog:
    """The label catalog of ``lang``, compiled in memory; empty (English) if there is none."""
    path = catalog_path(lang, messages_dir)
    if lang == SOURCE_LANGUAGE or not path.is_file():
        return Catalog(domain=MESSAGES_DOMAIN)
    with path.open("rb") as handle:
        po = pofile.read_po(handle, locale=lang.replace("-", "_"), domain=MESSAGES_DOMAIN)
    compiled = io.BytesIO()
    mofile.write_mo(compiled, po)
    compiled.seek(0)
    return Catalog(fp=compiled, domain=MESSAGES_DOMAIN)
