"""Descriptions are Markdown written by people: their Markdown renders, their HTML never does,
and a pipe never splits a table cell. Checked on the filters, on rendered pages of
tests/docs/specs/docs-fixture.yaml (tag "Unsafe Text") and on the site MkDocs builds from it."""

from __future__ import annotations

import re
from pathlib import Path

import markdown
import pytest
from docs_support import MKDOCS_EXTENSIONS, walk

from atlasgen import filters

UNSAFE_PAGE = "docs/content/operations/get-group-unsafe-text.md"


def to_html(text: str) -> str:
    return markdown.markdown(text, extensions=MKDOCS_EXTENSIONS)


def table_rows(html: str) -> list[list[str]]:
    return [
        re.findall(r"<td>(.*?)</td>", row, re.DOTALL)
        for row in re.findall(r"<tr>(.*?)</tr>", html, re.DOTALL)
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a | b", "a \\| b"),
        ("`a|b` c", "<code>a&#124;b</code> c"),
        ("<script>x</script>", "&lt;script>x&lt;/script>"),
        ("`<script>`", "`<script>`"),
        ("one\n\ntwo\nlines", "one<br><br>two lines"),
        ("**bold**", "**bold**"),
        ("[x](javascript:alert(1))", "[x]\\(javascript:alert(1))"),
    ],
)
def test_md_cell(text: str, expected: str) -> None:
    assert filters.md_cell(text) == expected


def test_md_cell_renders_as_one_cell() -> None:
    cell = filters.md_cell("a | b with `x|y` and <b>bold</b>\n\n# not a heading")
    rows = table_rows(to_html(f"| A | B |\n| --- | --- |\n| {cell} | end |\n"))
    assert len(rows[-1]) == 2 and rows[-1][1] == "end"
    assert "a | b" in rows[-1][0] and "&lt;b&gt;" in rows[-1][0] and "<b>" not in rows[-1][0]


@pytest.mark.parametrize("value", ["^(a|b)$", "x`y", " padded ", "plain", 3, False, None, ["a|b"]])
def test_md_code_is_one_code_element(value: object) -> None:
    html = to_html(f"| A |\n| --- |\n| {filters.md_code(value)} |\n")
    cells = table_rows(html)[-1]
    assert len(cells) == 1 and cells[0].startswith("<code>") and cells[0].endswith("</code>")
    shown = re.sub(r"&#(\d+);", lambda m: chr(int(m.group(1))), cells[0][6:-7])
    shown = shown.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
    assert shown == (value if isinstance(value, str) else filters.to_json(value, indent=None))


def test_md_text_keeps_markdown_and_shows_html_as_text() -> None:
    html = to_html(
        filters.md_text("**NOTE**: use `<tag>` not <script>alert(1)</script>\n# Heading")
    )
    assert "<strong>NOTE</strong>" in html and "<code>&lt;tag&gt;</code>" in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<h1" not in html


def test_pyliteral_and_shell_quote() -> None:
    assert (
        filters.pyliteral({"a": [True, None, 'x"y']})
        == '{\n    "a": [\n        True,\n        None,\n        \'x"y\',\n    ],\n}'
    )
    assert filters.shell_quote("it's") == "'it'\"'\"'s'"
    assert filters.shell_quote(True) == "true"


def test_unsafe_page_renders_safely(fixture_docs: Path) -> None:
    source = (fixture_docs / UNSAFE_PAGE).read_text(encoding="utf-8")
    html = to_html(source)
    for tag in ("<script", "<img", "<b>raw", "<i>fine", "<em>HTML", "<Unsafe>"):
        assert tag not in html, tag
    assert 'href="javascript:' not in html
    assert "<strong>bold</strong>" in html and "<strong>fast</strong>" in html
    assert "<code>a|b</code>" in html and "<code>double `tick` span</code>" in html
    assert html.count("<h1") == 1, "a description added a heading"
    for rows in (table_rows(table) for table in re.findall(r"<table>.*?</table>", html, re.DOTALL)):
        widths = {len(cells) for cells in rows if cells}
        assert len(widths) == 1, rows
    key_row = next(cells for cells in table_rows(html) if cells and "<code>key</code>" in cells[0])
    assert "a | pipe" in key_row[3] and "&lt;script&gt;" in key_row[3]
    assert "&#94;&#40;alpha&#124;beta&#41;&#96;" in key_row[3]  # the pattern, in one cell


def test_unsafe_text_stays_text_on_the_built_site(fixture_site: Path) -> None:
    for page in walk(fixture_site):
        if page.suffix != ".html":
            continue
        text = page.read_text(encoding="utf-8")
        for tag in (
            "<script>alert",
            "<img src=x",
            "<b>raw",
            "<i>fine",
            "<em>HTML",
            "<Unsafe>",
            "<c>",
        ):
            assert tag not in text, f"{page}: {tag}"
        assert 'href="javascript:' not in text, page
