"""Every naming rule of atlasgen, in one place: Python, CLI and docs names.

Wire names (``groupId``, ``Push-Based Log Export``) are split into words once, then joined
per target. Collisions are resolved deterministically by :func:`unique_names`.
"""

from __future__ import annotations

import builtins
import keyword
import re
from collections.abc import Iterable

# Words of a name: ``2dsphereIndexVersion`` -> 2dsphere, index, version (digits stay with
# the lower-case letters after them, ``s3Bucket`` -> s3, bucket).
_WORD = re.compile(
    r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+[0-9]*|[A-Z]+[0-9]*|[0-9]+[a-z]+[0-9]*|[0-9]+"
)
# A CLI flag that is the wire name as written (``--groupId``, ``--page.size``).
_FLAG = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")

# What every generated model already has: the public attributes of pydantic's BaseModel
# (tests/model/test_model.py holds this to the installed pydantic) and of AtlasModel. A field
# named like one is renamed, or it would replace the method (``model_dump``) or the config.
MODEL_RESERVED = frozenset(
    {
        "construct",
        "copy",
        "dict",
        "from_orm",
        "json",
        "model_computed_fields",
        "model_config",
        "model_construct",
        "model_copy",
        "model_dump",
        "model_dump_json",
        "model_extra",
        "model_fields",
        "model_fields_set",
        "model_json_schema",
        "model_parametrized_name",
        "model_post_init",
        "model_rebuild",
        "model_validate",
        "model_validate_json",
        "model_validate_strings",
        "parse_file",
        "parse_obj",
        "parse_raw",
        "schema",
        "schema_json",
        "update_forward_refs",
        "validate",
    }
)
# Builtins generated code evaluates where a field or argument could shadow them: model class
# bodies (``name: str | None = None``) and method bodies (``responses=list[Item]``).
_RUNTIME_BUILTINS = frozenset({"bool", "dict", "float", "frozenset", "int", "list", "str"})
# Names a generated method already uses: its own keyword arguments and what its body calls.
CALL_RESERVED = frozenset(
    {
        "self",
        "body",
        "version",
        "options",
        "cast",
        "timeout",
        "extra_headers",
        "extra_query",
        "extra_body",
        "stream",
    }
)
# Public attributes of the generated Client and AsyncClient besides their resources (tests
# compare this with the generated classes): a tag named like one gets a trailing ``_``.
CLIENT_RESERVED = frozenset(
    {
        "aclose",
        "auth",
        "base_url",
        "close",
        "copy",
        "deadline",
        "default_headers",
        "default_version",
        "from_profile",
        "invoke",
        "max_response_bytes",
        "max_retries",
        "on_request",
        "on_response",
        "profile",
        "strict_response_validation",
        "timeout",
        "with_options",
        "with_raw_response",
        "with_streaming_response",
    }
)
# Attributes of a generated resource class besides its operations.
RESOURCE_RESERVED = frozenset({"with_raw_response", "with_streaming_response"})
_BUILTINS = frozenset(name for name in dir(builtins) if not name.startswith("_"))
_FIELD_RESERVED = MODEL_RESERVED | _RUNTIME_BUILTINS
_PARAMETER_RESERVED = CALL_RESERVED | _RUNTIME_BUILTINS


def words(name: str) -> list[str]:
    """Split any spec name into lower-case words: ``getGroupDbAccessHistory`` -> get group db ..."""
    return [w.lower() for w in _WORD.findall(name)]


def snake_case(name: str) -> str:
    return "_".join(words(name))


def pascal_case(name: str) -> str:
    return "".join(w[:1].upper() + w[1:] for w in words(name))


def lower_camel(name: str) -> str:
    parts = words(name)
    return parts[0] + "".join(w[:1].upper() + w[1:] for w in parts[1:]) if parts else ""


def kebab_case(name: str) -> str:
    return "-".join(words(name))


def _safe(
    identifier: str,
    reserved: Iterable[str] = (),
    *,
    digit_prefix: str = "n",
    escape_builtins: bool = True,
) -> str:
    """Make ``identifier`` legal and unshadowing: a leading digit gets ``digit_prefix`` in
    front; keywords, ``reserved`` names (and builtins, unless told not to) a trailing ``_``."""
    if not identifier:
        identifier = "value"
    if identifier[0].isdigit():
        identifier = digit_prefix + identifier
    if (
        keyword.iskeyword(identifier)
        or identifier in reserved
        or (escape_builtins and identifier in _BUILTINS)
    ):
        identifier += "_"
    return identifier


def python_attribute(name: str) -> str:
    """A module-level or generic attribute name."""
    return _safe(snake_case(name))


def python_method(name: str) -> str:
    """The method of an operation on its resource class."""
    return _safe(snake_case(name), RESOURCE_RESERVED)


def python_tag_attribute(name: str) -> str:
    """The client attribute of a tag; never one of the client's own (``close``, ``invoke``)."""
    return _safe(snake_case(name), CLIENT_RESERVED)


def python_parameter(name: str) -> str:
    """A keyword argument of a generated method (``id``, ``type``); never one of the method's
    own arguments or a name its body uses."""
    return _safe(
        snake_case(name), _PARAMETER_RESERVED, digit_prefix="param_", escape_builtins=False
    )


def python_field(name: str) -> str:
    """A pydantic model field name: builtins are fine as attributes (``integration.id``);
    pydantic's own attributes and the names a class body uses are not."""
    return _safe(
        snake_case(name),
        _FIELD_RESERVED,
        digit_prefix="field_",
        escape_builtins=False,
    )


def cli_flag(name: str) -> str:
    """A command-line flag, without dashes: the wire name as written when a shell and click
    take it as it is (``groupId``, ``page.size``, ``2dsphereIndexVersion``), else lowerCamel."""
    return name if _FLAG.fullmatch(name) else (lower_camel(name) or "value")


def python_class(name: str) -> str:
    """A class name; a schema already named like a class (``MongoDBAccessLogs``) keeps its spelling."""
    cls = name if name.isidentifier() and name[:1].isupper() else (pascal_case(name) or "Model")
    if cls[0].isdigit():
        cls = "N" + cls
    return cls + "_" if keyword.iskeyword(cls) or cls in _BUILTINS else cls


def python_module(name: str) -> str:
    return _safe(snake_case(name))


def cli_group(tag: str) -> str:
    """Atlas CLI groups are the tag in lowerCamel: ``Push-Based Log Export`` -> pushBasedLogExport."""
    return lower_camel(tag)


def doc_slug(name: str) -> str:
    return kebab_case(name)


def enum_member(value: object) -> str:
    """Python enum member for a wire value: ``MONGOD_AUDIT`` stays, ``2.5`` -> ``VALUE_2_5``."""
    text = re.sub(r"[^0-9a-zA-Z]+", "_", str(value)).strip("_").upper()
    if not text:
        return "EMPTY"
    if text[0].isdigit():
        text = "VALUE_" + text
    return text + "_" if keyword.iskeyword(text) else text


def unique_names(names: Iterable[str], separator: str = "_") -> list[str]:
    """Resolve collisions in order: the second ``foo`` becomes ``foo_2``, and so on."""
    seen: set[str] = set()
    result = []
    for name in names:
        candidate, counter = name, 2
        while candidate in seen:
            candidate = f"{name}{separator}{counter}"
            counter += 1
        seen.add(candidate)
        result.append(candidate)
    return result


# --------------------------------------------------------------------- docs
def doc_sample_string(name: str) -> str:
    """A readable sample value for a string named ``name``: ``clusterName`` -> ``my-cluster-name``."""
    return "my-" + (kebab_case(name) or "value")


def doc_download_file(extension: str) -> str:
    """The file a documented download writes, as the Atlas docs name it: ``file_name.gz``."""
    return f"file_name.{extension}"


# --------------------------------------------------------------------- Go SDK (docs samples)
def go_sdk_package(version: str) -> str:
    """The atlas-sdk-go package that speaks API version ``version``, as the SDK's first release
    for it is named: ``2025-03-12`` -> ``go.mongodb.org/atlas-sdk/v20250312001/admin``."""
    return f"go.mongodb.org/atlas-sdk/v{version.replace('-', '')}001/admin"


def go_exported(name: str) -> str:
    """An exported Go name as atlas-sdk-go spells it: ``groupId`` -> ``GroupId``,
    ``Push-Based Log Export`` -> ``PushBasedLogExport``."""
    return pascal_case(name) or "Value"


def go_type(schema_name: str) -> str:
    """A model struct of atlas-sdk-go: the schema's name (``MongoDBAccessLogs`` keeps its spelling)."""
    return (
        schema_name
        if schema_name.isidentifier() and schema_name[:1].isupper()
        else go_exported(schema_name)
    )


def go_api(tag: str) -> str:
    """The client's service for a tag: ``Push-Based Log Export`` -> ``PushBasedLogExportApi``."""
    return go_exported(tag) + "Api"


def go_params_type(operation_id: str) -> str:
    """``getGroupAuditLog`` -> ``GetGroupAuditLogApiParams``."""
    return go_exported(operation_id) + "ApiParams"


def go_method(operation_id: str) -> str:
    """``getGroupAuditLog`` -> ``GetGroupAuditLogWithParams``."""
    return go_exported(operation_id) + "WithParams"


# --------------------------------------------------------------------- python client
def python_constant(name: str) -> str:
    """A module-level constant: ``getGroupAuditLog`` / ``get_group_audit_log`` -> ``GET_GROUP_AUDIT_LOG``."""
    text = snake_case(name).upper() or "VALUE"
    return "N" + text if text[0].isdigit() else text


def python_inline_enum_class(owner_class: str, wire_name: str, *, item: bool) -> str:
    """The enum class of an inline ``enum`` in a property: ``AuditLog`` + ``configurationType``
    -> ``AuditLogConfigurationType`` (``...Item`` for the items of an array). Callers make
    it unique among all model names with :func:`first_free`."""
    return owner_class + (pascal_case(wire_name) or "Value") + ("Item" if item else "")


def first_free(name: str, taken: set[str]) -> str:
    """``name``, or ``name2``, ``name3``... : the first not in ``taken``, which it joins."""
    candidate, counter = name, 2
    while candidate in taken:
        candidate, counter = f"{name}{counter}", counter + 1
    taken.add(candidate)
    return candidate


# Names every model module imports (generator/targets/python/models.py); a schema's class
# must not shadow them.
MODEL_MODULE_NAMES = frozenset(
    {
        "Annotated",
        "Any",
        "AtlasModel",
        "AtlasRequestModel",
        "Check",
        "ClassVar",
        "Enum",
        "Field",
        "Literal",
        "OpenEnum",
        "Tag",
        "Union",
        "UnknownVariant",
        "UnknownVariantCheck",
    }
)


def python_model_class(class_name: str) -> str:
    """A schema's class: ``Tag`` (which model modules import from pydantic) -> ``TagModel``."""
    return class_name + "Model" if class_name in MODEL_MODULE_NAMES else class_name


def python_waiter(python_name: str) -> str:
    """The method that waits for an operation's effect (its watcher): ``wait_for_<name>``."""
    return f"wait_for_{python_name}"


def python_resource_class(tag_class: str, asynchronous: bool = False, raw: bool = False) -> str:
    """``Streams`` -> ``StreamsResource`` / ``AsyncStreamsResource``; with ``raw``, the
    class of its ``with_raw_response`` (``StreamsResourceWithRawResponse``)."""
    name = ("Async" if asynchronous else "") + tag_class + "Resource"
    return name + "WithRawResponse" if raw else name
