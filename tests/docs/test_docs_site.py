"""The built site: `mkdocs build --strict`, navigation, and headless Chromium looking at it."""

from __future__ import annotations

import html
import re
import shutil
import struct
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from docs_support import SHIPPED_SPEC, translated_model, walk

from atlasgen.model import Api
from atlasgen.targets import docs

CHROMIUM_INSTALL = "apt-get update && apt-get install -y chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# The page shown per language: it has path and query parameter tables, and code tabs (the
# window is tall enough to show them).
SCREENSHOT_OPERATION = "getGroupDbAccessHistoryCluster"


def test_shipped_site_builds_strict_with_every_page(shipped_site: Path, shipped_docs: Path) -> None:
    content = shipped_docs / "docs" / docs.CONTENT_DIR
    for page in walk(content):
        if page.suffix == ".md":
            built = shipped_site / page.relative_to(content).with_suffix(".html")
            assert built.is_file(), built


def test_fixture_site_builds_strict(fixture_site: Path) -> None:
    assert (fixture_site / "index.html").is_file()


def _nav_pages(node: object) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, list):
        return [page for item in node for page in _nav_pages(item)]
    if isinstance(node, dict):
        return [page for value in node.values() for page in _nav_pages(value)]
    return []


def test_every_page_is_in_the_nav_once(shipped_docs: Path) -> None:
    config = yaml.safe_load((shipped_docs / "docs" / "mkdocs.yml").read_text(encoding="utf-8"))
    content = shipped_docs / "docs" / config["docs_dir"]
    pages = sorted(p.relative_to(content).as_posix() for p in walk(content) if p.suffix == ".md")
    assert sorted(_nav_pages(config["nav"])) == pages


def test_mkdocs_config_is_self_contained(shipped_docs: Path, shipped_site: Path) -> None:
    config = yaml.safe_load((shipped_docs / "docs" / "mkdocs.yml").read_text(encoding="utf-8"))
    assert config["strict"] is True and config["use_directory_urls"] is False
    assert config["theme"]["name"] == "material" and config["theme"]["font"] is False
    search, offline = config["plugins"]
    assert search["search"]["lang"] == ["en", "zh", "pt", "ko"]  # a stemmer per language
    assert offline == "offline"
    home = (shipped_site / "index.html").read_text(encoding="utf-8")
    assert "fonts.googleapis" not in home and "cdn." not in home  # nothing from a CDN
    assert (shipped_site / "assets" / "javascripts" / "lunr" / "min" / "lunr.ko.min.js").is_file()


def _nav_tags(config: dict[str, Any], section: int) -> list[str]:
    items = next(iter(config["nav"][section].values()))
    return [next(iter(item)) for item in items[1:]]  # after the overview page


def test_navigation_and_tag_pages_are_translated(shipped_docs: Path) -> None:
    """Sidebar sections, tag page titles and breadcrumbs (Material builds them from the nav)
    name each tag in the page's language."""
    config = yaml.safe_load((shipped_docs / "docs" / "mkdocs.yml").read_text(encoding="utf-8"))
    api = translated_model(SHIPPED_SPEC)
    english = _nav_tags(config, 0)
    assert english == [html.escape(t.name) for t in api.tags]
    for section, language in enumerate(("zh", "pt", "ko"), start=1):
        names = [docs.Texts(api, language).tag_name(t) for t in api.tags]
        assert _nav_tags(config, section) == [html.escape(n) for n in names]
        assert sum(n != t.name for n, t in zip(names, api.tags, strict=True)) >= 3, language
        for tag, name in zip(api.tags, names, strict=True):
            page = (
                shipped_docs
                / "docs"
                / docs.CONTENT_DIR
                / docs.page_path(language, "en", "tags", tag.doc_slug)
            )
            assert page.read_text(encoding="utf-8").splitlines()[1] == f"# {name}"


# --------------------------------------------------------------------- Chromium
def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        pytest.fail(
            f"Chromium is needed for the docs screenshot test; install it with: {CHROMIUM_INSTALL}"
        )
    return found


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()[:24]
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@pytest.mark.parametrize("language", ["en", "zh", "pt", "ko"])
def test_screenshot_shows_title_parameter_tables_and_code_tabs(
    language: str, shipped_site: Path, shipped: Api, tmp_path: Path
) -> None:
    chromium = _chromium()
    op = next(op for op in shipped.operations if op.operation_id == SCREENSHOT_OPERATION)
    page = shipped_site / docs.page_path(language, "en", "operations", op.doc_slug).replace(
        ".md", ".html"
    )
    assert page.is_file(), page
    url = page.as_uri()
    png = tmp_path / f"{language}.png"
    shot = subprocess.run(
        [
            chromium,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={tmp_path / 'profile-shot'}",
            f"--screenshot={png}",
            "--window-size=1280,3200",
            url,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert png.is_file(), shot.stderr[-3000:]
    assert _png_size(png) == (1280, 3200)
    assert png.stat().st_size > 50_000, "the screenshot is nearly empty"
    dom = subprocess.run(
        [
            chromium,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={tmp_path / 'profile-dom'}",
            "--dump-dom",
            url,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert dom.returncode == 0, dom.stderr[-3000:]
    title = translated_model(SHIPPED_SPEC).text(f"{op.pointer}/summary", op.summary, language)
    assert f">{html.escape(title, quote=False)}<" in dom.stdout, f"title {title!r} not rendered"
    assert dom.stdout.count("<table") >= 2, "path and query parameter tables are missing"
    assert "groupId" in dom.stdout and "clusterName" in dom.stdout
    # The code samples: one set of tabs, its labels in the page's language.
    assert dom.stdout.count('class="tabbed-set') == len(op.versions)
    # (the theme's script, run by Chromium, links each label: <a href="#__tabbed_1_1">)
    labels = re.findall(
        r'<label for="__tabbed_1_\d+">(?:<a [^>]*>)?(.*?)(?:</a>)?</label>', dom.stdout
    )
    catalog = docs.catalog(language)
    assert labels == [
        html.escape(catalog.gettext("Command line")),
        "Python",
        "Go",
        html.escape(catalog.gettext("curl with a service account")),
        html.escape(catalog.gettext("curl with API keys")),
    ]
