"""The Go samples (atlas-sdk-go): one per operation and dated API version, each valid Go
source as gofmt reads and writes it, calling the SDK package of its version by the SDK's
names (``client.<Tag>Api.<Operation>WithParams(ctx, params).Execute()``), and compiling
(``go vet``) against a stand-in of the SDK written here from the model: the SDK's shape as
its sources show it (``<Operation>ApiParams`` with pointers for optional values, ``Ptr*``
helpers, ``Execute()`` returning the body, the response and an error). Offline: the
stand-in replaces the real module. gofmt and go come from Debian's golang-go package.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from docs_support import FIXTURE_SPEC, SHIPPED_SPEC, all_samples, model, operation_page

from atlasgen.model import Api, naming
from atlasgen.model.types import Operation, TypeRef

GO_INSTALL = "apt-get install -y golang-go"
# The shipped spec, and the docs fixture (a preview version, unsafe text, nested bodies).
SPECS = {"shipped": (SHIPPED_SPEC, "shipped_docs"), "fixture": (FIXTURE_SPEC, "fixture_docs")}


@pytest.fixture(params=sorted(SPECS))
def spec_docs(request: pytest.FixtureRequest) -> tuple[Api, Path]:
    """A spec's model and its generated docs."""
    spec, docs_fixture = SPECS[request.param]
    return model(spec), request.getfixturevalue(docs_fixture)


def tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is needed to check the Go samples; install it with: {GO_INSTALL}")
    return found


def gofmt() -> str:
    return tool("gofmt")


def test_go_samples_are_gofmt_clean_go_for_each_version(
    spec_docs: tuple[Api, Path], tmp_path: Path
) -> None:
    api, site = spec_docs
    for op in api.operations:
        check_go_samples(api, site, op, tmp_path)


def check_go_samples(api: Api, site: Path, op: Operation, tmp_path: Path) -> None:
    tag = next(t for t in api.tags if op in t.operations)
    shown = all_samples(operation_page(site, op, "en").read_text(encoding="utf-8"))
    dated = [v for v in reversed(op.versions) if not v.preview]
    newest = op.newest_version
    ordered = [newest] + [v for v in reversed(op.versions) if v is not newest]
    assert [s.go is not None for s in shown] == [not v.preview for v in ordered]
    assert dated, op.operation_id
    for version, sample in zip(ordered, shown, strict=True):
        if sample.go is None:  # no atlas-sdk-go release speaks a preview version
            continue
        source = tmp_path / f"{version.version}.go"
        source.write_text(sample.go + "\n", encoding="utf-8")
        syntax = subprocess.run(
            [gofmt(), "-e", "-l", str(source)], capture_output=True, text=True, check=False
        )
        assert syntax.returncode == 0, syntax.stderr
        assert syntax.stdout == "", subprocess.run(
            [gofmt(), "-d", str(source)], capture_output=True, text=True, check=False
        ).stdout
        assert f'sdk "{naming.go_sdk_package(version.version)}"' in sample.go
        assert (
            f"client.{naming.go_api(tag.name)}.\n\t\t{naming.go_method(op.operation_id)}(ctx, params).\n\t\tExecute()"
            in sample.go
        )
        assert f"params := &sdk.{naming.go_params_type(op.operation_id)}{{" in sample.go
        for p in op.parameters:
            if p.required:
                assert f"\t\t{naming.go_exported(p.wire_name)}:" in sample.go, p.wire_name


@pytest.mark.parametrize(
    ("version", "package"),
    [
        ("2025-03-12", "go.mongodb.org/atlas-sdk/v20250312001/admin"),
        ("2023-02-01", "go.mongodb.org/atlas-sdk/v20230201001/admin"),
    ],
)
def test_go_sdk_package_is_named_after_the_api_version(version: str, package: str) -> None:
    assert naming.go_sdk_package(version) == package


def test_go_names_follow_the_sdk() -> None:
    assert naming.go_api("Push-Based Log Export") == "PushBasedLogExportApi"
    assert naming.go_method("getGroupDbAccessHistoryCluster") == (
        "GetGroupDbAccessHistoryClusterWithParams"
    )
    assert naming.go_exported("nLogs") == "NLogs" and naming.go_exported("ipAddress") == "IpAddress"
    assert naming.go_type("MongoDBAccessLogs") == "MongoDBAccessLogs"


# --------------------------------------------------------------------- compiling them
def _go_type(api: Api, type_ref: TypeRef | None, required: bool = True) -> str:
    """The type atlas-sdk-go gives a value: optional ones are pointers."""
    star = "" if required else "*"
    if type_ref is None or type_ref.kind in ("any", "union", "map"):
        return "any" if type_ref is None or type_ref.kind != "map" else star + "map[string]any"
    if type_ref.kind == "enum":
        return star + "string"
    if type_ref.kind == "primitive":
        primitive = type_ref.primitive
        if primitive == "integer":
            return star + ("int64" if type_ref.format == "int64" else "int")
        return star + {"string": "string", "boolean": "bool", "number": "float64"}[str(primitive)]
    if type_ref.kind == "array":
        return star + "[]" + _go_type(api, type_ref.items)
    schema = api.schema(str(type_ref.schema_name))
    if schema.kind == "alias":
        return _go_type(api, schema.alias_of, required)
    if schema.kind == "enum":
        return star + "string"
    return star + naming.go_type(schema.name) if schema.kind == "object" else "any"


def _fields(entries: list[tuple[str, str]]) -> str:
    return "".join(f"\t{name} {go_type}\n" for name, go_type in entries)


def _operation_stub(api: Api, op: Operation) -> str:
    name = naming.go_exported(op.operation_id)
    entries = [
        (naming.go_exported(p.wire_name), _go_type(api, p.type, p.required))
        for p in op.parameters
        if p.location != "header" and p.wire_name not in ("envelope", "pretty")
    ]
    request = op.newest_version.request
    if request is not None and request.type is not None and request.type.kind == "ref":
        body = str(request.type.schema_name)
        entries.append((naming.go_type(body), "*" + naming.go_type(body)))
    success = op.success_response
    media = [m for m in success.media_types if m.type is not None] if success else []
    if op.is_download:
        returns = "(io.ReadCloser, *http.Response, error)"
    elif media:
        returns = f"({_go_type(api, media[0].type, False)}, *http.Response, error)"
    else:
        returns = "(*http.Response, error)"
    results = ", ".join(["nil"] * returns.count(","))
    service = naming.go_api(op.tag) + "Service"
    return (
        f"type {name}ApiParams struct {{\n{_fields(entries)}}}\n\n"
        f"type {name}ApiRequest struct{{}}\n\n"
        f"func (a *{service}) {name}WithParams(ctx context.Context, args *{name}ApiParams)"
        f" {name}ApiRequest {{\n\treturn {name}ApiRequest{{}}\n}}\n\n"
        f"func (r {name}ApiRequest) Execute() {returns} {{\n\treturn {results}, nil\n}}\n\n"
    )


def sdk_stand_in(api: Api) -> str:
    """Package ``admin`` as atlas-sdk-go shapes it, for the operations and schemas of ``api``."""
    services = sorted({naming.go_api(op.tag) for op in api.operations})
    parts = [
        'package admin\n\nimport (\n\t"context"\n\t"io"\n\t"net/http"\n)\n\n',
        "var _ io.Reader\n\n",
        "type APIClient struct {\n" + "".join(f"\t{s} *{s}Service\n" for s in services) + "}\n\n",
        "type ClientModifier func(*APIClient) error\n\n",
        (
            "func NewClient(modifiers ...ClientModifier) (*APIClient, error) {\n"
            "\treturn &APIClient{}, nil\n}\n\n"
        ),
        "func UseOAuthAuth(clientID, clientSecret string) ClientModifier {\n\treturn nil\n}\n\n",
    ]
    for helper, go_type in [
        ("PtrString", "string"),
        ("PtrInt", "int"),
        ("PtrInt64", "int64"),
        ("PtrBool", "bool"),
        ("PtrFloat64", "float64"),
    ]:
        parts.append(f"func {helper}(v {go_type}) *{go_type} {{\n\treturn &v\n}}\n\n")
    parts += [f"type {s}Service struct{{}}\n\n" for s in services]
    parts += [_operation_stub(api, op) for op in api.operations]
    for schema in api.schemas:
        if schema.kind == "object":
            entries = [
                (naming.go_exported(f.wire_name), _go_type(api, f.type, f.required))
                for f in schema.fields
            ]
            parts.append(f"type {naming.go_type(schema.name)} struct {{\n{_fields(entries)}}}\n\n")
    return "".join(parts)


def go_vet(module: Path, packages: str) -> subprocess.CompletedProcess[str]:
    """``go vet`` in ``module``, offline: every SDK module is replaced by a local stand-in."""
    go = tool("go")
    env = {
        "PATH": str(Path(go).parent),
        "HOME": str(module),
        "GOCACHE": str(module / "cache"),
        "GOPATH": str(module / "gopath"),
        "GOPROXY": "off",
        "GOFLAGS": "-mod=mod",
    }
    return subprocess.run(
        [go, "vet", packages],
        cwd=module,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_go_samples_compile_against_the_sdk_shape(
    spec_docs: tuple[Api, Path], tmp_path: Path
) -> None:
    """``go vet`` of every Go sample: undeclared or unused names, wrong types or pointers fail."""
    api, site = spec_docs
    stand_in = sdk_stand_in(api)
    modules: dict[str, str] = {}  # module path -> directory of its stand-in
    programs = 0
    for op in api.operations:
        page = operation_page(site, op, "en").read_text(encoding="utf-8")
        for sample in all_samples(page):
            if sample.go is None:
                continue
            package = next(
                line.split('"')[1] for line in sample.go.splitlines() if line.startswith("\tsdk ")
            )
            module = package.removesuffix("/admin")
            if module not in modules:
                directory = tmp_path / f"sdk{len(modules)}"
                (directory / "admin").mkdir(parents=True)
                (directory / "go.mod").write_text(f"module {module}\n\ngo 1.19\n")
                (directory / "admin" / "admin.go").write_text(stand_in, encoding="utf-8")
                modules[module] = directory.name
            program = tmp_path / "samples" / f"s{programs}"
            program.mkdir(parents=True)
            (program / "main.go").write_text(sample.go + "\n", encoding="utf-8")
            programs += 1
    requires = "".join(f"require {m} {m.rsplit('/', 1)[1]}.0.0\n" for m in sorted(modules))
    replaces = "".join(f"replace {m} => ./{d}\n" for m, d in sorted(modules.items()))
    (tmp_path / "go.mod").write_text(
        f"module example.com/samples\n\ngo 1.19\n\n{requires}{replaces}"
    )
    result = go_vet(tmp_path, "./samples/...")
    assert result.returncode == 0, result.stderr[-5000:]
    assert programs > len(api.operations)  # an older revision has its own


def test_go_vet_catches_what_gofmt_cannot(shipped: Api, tmp_path: Path) -> None:
    """The seed's own sample parses, but assigns an undeclared ``params`` and names a service
    the SDK lacks: only compiling finds that, so the test above must compile."""
    (tmp_path / "sdk" / "admin").mkdir(parents=True)
    module = "go.mongodb.org/atlas-sdk/v20250312001"
    (tmp_path / "sdk" / "go.mod").write_text(f"module {module}\n\ngo 1.19\n")
    (tmp_path / "sdk" / "admin" / "admin.go").write_text(sdk_stand_in(shipped))
    (tmp_path / "go.mod").write_text(
        f"module example.com/seed\n\ngo 1.19\n\nrequire {module} v20250312001.0.0\n"
        f"replace {module} => ./sdk\n"
    )
    (tmp_path / "main.go").write_text(
        f'package main\n\nimport (\n\t"context"\n\n\tsdk "{module}/admin"\n)\n\n'
        "func main() {\n\tctx := context.Background()\n\tclient, _ := sdk.NewClient()\n"
        "\tparams = &sdk.CreateGroupLogIntegrationApiParams{}\n"
        "\tsdkResp, httpResp, err := client.Push - BasedLogExportApi.\n"
        "\t\tCreateGroupLogIntegrationWithParams(ctx, params).\n\t\tExecute()\n}\n"
    )
    result = go_vet(tmp_path, ".")
    assert result.returncode != 0 and "undeclared name: params" in result.stderr, result.stderr
