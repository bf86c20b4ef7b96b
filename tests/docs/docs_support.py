"""Helpers of the docs tests: rendering a spec's docs, building the site, reading pages.

Goldens: ``tests/docs/golden/`` holds the docs of ``tests/docs/specs/docs-fixture.yaml``;
``generated/docs/`` (committed by ``atlasgen generate``) is the golden record of the shipped
spec. After a deliberate change to templates/docs/, the docs target or the message catalogs:

    .venv/bin/atlasgen generate && ATLASGEN_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/docs

rewrites ``tests/docs/golden/`` and ``templates/docs/messages.pot``.
"""

from __future__ import annotations

import dataclasses
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from atlasgen import output
from atlasgen.config import Settings, load_settings
from atlasgen.load import load_spec
from atlasgen.model import Api, build_model
from atlasgen.model.types import Operation
from atlasgen.targets import docs

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
SHIPPED_SPEC = ROOT / "specs" / "atlas-admin.yaml"
FIXTURE_SPEC = HERE / "specs" / "docs-fixture.yaml"
FIXTURE_LANGUAGES = ("en", "zh")
GOLDEN = HERE / "golden"
UPDATE_GOLDEN = os.environ.get("ATLASGEN_UPDATE_GOLDEN") == "1"
MKDOCS_EXTENSIONS = [
    "toc",
    "tables",
    "admonition",
    "attr_list",
    "pymdownx.superfences",
    "pymdownx.tabbed",
]

# A fenced block, at the margin or indented under a tab (pymdownx.tabbed).
_FENCE = re.compile(
    r"^(?P<indent> *)```(?P<lang>[\w-]*)\n(?P<code>.*?)\n(?P=indent)```$", re.MULTILINE | re.DOTALL
)


def settings_for(
    spec: Path, out: Path, targets: tuple[str, ...], languages: tuple[str, ...] | None = None
) -> Settings:
    settings = load_settings(ROOT)
    changes: dict[str, Any] = {"spec": spec, "out": out, "targets": targets}
    if languages is not None:
        changes["languages"] = languages
    return dataclasses.replace(settings, **changes)


def model(spec: Path) -> Api:
    """The model without translations: enough to know which pages exist."""
    return build_model(load_spec(spec), spec_display=spec.name)


def translated_model(spec: Path, languages: tuple[str, ...] = ("en", "zh", "pt", "ko")) -> Api:
    """The model as the pipeline builds it for the docs: current translations included."""
    from atlasgen import i18n

    loaded = load_spec(spec)
    texts = i18n.current_texts(loaded.data, i18n.load_translations(spec, languages))
    return build_model(loaded, spec_display=spec.name, texts=texts)


def docs_outputs(spec: Path, languages: tuple[str, ...] | None = None) -> list[str]:
    """Every file the docs target writes for ``spec`` (paths under the output directory)."""
    settings = settings_for(spec, ROOT / "generated", ("docs",), languages)
    return sorted(job.output for job in docs.jobs(model(spec), settings))


def generate(
    spec: Path, out: Path, targets: tuple[str, ...], languages: tuple[str, ...] | None = None
) -> dict[str, bytes]:
    """Run the whole pipeline (validation, translations, render, format) and write ``out``."""
    from atlasgen.pipeline import generate_files

    settings = settings_for(spec, out, targets, languages)
    files = generate_files(settings, use_cache=False).files
    output.write_tree(out, files)
    return files


@dataclass(frozen=True)
class Block:
    lang: str
    code: str


def _dedent(code: str, indent: str) -> str:
    return "\n".join(line.removeprefix(indent) for line in code.split("\n"))


def code_blocks(markdown: str) -> list[Block]:
    return [Block(m["lang"], _dedent(m["code"], m["indent"])) for m in _FENCE.finditer(markdown)]


@dataclass(frozen=True)
class Samples:
    """The code samples of one API version, as the page shows them in its tabs."""

    cli: str
    python: str
    go: str | None
    curl_bearer: str
    curl_digest: str


def _is_cli(block: Block) -> bool:
    return block.lang == "sh" and not block.code.startswith(("curl", "ACCESS_TOKEN"))


def all_samples(markdown: str) -> list[Samples]:
    """The code samples of every API version of an operation page, in page order (the newest
    version first): each version's tabs start with its command line."""
    groups: list[list[Block]] = []
    for block in code_blocks(markdown):
        if _is_cli(block):
            groups.append([])
        if groups and block.lang in ("sh", "python", "go"):
            groups[-1].append(block)
    result = []
    for blocks in groups:
        cli = [b.code for b in blocks if _is_cli(b)]
        python = [b.code for b in blocks if b.lang == "python"]
        go = [b.code for b in blocks if b.lang == "go"]
        curl = [b.code for b in blocks if b.lang == "sh" and b.code.startswith("curl")]
        assert len(cli) == len(python) == 1 and len(go) <= 1, [b.lang for b in blocks]
        bearer = [c for c in curl if "Authorization: Bearer" in c]
        digest = [c for c in curl if "--digest" in c]
        assert len(curl) == 2 and len(bearer) == 1 and len(digest) == 1, curl
        result.append(
            Samples(
                cli=cli[0],
                python=python[0],
                go=go[0] if go else None,
                curl_bearer=bearer[0],
                curl_digest=digest[0],
            )
        )
    assert result, "the page shows no code samples"
    return result


def samples(markdown: str) -> Samples:
    """The code samples of the newest API version (the first the page shows)."""
    return all_samples(markdown)[0]


def operation_page(site: Path, op: Operation, language: str) -> Path:
    return (
        site / "docs" / docs.CONTENT_DIR / docs.page_path(language, "en", "operations", op.doc_slug)
    )


def mkdocs_build(docs_dir: Path, site_dir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "-f",
            str(docs_dir / "mkdocs.yml"),
            "-d",
            str(site_dir),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def walk(folder: Path) -> Iterator[Path]:
    return (p for p in sorted(folder.rglob("*")) if p.is_file())
