"""Where atlasgen's own inputs live, in one place: the stages read them, the run manifest hashes them."""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
TEMPLATES_DIR = PACKAGE_DIR.parent / "templates"
MESSAGES_DIR = PACKAGE_DIR.parent / "specs" / "i18n" / "messages"


def translations_dir(spec_path: Path) -> Path:
    """Per-language description translations sit beside the spec: ``<spec dir>/i18n/``."""
    return spec_path.parent / "i18n"


def translations_path(spec_path: Path, language: str) -> Path:
    return translations_dir(spec_path) / f"{language}.yaml"
