"""The realism corpus: an Atlas-shaped spec with the published Atlas Admin API v2 spec's shape
and its flaws, for the test suite (``tests/corpus``) and the scale benchmark (``run.py
--corpus``).

The synthetic spec of ``synth.py`` is the skeleton (its method mix, resources, shared
parameters and error responses); this module reshapes it to the published spec's figures and
writes in what real specs have and hand-written fixtures lack:

- 540 operations, about 1,145 schemas, 5,200 properties and 1,200 examples;
- 62 ``oneOf`` (45 with a discriminator, in the circular Atlas form or with flat children;
  the others without one: overlapping object branches, primitive unions) and 95 ``allOf``;
- 96 paginated list operations (``pageNum``, ``itemsPerPage``, ``includeCount``; responses
  with ``results`` and ``totalCount``);
- 46 operations with several API versions, preview ones among them, and sunset dates in the
  past; gzip and csv downloads (some beside a JSON version of the same operation);
- header parameters.

And each flaw of :data:`FLAWS`, which ``without`` leaves out one by one (so a test or a
benchmark can tell a flaw's effect from the rest): the corpus is a pure function of it.

    python bench/scale/corpus.py -o /tmp/corpus.yaml
    python bench/scale/corpus.py -o /tmp/tame.yaml --without python-names --without envelopes
"""

from __future__ import annotations

import argparse
import copy
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import synth

OPERATIONS = 540
SEED = "atlasgen-corpus"
# synth.py fills up to this many schemas per operation; the corpus adds about 110 of its own.
SCHEMAS_PER_OPERATION = 1.885
MULTI_VERSION_OPERATIONS = 46
PREVIEW_OPERATIONS = 8
PAGINATED_OPERATIONS = 96
TARGET_EXAMPLES = 1200
PAST_SUNSETS = ("2024-06-30", "2025-01-15")
PREVIEW = "application/vnd.atlas.preview+json"
SCHEMA = synth.SCHEMA

FLAWS: dict[str, str] = {
    "yaml-1.2": "examples only YAML 1.2 reads right: 3e+06 (a number) and on/yes/no (strings)",
    "invalid-examples": "examples that do not fit their schemas: fitting two overlapping oneOf "
    "branches, a string for 'type: object', unknown enum values, response examples without "
    "a required field (Prism serves them: a lenient client still returns a typed result)",
    "object-enum-oneof": "'type: object' schemas whose oneOf branches are string enums",
    "python-names": "properties named 2dsphereIndexVersion, class, from, id, model_dump, "
    "schema, json...; a query parameter named from",
    "client-tags": "tags named like client attributes: close, auth",
    "envelopes": "operations whose envelope parameter defaults to true and whose response "
    "schema is the envelope itself",
}
# Property names a Python model cannot take as they are: digit-leading, keywords, builtins
# and pydantic's own attributes.
AWKWARD_NAMES: tuple[tuple[str, dict[str, Any]], ...] = (
    ("2dsphereIndexVersion", {"type": "integer", "format": "int32", "example": 3}),
    ("class", {"type": "string", "example": "M10"}),
    ("from", {"type": "string", "format": "date-time"}),
    ("model_dump", {"type": "string"}),
    ("model_validate", {"type": "boolean"}),
    ("model_fields", {"type": "array", "items": {"type": "string"}}),
    ("schema", {"type": "string", "example": "v1"}),
    ("json", {"type": "object", "additionalProperties": {"type": "string"}}),
    ("dict", {"type": "string"}),
    ("copy", {"type": "boolean"}),
    ("global", {"type": "string"}),
    ("import", {"type": "string"}),
)
CLIENT_TAGS = ("close", "auth")
TARGET_PROPERTIES = 5200
EXTRA_PROPERTIES: tuple[tuple[str, dict[str, Any]], ...] = (
    ("groupId", {"type": "string", "readOnly": True, "pattern": "^([a-f0-9]{24})$"}),
    ("mongoDBVersion", {"type": "string", "readOnly": True}),
    ("diskSizeGB", {"type": "number", "format": "double", "minimum": 10}),
    ("paused", {"type": "boolean"}),
)
VARIANTS = (
    ("EMAIL", "Email"),
    ("SLACK", "Slack"),
    ("PAGER_DUTY", "PagerDuty"),
    ("WEBHOOK", "Webhook"),
)


def _operations(spec: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def _is_paginated(operation: dict[str, Any]) -> bool:
    return any(p.get("$ref", "").endswith("/pageNum") for p in operation["parameters"])


def _versioned(content: dict[str, Any]) -> list[str]:
    return [media for media in content if media.startswith("application/vnd.atlas.")]


def _contents(operation: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The versioned content maps of an operation: its request body and 2xx responses."""
    if "requestBody" in operation:
        yield operation["requestBody"]["content"]
    for status, response in operation["responses"].items():
        if status.startswith("2") and "content" in response:
            yield response["content"]


class _Corpus:
    def __init__(self, spec: dict[str, Any], without: frozenset[str]) -> None:
        self.spec = spec
        self.without = without
        self.schemas: dict[str, Any] = spec["components"]["schemas"]
        self.operations = list(_operations(spec))
        self.used: set[str] = set()  # operationIds another step already changed

    def has(self, flaw: str) -> bool:
        return flaw not in self.without

    def ref(self, name: str) -> dict[str, str]:
        return {"$ref": SCHEMA + name}

    def add_schema(self, name: str, schema: dict[str, Any]) -> str:
        assert name not in self.schemas, name
        self.schemas[name] = schema
        return name

    def views(self) -> list[str]:
        """The main view schema of every resource (the ones with an ``id`` and ``links``)."""
        return [
            name
            for name, schema in self.schemas.items()
            if "links" in schema.get("properties", {}) and "id" in schema.get("properties", {})
        ]

    def sub_gets(self) -> list[dict[str, Any]]:
        """GET operations of one sub-resource (``.../status``) that no step has changed yet."""
        return [
            operation
            for path, method, operation in self.operations
            if method == "get"
            and not path.endswith(("}", "Export"))
            and not _is_paginated(operation)
            and operation["operationId"].startswith("get")
            and operation["operationId"] not in self.used
        ]

    def take(self, operations: list[dict[str, Any]], count: int) -> list[dict[str, Any]]:
        """``count`` of ``operations`` spread evenly over them, marked as used."""
        step = max(len(operations) // max(count, 1), 1)
        chosen = operations[::step][:count]
        self.used.update(operation["operationId"] for operation in chosen)
        return chosen

    # ------------------------------------------------------------------ versions
    def versions(self) -> None:
        """46 operations keep several versions (older ones sunset in the past, some a preview);
        every other one is down to its newest version, as most Atlas operations are."""
        several = [
            operation
            for _, _, operation in self.operations
            if any(len(_versioned(content)) > 1 for content in _contents(operation))
        ]
        keep = {op["operationId"] for op in self.take(several, MULTI_VERSION_OPERATIONS)}
        self.used.difference_update(keep)  # versions do not stop other steps
        previews = sorted(keep)[:: len(keep) // PREVIEW_OPERATIONS][:PREVIEW_OPERATIONS]
        for _, _, operation in self.operations:
            multi = operation["operationId"] in keep
            for content in _contents(operation):
                versioned = _versioned(content)
                for index, media in enumerate(versioned):
                    if not multi and index < len(versioned) - 1:
                        del content[media]
                    elif multi and index < len(versioned) - 1:
                        content[media]["x-sunset"] = PAST_SUNSETS[index % len(PAST_SUNSETS)]
                if operation["operationId"] in previews and versioned[-1].endswith("+json"):
                    content[PREVIEW] = copy.deepcopy(content[versioned[-1]])

    # ------------------------------------------------------------------ pagination
    def pagination(self) -> None:
        """Sub-resource GETs become paginated lists until there are 96 of them."""
        missing = PAGINATED_OPERATIONS - sum(_is_paginated(op) for _, _, op in self.operations)
        for operation in self.take(self.sub_gets(), missing):
            for content in _contents(operation):
                for media in _versioned(content):
                    item = content[media]["schema"]["$ref"].removeprefix(SCHEMA)
                    wrapper = f"Paginated{item}View"
                    if wrapper not in self.schemas:
                        self.add_schema(wrapper, self.paginated(item))
                    content[media]["schema"] = self.ref(wrapper)
            operation["parameters"] += [
                {"$ref": f"#/components/parameters/{name}"}
                for name in ("includeCount", "itemsPerPage", "pageNum")
            ]
            operation["operationId"] = "list" + operation["operationId"].removeprefix("get")
            alias = operation.get("x-xgen-operation-id-override")
            if alias:
                operation["x-xgen-operation-id-override"] = "list" + alias.removeprefix("get")

    def paginated(self, item: str) -> dict[str, Any]:
        return {
            "type": "object",
            "properties": {
                "links": {
                    "type": "array",
                    "readOnly": True,
                    "description": "List of one or more Uniform Resource Locators (URLs).",
                    "items": self.ref("Link"),
                },
                "results": {
                    "type": "array",
                    "readOnly": True,
                    "description": "List of returned documents that MongoDB Cloud provides.",
                    "items": self.ref(item),
                },
                "totalCount": {
                    "type": "integer",
                    "format": "int32",
                    "minimum": 0,
                    "readOnly": True,
                    "description": "Total number of documents available.",
                },
            },
        }

    # ------------------------------------------------------------------ polymorphism
    def polymorphism(self) -> None:
        """25 more discriminated families (17 circular, 8 with flat children) and 17 oneOf
        without a discriminator, each the property of a resource's view."""
        views = self.views()
        for index in range(25):
            view = views[(index * 7) % len(views)]
            circular = index < 17
            # 40 children allOf their parent: with synth.py's 55, the published spec's 95.
            chosen = VARIANTS[: (3 if index < 6 else 2) if circular else 2 + index % 3]
            parent = f"{view}Notification"
            children = [f"{view}{short}Notification" for _, short in chosen]
            own = {
                "type": {
                    "type": "string",
                    "description": "Human-readable label that identifies the service.",
                    "enum": [wire for wire, _ in chosen],
                },
                "delayMin": {"type": "integer", "format": "int32", "example": 5},
            }
            family = {
                "type": "object",
                "description": f"Notification settings of one {view}.",
                "discriminator": {
                    "propertyName": "type",
                    "mapping": {wire: SCHEMA + child for (wire, _), child in zip(chosen, children)},
                },
                "oneOf": [self.ref(child) for child in children],
                "required": ["type"],
            }
            if circular:
                family["properties"] = own
            self.add_schema(parent, family)
            for (wire, short), child in zip(chosen, children):
                fields = {
                    "type": {"type": "string", "enum": [wire]},
                    f"{short[0].lower()}{short[1:]}Address": {"type": "string"},
                }
                if circular:
                    child_schema = {
                        "type": "object",
                        "description": f"{short} notification.",
                        "allOf": [self.ref(parent), {"type": "object", "properties": fields}],
                    }
                else:
                    child_schema = {
                        "type": "object",
                        "description": f"{short} notification.",
                        "required": ["type"],
                        "properties": {**own, **fields},
                    }
                self.add_schema(child, child_schema)
            self.schemas[view]["properties"]["notification"] = self.ref(parent)
        for index in range(17):
            view = views[(index * 11 + 3) % len(views)]
            if index < 8:
                self.overlapping(view)
            elif index < 13:
                self.enum_branches(view)
            else:
                self.schemas[view]["properties"]["threshold"] = {
                    "description": "Threshold: a count, or a percentage written as text.",
                    "oneOf": [{"type": "integer"}, {"type": "string", "pattern": "^[0-9]+%$"}],
                }

    def overlapping(self, view: str) -> None:
        """oneOf two object branches with nothing but optional properties: a value may fit
        both, and without a discriminator only the order of the branches decides."""
        by_name, by_id = f"{view}TargetByName", f"{view}TargetById"
        self.add_schema(
            by_name,
            {
                "type": "object",
                "properties": {"name": {"type": "string"}, "region": {"type": "string"}},
            },
        )
        self.add_schema(
            by_id,
            {
                "type": "object",
                "properties": {"id": {"type": "string"}, "name": {"type": "string"}},
            },
        )
        target = {
            "description": "Target, by name or by identifier.",
            "oneOf": [self.ref(by_name), self.ref(by_id)],
        }
        if self.has("invalid-examples"):
            target["example"] = {"name": "Cluster0"}  # fits both branches
        self.schemas[view]["properties"]["target"] = target

    def enum_branches(self, view: str) -> None:
        """A string that is one of two enums; the published spec says ``type: object`` too."""
        schema: dict[str, Any] = {
            "description": "Granularity of the measurements.",
            "oneOf": [
                {"type": "string", "enum": ["PT1M", "PT5M"]},
                {"type": "string", "enum": ["PT1H", "P1D"]},
            ],
        }
        if self.has("object-enum-oneof"):
            schema["type"] = "object"
            if self.has("invalid-examples"):
                schema["example"] = "PT1M"
        self.schemas[view]["properties"]["granularity"] = schema

    # ------------------------------------------------------------------ downloads
    def downloads(self) -> None:
        """Three downloads also answer in JSON (the invoices' csv beside json)."""
        downloads = [
            operation
            for path, _, operation in self.operations
            if path.endswith("Export") and operation["operationId"] not in self.used
        ]
        for operation in self.take(downloads, 3):
            content = operation["responses"]["200"]["content"]
            newest = _versioned(content)[-1]
            json_media = newest.rsplit("+", 1)[0] + "+json"
            if json_media not in content:
                content[json_media] = {"schema": {"type": "object", "additionalProperties": True}}

    # ------------------------------------------------------------------ parameters
    def headers(self) -> None:
        for index, operation in enumerate(self.take(self.sub_gets(), 6)):
            operation["parameters"].append(
                {
                    "name": ("If-None-Match", "X-Request-Id")[index % 2],
                    "in": "header",
                    "required": False,
                    "description": "Sent as an HTTP header.",
                    "schema": {"type": "string", "maxLength": 128},
                }
            )

    def envelopes(self) -> None:
        """Performance Advisor style: ``envelope`` defaults to true and the response schema is
        the envelope (``status`` and ``content``) itself."""
        for operation in self.take(self.sub_gets(), 6):
            operation["parameters"] = [
                p
                for p in operation["parameters"]
                if p.get("$ref", "").rsplit("/", 1)[-1] != "envelope"
            ] + [
                {
                    "name": "envelope",
                    "in": "query",
                    "description": "Flag that indicates whether the response is wrapped in an envelope.",
                    "schema": {"type": "boolean", "default": True},
                }
            ]
            for content in _contents(operation):
                for media in _versioned(content):
                    inner = content[media]["schema"]["$ref"].removeprefix(SCHEMA)
                    envelope = f"{inner}Envelope"
                    if envelope not in self.schemas:
                        self.add_schema(
                            envelope,
                            {
                                "type": "object",
                                "required": ["content", "status"],
                                "properties": {
                                    "content": self.ref(inner),
                                    "status": {
                                        "type": "integer",
                                        "format": "int32",
                                        "example": 200,
                                    },
                                },
                            },
                        )
                    content[media]["schema"] = self.ref(envelope)

    def client_tags(self) -> None:
        """Two operations each move to tags named like attributes of the client."""
        for index, operation in enumerate(self.take(self.sub_gets(), 2 * len(CLIENT_TAGS))):
            tag = CLIENT_TAGS[index % len(CLIENT_TAGS)]
            operation["tags"] = [tag]
        for tag in CLIENT_TAGS:
            self.spec["tags"].append({"name": tag, "description": f"Operations of the {tag} tag."})
        self.spec["tags"].sort(key=lambda tag: tag["name"])

    def python_names(self) -> None:
        views = self.views()
        for index, (name, schema) in enumerate(AWKWARD_NAMES):
            for view in views[index :: len(AWKWARD_NAMES) * 3][:2]:
                self.schemas[view]["properties"][name] = {
                    "description": f"The {name} of this resource.",
                    **schema,
                }
        lists = [op for _, _, op in self.operations if _is_paginated(op)]
        for operation in lists[::20]:
            operation["parameters"].append(
                {
                    "name": "from",
                    "in": "query",
                    "description": "Date and time from which to return results.",
                    "schema": {"type": "string", "format": "date-time"},
                }
            )

    # ------------------------------------------------------------------ properties
    def properties(self) -> None:
        """Detail objects get more of the fields Atlas objects carry, up to 5,200 properties."""
        count = sum(_property_count(schema) for schema in self.schemas.values())
        details = [
            schema
            for name, schema in sorted(self.schemas.items())
            if schema.get("type") == "object"
            and "links" not in schema.get("properties", {"links": 0})
        ]
        for index in range(max(TARGET_PROPERTIES - count, 0)):
            schema = details[index % len(details)]
            name, prop = EXTRA_PROPERTIES[(index // len(details)) % len(EXTRA_PROPERTIES)]
            schema["properties"].setdefault(name, copy.deepcopy(prop))

    # ------------------------------------------------------------------ examples
    def examples(self) -> None:
        """Property examples up to about 1,200, valid ones, then the flawed ones."""
        count = sum(1 for _ in _examples(self.spec))
        for name in sorted(self.schemas):
            for prop in _own_properties(self.schemas[name]):
                if count >= TARGET_EXAMPLES - 15:
                    break
                value = _valid_example(prop)
                if value is not None and "example" not in prop:
                    prop["example"] = value
                    count += 1
        if self.has("yaml-1.2"):
            self.yaml_12_examples()
        if self.has("invalid-examples"):
            self.invalid_examples()

    def yaml_12_examples(self) -> None:
        """Examples that YAML 1.1 would read as another type (see :func:`dump`)."""
        for view in self.views()[5::13][:6]:
            self.schemas[view]["properties"]["storageBytes"] = {
                "type": "integer",
                "format": "int64",
                "description": "Storage used, in bytes.",
                "example": _Yaml12("3e+06"),
            }
        comments = [
            prop
            for name in sorted(self.schemas)
            for key, prop in _own_properties_named(self.schemas[name])
            if key == "comment" and prop.get("type") == "string"
        ]
        for index, prop in enumerate(comments[:6]):
            prop["example"] = _Yaml12(("on", "yes", "no")[index % 3])

    def invalid_examples(self) -> None:
        """Unknown enum values, and response examples without a required field."""
        states = [
            prop
            for name in sorted(self.schemas)
            for key, prop in _own_properties_named(self.schemas[name])
            if key == "phase" and "enum" in prop
        ]
        for prop in states[:8]:
            prop["example"] = "DELETED"  # in no enum of the corpus
        for operation in self.item_gets_of_named_views()[::10][:3]:
            content = operation["responses"]["200"]["content"]
            for media in _versioned(content):
                content[media]["example"] = {"stateName": "IDLE"}  # no name

    def require_names(self) -> None:
        """Views that have a ``name`` require it, as Atlas's clusters and projects do."""
        for view in self.views():
            if "name" in self.schemas[view]["properties"]:
                self.schemas[view]["required"] = sorted(
                    {*self.schemas[view].get("required", ()), "name"}
                )

    def item_gets_of_named_views(self) -> list[dict[str, Any]]:
        """GET operations of one resource whose view requires ``name`` (not read-only)."""
        found = []
        for path, method, operation in self.operations:
            content = operation["responses"].get("200", {}).get("content", {})
            media = _versioned(content)
            if method == "get" and path.endswith("}") and media and "schema" in content[media[-1]]:
                view = content[media[-1]]["schema"].get("$ref", "").removeprefix(SCHEMA)
                if "name" in self.schemas.get(view, {}).get("required", ()):
                    found.append(operation)
        return found

    def build(self) -> dict[str, Any]:
        self.versions()
        self.pagination()
        self.polymorphism()
        self.downloads()
        self.headers()
        if self.has("envelopes"):
            self.envelopes()
        if self.has("client-tags"):
            self.client_tags()
        if self.has("python-names"):
            self.python_names()
        self.properties()
        self.require_names()
        self.examples()
        self.spec["info"][
            "description"
        ] = "The atlasgen realism corpus: the published Atlas Admin API v2 spec's shape and flaws."
        return self.spec


@dataclass(frozen=True)
class _Yaml12:
    """An example written as YAML 1.2 text that YAML 1.1 reads as another type (``3e+06`` is
    a string to PyYAML, ``on`` a boolean): :func:`dump` writes ``text`` bare."""

    text: str


def _property_count(node: Any) -> int:
    """Properties declared anywhere in ``node`` (inline objects and allOf parts included)."""
    if isinstance(node, list):
        return sum(_property_count(item) for item in node)
    if not isinstance(node, dict):
        return 0
    own = node.get("properties")
    count = len(own) if isinstance(own, dict) else 0
    return count + sum(_property_count(value) for value in node.values())


def _own_properties(schema: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for _, prop in _own_properties_named(schema):
        yield prop


def _own_properties_named(schema: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    parts = [schema, *(part for part in schema.get("allOf", ()) if "properties" in part)]
    for part in parts:
        for name, prop in part.get("properties", {}).items():
            if "$ref" not in prop:
                yield name, prop


def _valid_example(prop: dict[str, Any]) -> Any:
    kind = prop.get("type")
    if "enum" in prop:
        return prop["enum"][0]
    if kind == "string" and "pattern" not in prop:
        if prop.get("format") == "date-time":
            return "2024-05-30T12:00:00Z"
        return "example"[: prop.get("maxLength", 7)] if "format" not in prop else None
    if kind == "integer":
        return max(int(prop.get("minimum", 0)), 1) if prop.get("maximum", 1) >= 1 else None
    if kind == "number":
        return 0.5
    if kind == "boolean":
        return True
    if kind == "array" and prop.get("items", {}).get("type") == "string":
        return ["example"]
    return None


def _examples(node: Any) -> Iterator[Any]:
    if isinstance(node, dict):
        if "example" in node:
            yield node["example"]
        for value in node.values():
            yield from _examples(value)
    elif isinstance(node, list):
        for value in node:
            yield from _examples(value)


def build_corpus(without: Iterable[str] = ()) -> dict[str, Any]:
    """The corpus as plain data (``_Yaml12`` examples stand for their YAML 1.2 text)."""
    left_out = frozenset(without)
    unknown = left_out - set(FLAWS)
    if unknown:
        raise ValueError(f"unknown flaws {sorted(unknown)}; known: {sorted(FLAWS)}")
    spec = synth.build_spec(OPERATIONS, SEED, SCHEMAS_PER_OPERATION)
    return _Corpus(spec, left_out).build()


# Marks a _Yaml12 text in the dump: a leading "@" makes the dumper quote it with single quotes.
_BARE = "@@yaml12@@"


def dump(spec: dict[str, Any]) -> str:
    """YAML text of the corpus; a ``_Yaml12`` example is written bare, as a spec author would."""
    marked = synth.yaml.dump(
        _marked(spec),
        Dumper=synth._PlainDumper,
        sort_keys=False,
        allow_unicode=True,
        width=100,
        default_flow_style=False,
    )
    return marked.replace(f"'{_BARE}", "").replace(f"{_BARE}'", "")


def _marked(node: Any) -> Any:
    if isinstance(node, _Yaml12):
        return f"{_BARE}{node.text}{_BARE}"
    if isinstance(node, dict):
        return {key: _marked(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_marked(value) for value in node]
    return node


def write_corpus(path: Path, without: Iterable[str] = ()) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dump(build_corpus(without)), encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-o", "--output", type=Path, help="file to write (default: stdout)")
    parser.add_argument(
        "--without",
        action="append",
        default=[],
        choices=sorted(FLAWS),
        help="leave this flaw out (repeatable)",
    )
    args = parser.parse_args(argv)
    synth.emit(dump(build_corpus(args.without)), args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
