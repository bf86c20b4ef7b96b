"""Every fact of the seed pages (tests/docs/seed_facts.yaml) is on the generated page, in the
seed's language and in English: descriptions, parameters, constraints, samples, examples."""

from __future__ import annotations

import html
import re
import unicodedata
from pathlib import Path
from typing import Any

import pytest
import yaml
from docs_support import HERE, operation_page

from atlasgen.model import Api

SEEDS: list[dict[str, Any]] = yaml.safe_load((HERE / "seed_facts.yaml").read_text(encoding="utf-8"))


def comparable(text: str) -> str:
    """``text`` without what may differ between a seed page and ours: whitespace, Markdown
    emphasis and code marks, HTML tags and entities, case, full-width punctuation."""
    text = re.sub(r"</?[a-zA-Z][^<>]*>", "", text)
    text = html.unescape(text.replace("**", "").replace("`", ""))
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"\s+", "", text).casefold()


def page(shipped: Api, shipped_docs: Path, seed: dict[str, Any], language: str) -> str:
    op = next(op for op in shipped.operations if op.operation_id == seed["operation"])
    return comparable(operation_page(shipped_docs, op, language).read_text(encoding="utf-8"))


def missing(facts: list[str], text: str) -> list[str]:
    return [fact for fact in facts if comparable(fact) not in text]


@pytest.mark.parametrize("seed", SEEDS, ids=[s["seed"] for s in SEEDS])
def test_seed_facts_are_on_the_page_in_the_seed_language(
    shipped: Api, shipped_docs: Path, seed: dict[str, Any]
) -> None:
    text = page(shipped, shipped_docs, seed, seed["language"])
    assert not missing(seed["facts"] + seed["common"], text)
    if "section" in seed:
        section = text.split(comparable(seed["section"]), 1)
        assert len(section) == 2, f"no section {seed['section']!r}"
        assert not missing(seed["in_section"], section[1])


@pytest.mark.parametrize("seed", SEEDS, ids=[s["seed"] for s in SEEDS])
def test_seed_facts_are_on_the_english_page(
    shipped: Api, shipped_docs: Path, seed: dict[str, Any]
) -> None:
    text = page(shipped, shipped_docs, seed, "en")
    assert not missing(seed["english"] + seed["common"], text)


def test_every_seed_is_listed() -> None:
    """Five seed pages, each with facts in its own language (a seed dropped from the list
    would pass silently)."""
    assert len(SEEDS) == 5
    assert all(len(s["facts"]) >= 10 and len(s["common"]) >= 5 for s in SEEDS)


def test_every_operation_documents_rate_limits(shipped: Api, shipped_docs: Path) -> None:
    """429 with Retry-After on every operation, as the live API answers, and on every page."""
    for op in shipped.operations:
        limited = next((r for r in op.responses if r.status == "429"), None)
        assert limited is not None, op.operation_id
        assert "Retry-After" in {h.name for h in limited.headers}, op.operation_id
        for language in ("en", "zh", "pt", "ko"):
            text = operation_page(shipped_docs, op, language).read_text(encoding="utf-8")
            assert '"errorCode": "RATE_LIMITED"' in text and "`Retry-After`" in text
