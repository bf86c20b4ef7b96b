"""The realism corpus (``bench/scale/corpus.py``): a spec with the published Atlas Admin API v2
spec's shape and flaws goes through the real command line, and what comes out is checked as a
user would: ``mypy --strict`` and ``ruff check`` on the whole Python output, every module
imported, every GET operation called against a Prism mock of the corpus.

The corpus is generated once per run, whichever xdist worker asks first (a lock in the run's
shared temporary folder): the other tests of the module read the same tree.
"""

from __future__ import annotations

import fcntl
import importlib
import importlib.util
import json
import os
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from atlasgen_cli import run_atlasgen
from servers.prism import Prism
from servers.prism import serve as serve_prism

from atlasgen.load import load_spec, parse_spec_text
from atlasgen.model import build_model
from atlasgen.targets import samples

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = "atlas_corpus"
PYPROJECT = f"""\
[tool.atlasgen]
spec = "corpus.yaml"
out = "generated"
targets = ["python", "cli", "docs"]
python-distribution = "atlas-corpus-client"
python-package = "{PACKAGE}"
cli-command = "atlas-corpus"
"""
LOCATED = re.compile(r"^  corpus\.yaml:\d+:\d+: [a-z0-9-]+: .+ \(at /.*\)$")


def _corpus_module() -> ModuleType:
    path = ROOT / "bench" / "scale" / "corpus.py"
    spec = importlib.util.spec_from_file_location("atlasgen_bench_corpus", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


corpus = _corpus_module()


@dataclass(frozen=True)
class Generated:
    project: Path
    returncode: int
    stderr: str

    @property
    def spec(self) -> Path:
        return self.project / "corpus.yaml"

    @property
    def python(self) -> Path:
        return self.project / "generated" / "python"

    def require(self) -> None:
        """Fail (with atlasgen's own words) a test that needs what generation did not write."""
        assert self.returncode == 0, f"atlasgen generate exited {self.returncode}:\n{self.stderr}"


@pytest.fixture(scope="session")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    """``atlasgen generate`` of the whole flawed corpus, run once for all xdist workers."""
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    project = shared / "realism-corpus"
    project.mkdir(exist_ok=True)
    with (project / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        record = project / "generate.json"
        if not record.exists():
            (project / "pyproject.toml").write_text(PYPROJECT)
            corpus.write_corpus(project / "corpus.yaml")
            run = run_atlasgen(project, "generate", "--no-cache")
            record.write_text(json.dumps({"returncode": run.returncode, "stderr": run.stderr}))
        result = json.loads(record.read_text())
    return Generated(project, result["returncode"], result["stderr"])


# ------------------------------------------------------------------ the corpus itself
def load_spec_text(text: str) -> dict[str, Any]:
    return parse_spec_text(text, Path("corpus.yaml")).data


def census(spec: dict[str, Any]) -> Counter[str]:
    """The figures the published spec is described by."""
    found: Counter[str] = Counter()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            found["properties"] += len(node.get("properties") or {})
            found["examples"] += "example" in node
            if isinstance(node.get("oneOf"), list):
                found["oneOf"] += 1
                found["oneOf with a discriminator"] += "discriminator" in node
            found["allOf"] += "allOf" in node
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(spec)
    for item in spec["paths"].values():
        for operation in item.values():
            found["operations"] += 1
            names = {p.get("name") or p["$ref"].rsplit("/", 1)[-1] for p in operation["parameters"]}
            found["paginated"] += {"pageNum", "itemsPerPage", "includeCount"} <= names
            found["header parameters"] += sum(
                p.get("in") == "header" for p in operation["parameters"]
            )
            holders = [*operation["responses"].values(), operation.get("requestBody", {})]
            media = {m for holder in holders for m in holder.get("content", {})}
            versions = {m.split(".")[2].split("+")[0] for m in media if "vnd.atlas" in m}
            found["several versions"] += len(versions) > 1
            found["preview"] += "preview" in versions
            found["gzip"] += any(m.endswith("+gzip") for m in media)
            found["csv"] += any(m.endswith("+csv") for m in media)
            envelope = [p for p in operation["parameters"] if p.get("name") == "envelope"]
            found["envelope by default"] += any(p["schema"].get("default") for p in envelope)
    found["schemas"] = len(spec["components"]["schemas"])
    return found


def test_corpus_has_the_published_spec_shape() -> None:
    spec = load_spec_text(corpus.dump(corpus.build_corpus()))
    figures = census(spec)
    exact = {
        "operations": 540,
        "oneOf": 62,
        "oneOf with a discriminator": 45,
        "allOf": 95,
        "paginated": 96,
        "several versions": 46,
        "preview": 8,
        "envelope by default": 6,
        "header parameters": 6,
    }
    assert {name: figures[name] for name in exact} == exact
    assert 1100 <= figures["schemas"] <= 1200
    assert 5000 <= figures["properties"] <= 5400
    assert 1150 <= figures["examples"] <= 1250
    assert figures["gzip"] >= 3 and figures["csv"] >= 3
    properties = {
        name
        for schema in spec["components"]["schemas"].values()
        for name in schema.get("properties", {})
    }
    awkward = {"2dsphereIndexVersion", "class", "from", "id", "model_dump", "schema", "json"}
    assert awkward <= properties
    assert {"close", "auth"} <= {tag["name"] for tag in spec["tags"]}


def test_corpus_is_deterministic_and_each_flaw_can_be_left_out() -> None:
    full = corpus.build_corpus()
    assert corpus.build_corpus() == full
    for flaw in corpus.FLAWS:
        assert corpus.build_corpus([flaw]) != full, flaw
    text = corpus.dump(full)
    assert "example: 3e+06\n" in text and "example: on\n" in text  # as YAML 1.2 reads them
    assert "example: 3e+06\n" not in corpus.dump(corpus.build_corpus(["yaml-1.2"]))
    with pytest.raises(ValueError, match="unknown flaws"):
        corpus.build_corpus(["typos"])


# ------------------------------------------------------------------ through the command line
def test_corpus_validates_with_located_warnings_and_strict_refuses_them(
    generated: Generated,
) -> None:
    result = run_atlasgen(generated.project, "validate")
    assert result.returncode == 0, result.stderr
    warnings = result.stderr.split(" warning(s):\n", 1)[1].splitlines()
    assert all(LOCATED.match(line) for line in warnings), result.stderr
    rules = Counter(line.split(": ")[1] for line in warnings)
    assert rules["example-valid"] >= 20, rules
    strict = run_atlasgen(generated.project, "validate", "--strict")
    assert strict.returncode == 1 and "example-valid" in strict.stderr


def test_corpus_generates_all_targets(generated: Generated) -> None:
    generated.require()
    assert "Traceback" not in generated.stderr
    assert (generated.python / PACKAGE / "__init__.py").is_file()
    assert (generated.project / "generated" / "docs" / "mkdocs.yml").is_file()


def test_generated_python_passes_mypy_strict(generated: Generated) -> None:
    generated.require()
    cache = generated.project / "mypy-cache"
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(cache), PACKAGE],
        cwd=generated.python,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-5000:]


def test_generated_python_passes_ruff(generated: Generated) -> None:
    generated.require()
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "."],
        cwd=generated.python,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-5000:]


IMPORT_ALL = f"""
import importlib, pkgutil, sys
import {PACKAGE}
names = [m.name for m in pkgutil.walk_packages({PACKAGE}.__path__, "{PACKAGE}.")]
for name in names:
    importlib.import_module(name)
print(len(names))
"""


def test_every_generated_module_imports(generated: Generated) -> None:
    generated.require()
    result = subprocess.run(
        [sys.executable, "-W", "error", "-c", IMPORT_ALL],  # a warning (a shadowed field) fails
        cwd=generated.python,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-5000:]
    assert int(result.stdout) > 1100  # every model, resource, operation and CLI module


CLI_HELP_ALL = f"""
import contextlib, io
from {PACKAGE}._operations import TAGS, get_operation
from {PACKAGE}.cli import main
for tag in TAGS:
    for operation_id in tag.operation_ids:
        shown, code = io.StringIO(), None
        with contextlib.redirect_stdout(shown), contextlib.redirect_stderr(shown):
            try:
                main(["api", tag.cli_name, operation_id, "--help"])
            except SystemExit as exit:
                code = exit.code
        if code not in (0, None) or "Usage:" not in shown.getvalue():
            print(tag.cli_name, operation_id, code, shown.getvalue()[-500:])
"""


def test_every_cli_command_shows_its_help(generated: Generated) -> None:
    """Every command of the generated CLI builds its flags (one per parameter, named as the
    API names them: ``--from``, ``--If-None-Match``...)."""
    generated.require()
    result = subprocess.run(
        [sys.executable, "-W", "error", "-c", CLI_HELP_ALL],
        cwd=generated.python,
        capture_output=True,
        text=True,
        check=False,
    )
    assert (result.returncode, result.stdout) == (0, ""), result.stderr[-5000:] + result.stdout


# ------------------------------------------------------------------ against a Prism mock
@pytest.fixture
def corpus_prism(generated: Generated) -> Iterator[Prism]:
    """Prism serving the corpus as published specs are served: their flawed examples too."""
    yield from serve_prism(generated.spec, startup_timeout=300, errors=False)


@pytest.fixture
def client_package(generated: Generated) -> Iterator[ModuleType]:
    generated.require()
    sys.path.insert(0, str(generated.python))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(generated.python))
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(PACKAGE + ".")]:
            del sys.modules[name]


def get_arguments(spec: Path) -> dict[str, dict[str, Any]]:
    """Wire name -> value of the path and required parameters of every GET operation: the
    values the docs show, which satisfy each parameter's schema."""
    api = build_model(load_spec(spec), spec_display=spec.name)
    return {
        op.operation_id: {
            p.wire_name: samples.parameter_sample(api, p)
            for p in op.parameters
            if p.location == "path" or p.required
        }
        for op in api.operations
        if op.method == "GET"
    }


def test_every_get_operation_returns_a_typed_result_from_prism(
    generated: Generated, client_package: ModuleType, corpus_prism: Prism
) -> None:
    from pydantic import BaseModel

    operations = importlib.import_module(f"{PACKAGE}._operations")
    arguments = get_arguments(generated.spec)
    failures: dict[str, str] = {}
    auth = client_package.BearerTokenAuth("corpus")
    with client_package.Client(base_url=corpus_prism.url, auth=auth, max_retries=0) as client:
        for operation_id, wire_values in sorted(arguments.items()):
            operation = operations.get_operation(operation_id)
            python_names = {p.name: p.python_name for p in operation.parameters}
            resource = getattr(client, operations.get_tag(operation.tag).python_name)
            call = getattr(resource.with_raw_response, operation.python_name)
            try:
                response = call(**{python_names[k]: v for k, v in wire_values.items()})
                result = response.parse()
                if operation.download and not isinstance(result, BaseModel):
                    with result as download:
                        assert b"".join(download.iter_bytes()), "an empty download"
                else:
                    assert isinstance(result, BaseModel), f"untyped {type(result).__name__}"
                    sent = response.http_response.json()
                    typed = result.model_dump(mode="json", by_alias=True, exclude_unset=True)
                    assert typed == sent, f"the result is not what Prism sent: {typed} != {sent}"
            except Exception as error:  # noqa: BLE001 - every failure is reported at the end
                failures[operation_id] = f"{type(error).__name__}: {error}"[:300]
    assert len(arguments) > 250
    report = "\n".join(f"{name}: {why}" for name, why in sorted(failures.items()))
    assert not failures, f"{len(failures)} of {len(arguments)} GET operations failed:\n{report}"
