"""Four languages: labels from message catalogs, descriptions from translation files.

``templates/docs/messages.pot`` lists every label the docs use (extracted from
templates/docs/ and the docs target); each catalog in specs/i18n/messages/ must translate all
of them, keeping their ``%(name)s`` placeholders. ``ATLASGEN_UPDATE_GOLDEN=1`` rewrites the
.pot after a template change.
"""

from __future__ import annotations

import io
import re
from datetime import datetime, timezone
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po, write_po
from docs_support import FIXTURE_SPEC, ROOT, SHIPPED_SPEC, UPDATE_GOLDEN, translated_model

from atlasgen import i18n
from atlasgen.load import load_spec
from atlasgen.paths import translations_path
from atlasgen.targets import docs

TEMPLATES = ROOT / "templates" / "docs"
POT = TEMPLATES / "messages.pot"
TRANSLATED = ("zh", "pt", "ko")
_JINJA = {
    "extensions": "jinja2.ext.i18n",
    "trim_blocks": "true",
    "lstrip_blocks": "true",
    "newstyle_gettext": "true",
}
_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def extracted() -> list[str]:
    found: set[str] = set()
    for template in sorted(TEMPLATES.glob("*.j2")):
        found |= {
            msg
            for _, msg, _, _ in extract_from_file(
                "jinja2.ext:babel_extract", str(template), options=_JINJA
            )
        }
    found |= {
        msg
        for _, msg, _, _ in extract_from_file(
            "python", str(ROOT / "generator" / "targets" / "docs.py")
        )
    }
    return sorted(m for m in found if isinstance(m, str))


def pot_text(messages: list[str]) -> bytes:
    catalog = Catalog(
        project="atlasgen docs",
        version="1",
        creation_date=datetime(2026, 1, 1, tzinfo=timezone.utc),
        revision_date=datetime(2026, 1, 1, tzinfo=timezone.utc),
        fuzzy=False,
    )
    for message in messages:
        catalog.add(message)
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100, omit_header=False, sort_output=True, include_lineno=False)
    return buffer.getvalue()


def pot_messages() -> list[str]:
    with POT.open("rb") as handle:
        return sorted(str(m.id) for m in read_po(handle) if m.id)


def test_messages_pot_lists_every_label() -> None:
    """Compares the labels, not the bytes: the header names the Babel version that wrote it."""
    labels = extracted()
    if UPDATE_GOLDEN:
        POT.write_bytes(pot_text(labels))
    assert POT.is_file(), "templates/docs/messages.pot is missing"
    assert (
        pot_messages() == labels
    ), "templates/docs/messages.pot is stale: run ATLASGEN_UPDATE_GOLDEN=1 pytest tests/docs"


@pytest.mark.parametrize("language", TRANSLATED)
def test_catalog_translates_every_label(language: str) -> None:
    path = i18n.catalog_path(language)
    assert path.is_file(), f"{path} is missing"
    with path.open("rb") as handle:
        entries = {str(m.id): m for m in read_po(handle, locale=language) if m.id}
    untranslated = [
        m for m in pot_messages() if m not in entries or not entries[m].string or entries[m].fuzzy
    ]
    assert (
        not untranslated
    ), f"{language}: {len(untranslated)} labels untranslated, e.g. {untranslated[:5]}"
    assert docs.catalog(language).gettext("Path parameters") == entries["Path parameters"].string


@pytest.mark.parametrize("language", TRANSLATED)
def test_translated_labels_keep_their_placeholders(language: str) -> None:
    catalog = docs.catalog(language)
    for message in pot_messages():
        translated = catalog.gettext(message)
        assert sorted(_PLACEHOLDER.findall(translated)) == sorted(_PLACEHOLDER.findall(message)), (
            language,
            message,
        )
        assert "%" not in _PLACEHOLDER.sub("", translated).replace("%%", ""), (language, message)


def test_catalog_is_cached_and_english_needs_none() -> None:
    assert docs.catalog("zh") is docs.catalog("zh")
    assert docs.catalog("en").gettext("Path parameters") == "Path parameters"


def test_current_translations_show_and_stale_ones_fall_back(fixture_docs: Path) -> None:
    page = (fixture_docs / "docs/content/zh/operations/create-group-widget.md").read_text(
        encoding="utf-8"
    )
    assert page.splitlines()[1] == "# 创建一个小部件"  # current: translated
    assert "标识小部件的人类可读标签。" in page  # a field description
    assert "Creates one widget in the project." in page  # stale: the English text
    assert "已过时" not in page
    english = (fixture_docs / "docs/content/operations/create-group-widget.md").read_text(
        encoding="utf-8"
    )
    assert english.splitlines()[1] == "# Create One Widget"
    nav = (fixture_docs / "docs/mkdocs.yml").read_text(encoding="utf-8")
    assert '"创建一个小部件": "zh/operations/create-group-widget.md"' in nav


def test_translated_model_matches_the_translation_files() -> None:
    api = translated_model(FIXTURE_SPEC, ("en", "zh"))
    op = next(op for op in api.operations if op.operation_id == "createGroupWidget")
    assert api.text(f"{op.pointer}/summary", op.summary, "zh") == "创建一个小部件"
    assert api.text(f"{op.pointer}/description", op.description, "zh") == op.description
    problems = i18n.translation_problems(
        load_spec(FIXTURE_SPEC), i18n.load_translations(FIXTURE_SPEC, ("zh",))
    )
    assert any(p.rule == "i18n-stale" and p.pointer.endswith("/post/description") for p in problems)


# ASCII , : ; touching a Chinese character: Chinese sentences take full-width ones.
_ASCII_IN_CHINESE = re.compile(r"[\u3400-\u9fff][,:;]|[,:;][\u3400-\u9fff]")


def test_chinese_texts_use_full_width_punctuation() -> None:
    entries = i18n.load_translation_file(translations_path(SHIPPED_SPEC, "zh"))
    with i18n.catalog_path("zh").open("rb") as handle:
        labels = [str(m.string) for m in read_po(handle, locale="zh") if m.id]
    texts = [entry.text for entry in entries.values()] + labels
    assert len(texts) > 100
    assert [t for t in texts if _ASCII_IN_CHINESE.search(t)] == []
    assert any("，" in t for t in texts) and any("：" in t for t in labels)


def test_portuguese_headings_are_written_out() -> None:
    """Headings start with a capital and say "consulta", not half-English "query"."""
    catalog = docs.catalog("pt")
    for label in ("Path parameters", "Query parameters", "Header parameters", "Request body"):
        heading = catalog.gettext(label)
        assert heading[0].isupper() and "query" not in heading, heading
    assert catalog.gettext("Required roles") == "Funções necessárias"
