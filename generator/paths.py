"""Where atlasgen's own inputs live, in one place: the stages read them, the run manifest hashes them.

Templates and message catalogs ship inside the installed package (``atlasgen/templates``,
``atlasgen/messages``: the ``package-dir`` mapping in pyproject.toml), so a wheel works from any
folder. A checkout run as ``python -m generator`` has no such subpackages and reads the folders
beside the package instead.
"""

from __future__ import annotations

from importlib.util import find_spec
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def _shipped_dir(subpackage: str, checkout_dir: Path) -> Path:
    shipped = find_spec(f"{__package__}.{subpackage}")  # a namespace package: data only
    if shipped is None or not shipped.submodule_search_locations:
        return checkout_dir
    return Path(next(iter(shipped.submodule_search_locations)))


TEMPLATES_DIR = _shipped_dir("templates", PACKAGE_DIR.parent / "templates")
MESSAGES_DIR = _shipped_dir("messages", PACKAGE_DIR.parent / "specs" / "i18n" / "messages")


def translations_dir(spec_path: Path) -> Path:
    """Per-language description translations sit beside the spec: ``<spec dir>/i18n/``."""
    return spec_path.parent / "i18n"


def translations_path(spec_path: Path, language: str) -> Path:
    return translations_dir(spec_path) / f"{language}.yaml"
