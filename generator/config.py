"""Settings from ``[tool.atlasgen]`` in pyproject.toml, overridable from the command line."""

from __future__ import annotations

import sys
from dataclasses import dataclass, replace
from pathlib import Path

from .errors import AtlasgenError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

ALL_TARGETS = ("python", "cli", "docs")


class ConfigError(AtlasgenError):
    """pyproject.toml or a command-line override is unusable; the message says which."""


@dataclass(frozen=True)
class Settings:
    project_root: Path
    spec: Path
    out: Path
    targets: tuple[str, ...] = ALL_TARGETS
    python_distribution: str = "atlas-admin-client"
    python_package: str = "atlas_admin"
    cli_command: str = "atlas-admin"
    languages: tuple[str, ...] = ("en", "zh", "pt", "ko")

    @property
    def spec_display(self) -> str:
        """The spec path as written in generated headers: relative to the project if inside."""
        try:
            return self.spec.resolve().relative_to(self.project_root.resolve()).as_posix()
        except ValueError:
            return self.spec.name

    def with_overrides(
        self, spec: str | None = None, out: str | None = None, targets: str | None = None
    ) -> Settings:
        updated = self
        if spec is not None:
            updated = replace(updated, spec=Path(spec))
        if out is not None:
            updated = replace(updated, out=Path(out))
        if targets is not None:
            updated = replace(updated, targets=parse_targets(targets, "--targets"))
        return updated


def parse_targets(value: str | list[str], where: str) -> tuple[str, ...]:
    names = value.split(",") if isinstance(value, str) else list(value)
    cleaned = tuple(n.strip() for n in names if n.strip())
    unknown = [n for n in cleaned if n not in ALL_TARGETS]
    if unknown or not cleaned:
        raise ConfigError(
            f"{where}: unknown target {', '.join(unknown) or '(none)'}; "
            f"choose from {', '.join(ALL_TARGETS)}"
        )
    if "cli" in cleaned and "python" not in cleaned:
        raise ConfigError(f"{where}: the cli target ships inside the python package; add python")
    return tuple(t for t in ALL_TARGETS if t in cleaned)


def find_project_root(start: Path) -> Path | None:
    for folder in (start, *start.parents):
        if (folder / "pyproject.toml").is_file():
            return folder
    return None


def load_settings(start: Path | None = None) -> Settings:
    """Settings of the project containing ``start`` (the working directory by default).

    Outside a project with ``[tool.atlasgen]``, the defaults apply relative to ``start``,
    so ``atlasgen generate --spec X --out Y`` works anywhere.
    """
    start = (start or Path.cwd()).resolve()
    root = find_project_root(start)
    table: dict[str, object] = {}
    if root is not None:
        pyproject = root / "pyproject.toml"
        try:
            table = (
                tomllib.loads(pyproject.read_text(encoding="utf-8"))
                .get("tool", {})
                .get("atlasgen", {})
            )
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{pyproject}: invalid TOML: {exc}") from None
    base = root if (root is not None and table) else start
    known = {
        "spec",
        "out",
        "targets",
        "python-distribution",
        "python-package",
        "cli-command",
        "languages",
    }
    unknown = sorted(set(table) - known)
    if unknown:
        raise ConfigError(
            f"{base / 'pyproject.toml'}: [tool.atlasgen] has unknown key {unknown[0]!r}"
        )
    try:
        return Settings(
            project_root=base,
            spec=base / str(table.get("spec", "specs/atlas-admin.yaml")),
            out=base / str(table.get("out", "generated")),
            targets=parse_targets(table.get("targets", list(ALL_TARGETS)), "[tool.atlasgen] targets"),  # type: ignore[arg-type]
            python_distribution=str(table.get("python-distribution", "atlas-admin-client")),
            python_package=str(table.get("python-package", "atlas_admin")),
            cli_command=str(table.get("cli-command", "atlas-admin")),
            languages=tuple(table.get("languages", ("en", "zh", "pt", "ko"))),  # type: ignore[arg-type]
        )
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{base / 'pyproject.toml'}: [tool.atlasgen]: {exc}") from None
