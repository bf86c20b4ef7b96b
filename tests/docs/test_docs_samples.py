"""The docs' code samples and examples cannot rot: they are checked, validated and run.

- every sample (one set per API version) names a real CLI group/command/flag or client
  resource/method/argument, with values that the parameter's schema accepts and the
  version's media type (the Go samples: tests/docs/test_docs_go.py);
- every request and response example in the spec (all shown in the docs) validates against
  its schema with jsonschema, and every JSON block on a page is one of them or a sample body
  (an example with the constants the API requires filled in);
- the curl samples, and the Python and CLI samples (through the generated client), run
  against the fake Atlas server of tests/servers/fake_atlas.py.
"""

from __future__ import annotations

import ast
import gzip
import json
import os
import re
import shlex
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from docs_support import (
    ROOT,
    SHIPPED_SPEC,
    Samples,
    all_samples,
    code_blocks,
    generate,
    model,
    operation_page,
    samples,
)

from atlasgen.config import load_settings
from atlasgen.load import load_spec, unescape_pointer_token
from atlasgen.model import Api
from atlasgen.model.types import ApiVersion, Operation, Parameter
from atlasgen.targets.samples import sample, wire

if str(ROOT) not in sys.path:  # tests.servers is imported as a package of the project
    sys.path.insert(0, str(ROOT))

LANGUAGES = ("en", "zh", "pt", "ko")
OPERATION_IDS = [op.operation_id for op in model(SHIPPED_SPEC).operations]
SPEC_DATA: dict[str, Any] = load_spec(SHIPPED_SPEC).data
SETTINGS = load_settings(ROOT)
CLI_OWN_FLAGS = {"version", "file", "output", "outputFile"}


def operation(api: Api, operation_id: str) -> Operation:
    return next(op for op in api.operations if op.operation_id == operation_id)


def resolve_pointer(pointer: str) -> Any:
    node: Any = SPEC_DATA
    for token in pointer.split("/")[1:]:
        token = unescape_pointer_token(token)
        node = node[int(token)] if isinstance(node, list) else node[token]
    return node


def validate(value: Any, schema_pointer: str) -> None:
    """``value`` against the spec's schema at ``schema_pointer`` ($refs resolve in the spec)."""
    root = {**SPEC_DATA, "$ref": "#" + schema_pointer}
    jsonschema.Draft4Validator(root).validate(value)


def parameter_schema_pointer(parameter: Parameter) -> str:
    return parameter.pointer + "/schema"


def by_version(site: Path, op: Operation, language: str) -> list[tuple[ApiVersion, Samples]]:
    """Each API version of ``op`` (the newest first, as the page shows them) with its samples."""
    newest = op.newest_version
    versions = [newest] + [v for v in reversed(op.versions) if v is not newest]
    shown = all_samples(operation_page(site, op, language).read_text(encoding="utf-8"))
    return list(zip(versions, shown, strict=True))


# --------------------------------------------------------------------- static checks
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("operation_id", OPERATION_IDS)
def test_cli_sample_names_real_commands_and_valid_values(
    shipped: Api, shipped_docs: Path, operation_id: str, language: str
) -> None:
    op = operation(shipped, operation_id)
    tag = next(t for t in shipped.tags if op in t.operations)
    for version, shown in by_version(shipped_docs, op, language):
        chosen = sample(shipped, op, version)
        command, _, heredoc = shown.cli.partition(" <<'EOF'\n")
        words = shlex.split(command.replace("\\\n", " "))
        assert words[:4] == [SETTINGS.cli_command, "api", tag.cli_name, op.cli_name]
        flags: dict[str, str | None] = {}
        rest = words[4:]
        while rest:
            flag = rest.pop(0)
            assert flag.startswith("--"), words
            value = rest.pop(0) if rest and not rest[0].startswith("--") else None
            flags[flag[2:]] = value
        by_flag = {p.cli_flag: p for p in op.parameters}
        assert set(flags) - CLI_OWN_FLAGS <= set(by_flag), flags
        for p in op.parameters:
            if p.required:
                assert p.cli_flag in flags, f"required --{p.cli_flag} missing"
        for argument in chosen.arguments:
            validate(argument.value, parameter_schema_pointer(argument.parameter))
            expected = None if argument.value is True else wire(argument.value)
            assert flags[argument.parameter.cli_flag] == expected
        assert flags["version"] == version.version
        if op.is_download:
            assert flags["outputFile"] == "file_name.gz"
        if op.request_body is not None:
            assert flags["file"] == "-"
            body = json.loads(heredoc.rsplit("\nEOF", 1)[0])
            assert body == chosen.body


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("operation_id", OPERATION_IDS)
def test_python_sample_calls_a_real_method(
    shipped: Api, shipped_docs: Path, operation_id: str, language: str
) -> None:
    op = operation(shipped, operation_id)
    tag = next(t for t in shipped.tags if op in t.operations)
    for version, shown in by_version(shipped_docs, op, language):
        code = shown.python
        tree = ast.parse(code)
        assert f"from {SETTINGS.python_package} import Client" in code
        calls = [
            node
            for node in ast.walk(tree)
            if isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == op.python_name
        ]
        assert len(calls) == 1, code
        resource = calls[0].func.value  # type: ignore[attr-defined]
        assert isinstance(resource, ast.Attribute) and resource.attr == tag.python_name
        assert isinstance(resource.value, ast.Name) and resource.value.id == "client"
        arguments = {k.arg: ast.literal_eval(k.value) for k in calls[0].keywords}
        allowed = (
            {p.python_name for p in op.parameters}
            | {"version"}
            | ({"body"} if op.request_body else set())
        )
        assert set(arguments) <= allowed
        assert {p.python_name for p in op.parameters if p.required} <= set(arguments)
        assert arguments["version"] == version.version
        for p in op.parameters:
            if p.python_name in arguments:
                validate(arguments[p.python_name], parameter_schema_pointer(p))
        if op.is_download:
            assert 'download.write_to_file("file_name.gz")' in code


@pytest.mark.parametrize("operation_id", OPERATION_IDS)
def test_curl_samples_send_the_versioned_media_type(
    shipped: Api, shipped_docs: Path, operation_id: str
) -> None:
    op = operation(shipped, operation_id)
    for language in LANGUAGES:
        for version, page in by_version(shipped_docs, op, language):
            for code in (page.curl_bearer, page.curl_digest):
                words = shlex.split(code.replace("\\\n", " "))
                headers = [words[i + 1] for i, w in enumerate(words) if w == "--header"]
                accept = [h.split(": ", 1)[1] for h in headers if h.startswith("Accept: ")]
                formats = [m for m in version.accept_types if ("gzip" in m) == op.is_download]
                assert accept == formats[:1]
                assert words[words.index("--request") + 1] == op.method
                url = words[words.index("--request") + 2]
                assert url.startswith(shipped.server_url + "/api/atlas/v2/")
                if op.is_download:
                    # --include would write the headers into the file: left out, and said so
                    assert words[words.index("--output") + 1] == "file_name.gz"
                    assert "--include" not in words
                else:
                    assert "--include" in words
                pretty = any(p.wire_name == "pretty" for p in op.query_parameters)
                if pretty and op.request_body is None and not op.is_download:
                    assert url.endswith(("?pretty=true", "&pretty=true")), url
                else:
                    assert "pretty=" not in url, url
                if version.request is not None:
                    assert f"Content-Type: {version.request.media_type}" in headers
                    body = json.loads(words[words.index("--data") + 1])
                    assert body == sample(shipped, op, version).body


@pytest.mark.parametrize("operation_id", OPERATION_IDS)
def test_samples_are_the_same_in_every_language(
    shipped: Api, shipped_docs: Path, operation_id: str
) -> None:
    op = operation(shipped, operation_id)

    def code(language: str) -> list[str]:
        blocks = code_blocks(operation_page(shipped_docs, op, language).read_text(encoding="utf-8"))
        return [
            "\n".join(l for l in b.code.splitlines() if not l.lstrip().startswith("# "))
            for b in blocks
        ]

    english = code("en")
    for language in LANGUAGES[1:]:
        assert code(language) == english, language


# --------------------------------------------------------------------- examples
def _examples(api: Api) -> Iterator[tuple[str, Any, str]]:
    """(where, example, schema pointer) of every example the docs show."""
    for op in api.operations:
        if op.request_body is not None:
            for media in op.request_body.media_types:
                if media.has_example:
                    yield f"{op.operation_id} request {media.media_type}", media.example, media.pointer + "/schema"
        for response in op.responses:
            for media in response.media_types:
                if media.has_example:
                    where = f"{op.operation_id} {response.status} {media.media_type}"
                    yield where, media.example, media.pointer + "/schema"


def test_every_example_validates_against_its_schema(shipped: Api) -> None:
    checked = 0
    for where, example, pointer in _examples(shipped):
        try:
            validate(example, pointer)
        except jsonschema.ValidationError as exc:
            pytest.fail(f"{where}: {exc.message}")
        checked += 1
    assert checked >= 10


def test_every_sample_body_validates_against_the_request_schema(shipped: Api) -> None:
    for op in shipped.operations:
        chosen = sample(shipped, op)
        if chosen.has_body and chosen.version.request is not None:
            validate(chosen.body, chosen.version.request.pointer + "/schema")


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_json_block_on_a_page_is_a_validated_example(
    shipped: Api, shipped_docs: Path, language: str
) -> None:
    known = [json.dumps(example, sort_keys=True) for _, example, _ in _examples(shipped)]
    # sample bodies: an example with its constants filled in, validated above
    known += [json.dumps(sample(shipped, op).body, sort_keys=True) for op in shipped.operations]
    for op in shipped.operations:
        for block in code_blocks(
            operation_page(shipped_docs, op, language).read_text(encoding="utf-8")
        ):
            if block.lang == "json":
                assert json.dumps(json.loads(block.code), sort_keys=True) in known, block.code


# --------------------------------------------------------------------- running them
@pytest.fixture
def fake_atlas() -> Iterator[Any]:
    try:
        from tests.servers.fake_atlas import FakeAtlas
    except ImportError as exc:  # pragma: no cover - until the fake server lands
        pytest.fail(f"tests/servers/fake_atlas.py is needed to run the docs' samples: {exc}")
    with FakeAtlas() as atlas:
        yield atlas


def _clean_environment() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("MONGODB_ATLAS_")}


def _requests_for(atlas: Any, op: Operation) -> list[Any]:
    route = re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(op.path)) + "$")
    return [r for r in atlas.requests if route.match(r.path) and r.method == op.method]


def _assert_served(atlas: Any, op: Operation, shipped: Api, workdir: Path) -> None:
    chosen = sample(shipped, op)
    served = [r for r in _requests_for(atlas, op) if 200 <= r.status < 300]
    assert (
        served
    ), f"the fake server answered no {op.method} {op.path} with success: {atlas.requests}"
    assert served[-1].headers.get("accept") == chosen.accept
    if chosen.output_file:
        written = workdir / chosen.output_file
        assert written.is_file() and written.stat().st_size > 0
        assert gzip.decompress(written.read_bytes())


@pytest.mark.parametrize("auth", ["digest", "bearer"])
@pytest.mark.parametrize("operation_id", OPERATION_IDS)
def test_curl_samples_run_against_the_fake_server(
    shipped: Api, shipped_docs: Path, fake_atlas: Any, operation_id: str, auth: str, tmp_path: Path
) -> None:
    op = operation(shipped, operation_id)
    page = samples(operation_page(shipped_docs, op, "en").read_text(encoding="utf-8"))
    code = (page.curl_digest if auth == "digest" else page.curl_bearer).replace(
        shipped.server_url, fake_atlas.url
    )
    env = {
        **_clean_environment(),
        "PUBLIC_KEY": fake_atlas.public_key,
        "PRIVATE_KEY": fake_atlas.private_key,
        "ACCESS_TOKEN": fake_atlas.static_token,
    }
    result = subprocess.run(
        ["bash", "-c", code],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    _assert_served(fake_atlas, op, shipped, tmp_path)


@pytest.fixture(scope="session")
def client_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the generated ``atlas_admin`` package imports from (the python and cli targets)."""
    out = tmp_path_factory.mktemp("client") / "generated"
    generate(SHIPPED_SPEC, out, ("python", "cli", "docs"))
    found = sorted(out.glob(f"python/**/{SETTINGS.python_package}/__init__.py"))
    if not found:
        pytest.fail(f"the python target generated no {SETTINGS.python_package} package (yet)")
    return found[0].parent.parent


def _client_environment(atlas: Any, auth: str, client_path: Path, tmp_path: Path) -> dict[str, str]:
    env = {
        **_clean_environment(),
        "MONGODB_ATLAS_BASE_URL": atlas.url,
        "PYTHONPATH": str(client_path),
    }
    if auth == "digest":
        env |= {
            "MONGODB_ATLAS_PUBLIC_API_KEY": atlas.public_key,
            "MONGODB_ATLAS_PRIVATE_API_KEY": atlas.private_key,
        }
    else:
        env |= {
            "MONGODB_ATLAS_CLIENT_ID": atlas.client_id,
            "MONGODB_ATLAS_CLIENT_SECRET": atlas.client_secret,
        }
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    launcher = bin_dir / SETTINGS.cli_command
    launcher.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m {SETTINGS.python_package} "$@"\n')
    launcher.chmod(0o755)
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    return env


@pytest.mark.parametrize("auth", ["digest", "service-account"])
@pytest.mark.parametrize("operation_id", OPERATION_IDS)
def test_python_sample_runs_against_the_fake_server(
    shipped: Api,
    shipped_docs: Path,
    client_path: Path,
    fake_atlas: Any,
    operation_id: str,
    auth: str,
    tmp_path: Path,
) -> None:
    op = operation(shipped, operation_id)
    code = samples(operation_page(shipped_docs, op, "en").read_text(encoding="utf-8")).python
    env = _client_environment(fake_atlas, auth, client_path, tmp_path)
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    _assert_served(fake_atlas, op, shipped, tmp_path)


@pytest.mark.parametrize("auth", ["digest", "service-account"])
@pytest.mark.parametrize("operation_id", OPERATION_IDS)
def test_cli_sample_runs_against_the_fake_server(
    shipped: Api,
    shipped_docs: Path,
    client_path: Path,
    fake_atlas: Any,
    operation_id: str,
    auth: str,
    tmp_path: Path,
) -> None:
    op = operation(shipped, operation_id)
    code = samples(operation_page(shipped_docs, op, "en").read_text(encoding="utf-8")).cli
    env = _client_environment(fake_atlas, auth, client_path, tmp_path)
    result = subprocess.run(
        ["bash", "-c", code],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    _assert_served(fake_atlas, op, shipped, tmp_path)
    if not op.is_download:
        json.loads(result.stdout)
