"""The python target: maps model nodes to templates under templates/python/ and output paths.

The distribution goes under ``python/``: ``pyproject.toml``, ``README.md`` and the import
package, whose layout keeps every module small (black's cost grows faster than linearly
with a module's size, and the client must scale to hundreds of operations):

- static runtime modules (``_base_client.py``, ``_auth.py``, ...), rendered from templates;
- ``_operations/``: stdlib-only metadata, one module per tag plus the shared parameters
  (:mod:`.operations`);
- ``resources/``: one module per tag, sync, async and raw-response classes (:mod:`.resources`);
- ``models/``: one module per schema, re-exported lazily by ``models/__init__.py``
  (:mod:`.models`, which also writes every annotation).

Everything a template needs beyond the model is computed from the model, once: annotations,
imports, docstrings, and typed views of the Python it writes (``pysource.Call``, ``Keyword``,
``Display``, or the parts of a declaration), which the templates lay out through
``generator/pysource.py`` (the ``layout`` global). Names come from the model, decided in
``generator/model/naming.py``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from ...config import Settings
from ...model import Api, naming
from ...model.types import Operation, Tag
from ...pysource import black_repr, wrap_words
from .. import RenderJob
from .models import ModelPlan
from .operations import OperationPlan
from .resources import resource_jobs, tag_view
from .templates import PACKAGE_TEMPLATES, TEMPLATES

STATIC_MODULES = (
    "_watch.py",
    "_profile.py",
    "_types.py",
    "_validation.py",
    "_auth.py",
    "_models.py",
    "_lenient.py",
    "_response.py",
    "_pagination.py",
    "_timeouts.py",
    "_trace.py",
    "_operations/_types.py",
)
DEFAULT_TOKEN_PATH = "/api/oauth/token"
#: What the generated package runs on, as (distribution, lowest supported, first unsupported):
#: the test suite runs at the lowest (requirements/lowest.in) and at the newest locked versions.
RUNTIME_REQUIREMENTS = (("httpx", "0.25", "1"), ("pydantic", "2.8", "3"))
CLI_REQUIREMENTS = (("click", "8.1", "9"), ("jmespath", "1.0", "2"))


def jobs(api: Api, settings: Settings) -> list[RenderJob]:
    package = settings.python_package
    root = f"python/{package}"
    models = ModelPlan(api)
    error_schema = _error_schema(api, models)
    common: dict[str, Any] = {
        "api": api,
        "package": package,
        "distribution": settings.python_distribution,
        "error_schema": error_schema,
        "runtime_requirements": RUNTIME_REQUIREMENTS,
        "cli_requirements": CLI_REQUIREMENTS if "cli" in settings.targets else (),
    }
    result = [
        RenderJob(
            f"{TEMPLATES}/pyproject.toml.j2",
            "python/pyproject.toml",
            {**common, "cli": "cli" in settings.targets, "cli_command": settings.cli_command},
        ),
        RenderJob(
            f"{TEMPLATES}/README.md.j2",
            "python/README.md",
            {**common, **_readme_context(api, models, settings)},
        ),
        RenderJob(f"{TEMPLATES}/py.typed.j2", f"{root}/py.typed", {}),
        RenderJob(f"{PACKAGE_TEMPLATES}/__init__.py.j2", f"{root}/__init__.py", common),
        RenderJob(
            f"{PACKAGE_TEMPLATES}/_constants.py.j2",
            f"{root}/_constants.py",
            {**common, "token_path": _token_path(api)},
        ),
        RenderJob(f"{PACKAGE_TEMPLATES}/_errors.py.j2", f"{root}/_errors.py", common),
        RenderJob(f"{PACKAGE_TEMPLATES}/_base_client.py.j2", f"{root}/_base_client.py", common),
        RenderJob(
            f"{PACKAGE_TEMPLATES}/_client.py.j2",
            f"{root}/_client.py",
            {**common, "tags": [tag_view(t) for t in api.tags]},
        ),
    ]
    result += [
        RenderJob(f"{PACKAGE_TEMPLATES}/{name}.j2", f"{root}/{name}", common)
        for name in STATIC_MODULES
    ]
    result += OperationPlan(api).jobs(root, common)
    result += resource_jobs(api, models, root, common)
    result += models.jobs(root, common)
    return result


# --------------------------------------------------------------------- small helpers
def _error_schema(api: Api, models: ModelPlan) -> dict[str, str] | None:
    if api.error_schema_name is None:
        return None
    schema = api.schema(api.error_schema_name)
    if schema.kind != "object":
        return None
    return {"class_name": models.class_name(schema.name), "module_name": schema.module_name}


def _token_path(api: Api) -> str:
    for scheme in api.security_schemes:
        if scheme.kind == "oauth2_client_credentials" and scheme.token_url:
            return urlsplit(scheme.token_url).path or DEFAULT_TOKEN_PATH
    return DEFAULT_TOKEN_PATH


# --------------------------------------------------------------------- README
def _readme_context(api: Api, plan: ModelPlan, settings: Settings) -> dict[str, Any]:
    operations = list(api.operations)
    json_op = next(
        (op for op in operations if not op.is_download and op.request_body is None),
        operations[0] if operations else None,
    )
    download_op = next((op for op in operations if op.is_download), None)
    body_op = next(
        (op for op in operations if op.request_body is not None and op.request_body.media_types),
        None,
    )
    paged_op = next((op for op in operations if op.pagination is not None), None)

    def tag_of(op: Operation | None) -> Tag | None:
        return next((t for t in api.tags if op in t.operations), None) if op else None

    return {
        "tags": [tag_view(t) for t in api.tags],
        "paged_op": paged_op,
        "paged_tag": tag_of(paged_op),
        "json_op": json_op,
        "json_tag": tag_of(json_op),
        "download_op": download_op,
        "download_tag": tag_of(download_op),
        "body_op": body_op,
        "body_tag": tag_of(body_op),
        "cli": "cli" in settings.targets,
        "cli_command": settings.cli_command,
        "sample_args": {op.operation_id: _sample_args(op) for op in operations},
        "names": {
            "model_reserved": _code_list(naming.MODEL_RESERVED),
            "call_reserved": _code_list(naming.CALL_RESERVED),
            "client_reserved": _code_list(naming.CLIENT_RESERVED),
        },
    }


def _code_list(names: Iterable[str]) -> str:
    """``a``, ``b``, ... in Markdown code, sorted, wrapped for a list item."""
    flat = ", ".join(f"`{name}`" for name in sorted(names))
    return "\n  ".join(wrap_words(flat, 94))


def _sample_args(op: Operation) -> str:
    parts = []
    for p in op.parameters:
        if not p.required:
            continue
        if p.wire_name == "groupId":
            value = black_repr("32b6e34b3d91647abb20e7b8")
        elif p.example is not None and isinstance(p.example, (str, int)):
            value = black_repr(p.example)
        else:
            value = black_repr(naming.doc_sample_string(p.wire_name))
        parts.append(f"{p.python_name}={value}")
    return ", ".join(parts)
