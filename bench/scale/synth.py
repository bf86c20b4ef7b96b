"""Synthetic, Atlas-shaped OpenAPI 3.0.1 specs of N operations, for the scale benchmark.

The shape follows the live Atlas Admin API v2 spec:

- the same method mix (about 55% GET, 15% POST, 12% PATCH, 15% DELETE, 3% PUT), on
  resource collections and items under ``/api/atlas/v2/groups/{groupId}`` (some under
  ``/orgs/{orgId}`` or nested under a cluster);
- shared ``components/parameters`` (groupId, orgId, envelope, pretty, itemsPerPage,
  pageNum, includeCount) referenced by every operation;
- the standard error responses ``$ref``-ed from ``components/responses``, all with the
  ``ApiError`` schema;
- one to three versioned media types ``application/vnd.atlas.YYYY-MM-DD+json`` per
  operation, older ones often with ``x-sunset``, and a few ``+gzip``/``+csv`` downloads;
- request bodies on POST, PATCH and PUT;
- about 2.1 schemas per operation, including polymorphic ones in the circular Atlas form
  (a parent lists its children in ``oneOf`` with a ``discriminator`` ``mapping`` while
  each child is ``allOf: [$ref parent, {properties, the discriminator as a one-value
  enum}]``), named enums, nested detail objects and paginated list wrappers
  (``results``, ``totalCount``, ``links``);
- ``x-xgen-operation-id-override`` aliases on some operations.

The output is a pure function of N (and ``seed``): the same bytes on every machine.

    python bench/scale/synth.py 540 -o /tmp/atlas-540.yaml
    python bench/scale/synth.py 540 --plain-media -o /tmp/plain-540.yaml   # application/json only
"""

from __future__ import annotations

import argparse
import copy
import math
import random
import re
import sys
from pathlib import Path
from typing import Any

import yaml

try:
    from yaml import CSafeDumper as _Dumper
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeDumper as _Dumper  # type: ignore[assignment]

METHOD_MIX = (("get", 0.55), ("post", 0.15), ("patch", 0.12), ("delete", 0.15), ("put", 0.03))
SCHEMAS_PER_OPERATION = 2.1
VERSIONS = (
    "2023-01-01",
    "2023-02-01",
    "2023-10-01",
    "2024-05-30",
    "2024-08-05",
    "2024-10-23",
    "2025-03-12",
)
SUNSET = "2026-03-01"
PREFIX = "/api/atlas/v2"
SCHEMA = "#/components/schemas/"

# (singular PascalCase, tag) - resource nouns as Atlas names them.
NOUNS = (
    ("Cluster", "Clusters"),
    ("BackupSnapshot", "Cloud Backups"),
    ("PrivateEndpoint", "Private Endpoint Services"),
    ("DatabaseUser", "Database Users"),
    ("AlertConfig", "Alert Configurations"),
    ("Alert", "Alerts"),
    ("Team", "Teams"),
    ("ServiceAccount", "Service Accounts"),
    ("ApiKey", "Programmatic API Keys"),
    ("AccessListEntry", "Project IP Access List"),
    ("Invitation", "Project Invitations"),
    ("Integration", "Third-Party Integrations"),
    ("LogIntegration", "Push-Based Log Export"),
    ("StreamWorkspace", "Streams"),
    ("StreamConnection", "Streams"),
    ("StreamProcessor", "Streams"),
    ("SearchIndex", "Atlas Search"),
    ("SearchDeployment", "Atlas Search"),
    ("DataFederation", "Data Federation"),
    ("OnlineArchive", "Online Archive"),
    ("ExportBucket", "Cloud Backups"),
    ("RestoreJob", "Cloud Backups"),
    ("EncryptionKey", "Encryption at Rest using Customer Key Management"),
    ("LdapConfig", "LDAP Configuration"),
    ("MaintenanceWindow", "Maintenance Windows"),
    ("NetworkPeer", "Network Peering"),
    ("Container", "Network Peering"),
    ("CustomRole", "Custom Database Roles"),
    ("Event", "Events"),
    ("Invoice", "Invoices"),
    ("CostExplorerQuery", "Invoices"),
    ("FederationSetting", "Federated Authentication"),
    ("IdentityProvider", "Federated Authentication"),
    ("RoleMapping", "Federated Authentication"),
    ("ServerlessInstance", "Serverless Instances"),
    ("FlexCluster", "Flex Clusters"),
    ("ResourcePolicy", "Resource Policies"),
    ("ShardedCollection", "Global Clusters"),
    ("Checkpoint", "Legacy Backup"),
    ("PipelineRun", "Data Lake Pipelines"),
    ("MongoDbUser", "X.509 Authentication"),
    ("AuditLog", "Auditing"),
    ("Process", "Monitoring and Logs"),
    ("Measurement", "Monitoring and Logs"),
)
QUALIFIERS = (
    "",
    "Flex",
    "Serverless",
    "Legacy",
    "Regional",
    "Shared",
    "Dedicated",
    "Global",
    "Tenant",
    "Hybrid",
)
SUBS = (
    "Status",
    "Metrics",
    "Schedule",
    "History",
    "Summary",
    "Processes",
    "Connections",
    "Usage",
    "Limits",
    "Options",
    "Checks",
    "Stats",
    "Regions",
    "Members",
)
PARTS = (
    "Spec",
    "Settings",
    "Region",
    "Hardware",
    "AutoScaling",
    "Label",
    "Policy",
    "Endpoint",
    "Credentials",
    "Window",
    "Threshold",
    "Notification",
    "Source",
    "Target",
    "Retention",
    "Encryption",
    "Compute",
    "Storage",
    "Network",
    "Tag",
    "Schedule",
    "Limit",
    "Criteria",
    "Mapping",
    "Statistics",
    "Progress",
    "Restriction",
    "Option",
    "Detail",
    "Link",
)
PROVIDERS = (("AWS", "Aws"), ("AZURE", "Azure"), ("GCP", "Gcp"), ("TENANT", "Tenant"))
STATES = ("IDLE", "CREATING", "UPDATING", "DELETING", "REPAIRING", "PAUSED", "FAILED", "READY")
ROLES = (
    "Organization Owner",
    "Project Owner",
    "Project Read Only",
    "Project Cluster Manager",
    "Project Data Access Admin",
    "Project Monitoring Admin",
    "Project Stream Processing Owner",
)
VOCABULARY = (
    "MongoDB Cloud",
    "the specified project",
    "this resource",
    "the requesting Service Account or API Key",
    "the cluster",
    "the organization",
    "returns",
    "identifies",
    "human-readable label",
    "unique 24-hexadecimal",
    "digit string",
    "that",
    "which",
    "configuration",
    "settings",
    "when",
    "the value",
    "must match",
    "each",
    "applies",
    "only",
    "to",
    "dedicated clusters",
    "in UTC",
    "expressed in ISO 8601 format",
    "flag that indicates",
    "whether",
    "someone",
    "enabled",
    "the deployment",
    "list of",
    "objects",
    "the API",
    "version",
    "region",
    "cloud service provider",
    "backup",
    "snapshot",
    "retention",
    "policy",
    "network",
    "access",
    "log",
)


# --------------------------------------------------------------------------- helpers
def method_counts(n: int) -> dict[str, int]:
    """Operations per method for ``n`` operations: the Atlas mix, largest remainder first."""
    raw = [(method, share * n) for method, share in METHOD_MIX]
    counts = {method: math.floor(value) for method, value in raw}
    by_remainder = sorted(range(len(raw)), key=lambda i: (-(raw[i][1] - math.floor(raw[i][1])), i))
    for i in by_remainder[: n - sum(counts.values())]:
        counts[raw[i][0]] += 1
    return counts


def spaced(name: str) -> str:
    """``AlertConfigs`` -> ``Alert Configs`` (for summaries)."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name)


def lower_first(name: str) -> str:
    return name[:1].lower() + name[1:]


def plural(name: str) -> str:
    if name.endswith("y") and not name.endswith(("ey", "ay")):
        return name[:-1] + "ies"
    if name.endswith(("s", "x")):
        return name + "es"
    return name + "s"


class _Text:
    """Deterministic description text."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def sentence(self, subject: str, words: int = 12) -> str:
        body = " ".join(self.rng.choice(VOCABULARY) for _ in range(words))
        return f"{subject} {body}."

    def paragraph(self, subject: str, sentences: int = 2) -> str:
        parts = [self.sentence(subject, self.rng.randint(8, 18))]
        parts += [
            self.sentence(
                self.rng.choice(("This", "MongoDB Cloud", "Atlas")), self.rng.randint(8, 18)
            )
            for _ in range(sentences - 1)
        ]
        return " ".join(parts)


# --------------------------------------------------------------------------- builder
class _Builder:
    def __init__(self, n: int, seed: str, schemas_per_operation: float) -> None:
        self.n = n
        self.schemas_per_operation = schemas_per_operation
        self.rng = random.Random(f"{seed}:{n}")
        self.text = _Text(self.rng)
        self.paths: dict[str, dict[str, Any]] = {}
        self.schemas: dict[str, Any] = {}
        self.tags: dict[str, str] = {}
        self.aliases: set[str] = set()
        self.operation_ids: set[str] = set()
        self.reserved: set[str] = set()

    # ------------------------------------------------------------------ schemas
    def prop(self, name: str, kind: str) -> dict[str, Any]:
        """One property of ``kind``: id, name, date, flag, count, text, state."""
        rng = self.rng
        describe = self.text.sentence(
            rng.choice(
                (
                    "Flag that indicates",
                    "Human-readable label that",
                    "Number of",
                    "Date and time when",
                    "Unique string that",
                )
            ),
            rng.randint(6, 14),
        )
        if kind == "id":
            return {
                "type": "string",
                "readOnly": True,
                "description": describe,
                "pattern": "^([a-f0-9]{24})$",
                "example": "32b6e34b3d91647abb20e7b8",
                "minLength": 24,
                "maxLength": 24,
            }
        if kind == "name":
            return {
                "type": "string",
                "description": describe,
                "pattern": "^[a-zA-Z0-9][a-zA-Z0-9-]*$",
                "maxLength": 64,
                "example": "Cluster0",
            }
        if kind == "date":
            return {
                "type": "string",
                "format": "date-time",
                "readOnly": True,
                "description": describe,
            }
        if kind == "flag":
            return {"type": "boolean", "default": False, "description": describe}
        if kind == "count":
            return {
                "type": "integer",
                "format": "int32",
                "minimum": 0,
                "maximum": rng.choice((100, 500, 20000)),
                "description": describe,
            }
        if kind == "ratio":
            return {"type": "number", "format": "double", "minimum": 0, "description": describe}
        if kind == "state":
            return {
                "type": "string",
                "readOnly": True,
                "enum": list(rng.sample(STATES, rng.randint(2, 5))),
                "description": describe,
            }
        if kind == "strings":
            return {
                "type": "array",
                "uniqueItems": True,
                "items": {"type": "string"},
                "description": describe,
            }
        if kind == "map":
            return {
                "type": "object",
                "additionalProperties": {"type": "string"},
                "description": describe,
            }
        return {"type": "string", "description": describe, "maxLength": 1024}

    def object_schema(
        self,
        description: str,
        kinds: int,
        extra: dict[str, Any] | None = None,
        required: list[str] | None = None,
    ) -> dict[str, Any]:
        props: dict[str, Any] = {}
        names = (
            "enabled",
            "name",
            "createDate",
            "count",
            "comment",
            "limit",
            "labels",
            "ratio",
            "phase",
            "hostnames",
            "priority",
            "lastUpdated",
            "tags",
            "zoneName",
        )
        kinds_of = {
            "enabled": "flag",
            "name": "name",
            "createDate": "date",
            "count": "count",
            "comment": "text",
            "limit": "count",
            "labels": "map",
            "ratio": "ratio",
            "phase": "state",
            "hostnames": "strings",
            "priority": "count",
            "lastUpdated": "date",
            "tags": "map",
            "zoneName": "text",
        }
        for name in self.rng.sample(names, kinds):
            props[name] = self.prop(name, kinds_of[name])
        props.update(extra or {})
        schema: dict[str, Any] = {"type": "object", "description": description, "properties": props}
        if required:
            schema["required"] = required
        return schema

    def ref(self, name: str) -> dict[str, str]:
        return {"$ref": SCHEMA + name}

    def free_name(self, name: str) -> str:
        """``name``, or ``name2``, ``name3``... if another schema took it (FlexCluster + State)."""
        candidate, counter = name, 2
        while candidate in self.schemas or candidate in self.reserved:
            candidate, counter = f"{name}{counter}", counter + 1
        return candidate

    def add_schema(self, name: str, schema: dict[str, Any]) -> str:
        name = self.free_name(name)
        self.schemas[name] = schema
        return name

    def shared_schemas(self) -> None:
        self.add_schema(
            "ApiError",
            {
                "type": "object",
                "description": "Error that MongoDB Cloud returns when a request fails.",
                "required": ["error", "errorCode"],
                "properties": {
                    "badRequestDetail": self.ref("BadRequestDetail"),
                    "detail": {
                        "type": "string",
                        "description": "Describes the specific conditions or reasons that cause each type of error.",
                    },
                    "error": {
                        "type": "integer",
                        "format": "int32",
                        "readOnly": True,
                        "description": "HTTP status code returned with this error.",
                    },
                    "errorCode": {
                        "type": "string",
                        "readOnly": True,
                        "description": "Application error code returned with this error.",
                    },
                    "parameters": {
                        "type": "array",
                        "readOnly": True,
                        "description": "Parameters used to give more information about the error.",
                        "items": {},
                    },
                    "reason": {
                        "type": "string",
                        "readOnly": True,
                        "description": "Application error message returned with this error.",
                    },
                },
            },
        )
        self.add_schema(
            "BadRequestDetail",
            {
                "type": "object",
                "readOnly": True,
                "description": "Bad request detail.",
                "properties": {
                    "fields": {
                        "type": "array",
                        "readOnly": True,
                        "description": "Describes all violations in a client request.",
                        "items": self.ref("FieldViolation"),
                    }
                },
            },
        )
        self.add_schema(
            "FieldViolation",
            {
                "type": "object",
                "required": ["description", "field"],
                "properties": {
                    "description": {
                        "type": "string",
                        "readOnly": True,
                        "description": "A description of why the request element is bad.",
                    },
                    "field": {
                        "type": "string",
                        "readOnly": True,
                        "description": "A path that leads to a field in the request body.",
                    },
                },
            },
        )
        self.add_schema(
            "Link",
            {
                "type": "object",
                "properties": {
                    "href": {
                        "type": "string",
                        "readOnly": True,
                        "description": "Uniform Resource Locator (URL) that points another API resource to which this response has some relationship. This URL often begins with `https://cloud.mongodb.com/api/atlas`.",
                        "example": "https://cloud.mongodb.com/api/atlas",
                    },
                    "rel": {
                        "type": "string",
                        "readOnly": True,
                        "description": "Uniform Resource Locator (URL) that defines the semantic relationship between this resource and another API resource. This URL often begins with `https://cloud.mongodb.com/api/atlas`.",
                        "example": "self",
                    },
                },
            },
        )

    def polymorphic(self, base: str) -> str:
        """The circular Atlas form: parent ``oneOf`` children + discriminator; children ``allOf`` the parent."""
        parent = self.free_name(f"{base}Provider")
        chosen = PROVIDERS[: self.rng.randint(2, 4)]
        children = [self.free_name(f"{short}{base}Provider") for _, short in chosen]
        self.reserved.update(children)
        self.add_schema(
            parent,
            {
                "type": "object",
                "description": self.text.sentence("Cloud service provider settings of", 10),
                "discriminator": {
                    "propertyName": "providerName",
                    "mapping": {wire: SCHEMA + child for (wire, _), child in zip(chosen, children)},
                },
                "oneOf": [self.ref(child) for child in children],
                "properties": {
                    "providerName": {
                        "type": "string",
                        "description": "Cloud service provider on which MongoDB Cloud provisions the hosts.",
                        "enum": [wire for wire, _ in chosen],
                    },
                    "regionName": {
                        "type": "string",
                        "description": "Physical location of your MongoDB cluster nodes.",
                    },
                    "priority": {
                        "type": "integer",
                        "format": "int32",
                        "minimum": 0,
                        "maximum": 7,
                        "description": "Precedence given to this region when a primary election occurs.",
                    },
                },
                "required": ["providerName"],
            },
        )
        for (wire, short), child in zip(chosen, children):
            own = self.object_schema(
                f"{wire} settings.",
                self.rng.randint(1, 3),
                extra={
                    "providerName": {
                        "type": "string",
                        "description": "Cloud service provider on which MongoDB Cloud provisions the hosts.",
                        "enum": [wire],
                    },
                },
            )
            del own["description"]
            self.reserved.discard(child)
            self.add_schema(
                child,
                {
                    "type": "object",
                    "description": self.text.sentence(f"Settings of {base} on {wire}:", 8),
                    "allOf": [self.ref(parent), own],
                },
            )
        return parent

    # ------------------------------------------------------------------ operations
    def media(
        self, versions: list[str], schema: dict[str, Any] | None, fmt: str = "json"
    ) -> dict[str, Any]:
        content = {}
        for index, version in enumerate(versions):
            entry: dict[str, Any] = {}
            if schema is not None:
                entry["schema"] = copy.deepcopy(schema)
            if index < len(versions) - 1 and self.rng.random() < 0.6:
                entry["x-sunset"] = SUNSET
            content[f"application/vnd.atlas.{version}+{fmt}"] = entry
        return content

    def versions(self) -> list[str]:
        count = self.rng.choices((1, 2, 3), weights=(6, 3, 1))[0]
        return sorted(self.rng.sample(VERSIONS, count))

    def errors(self, method: str, kind: str) -> dict[str, Any]:
        codes = {
            "400": "badRequest",
            "401": "unauthorized",
            "403": "forbidden",
            "404": "notFound",
            "500": "internalServerError",
        }
        if method in ("post", "delete", "put"):
            codes["409"] = "conflict"
        if kind in ("list", "sub") and self.rng.random() < 0.3:
            codes["429"] = "tooManyRequests"
        return {
            code: {"$ref": f"#/components/responses/{name}"} for code, name in sorted(codes.items())
        }

    def operation(
        self,
        path: str,
        method: str,
        op_id: str,
        tag: str,
        summary: str,
        kind: str,
        params: list[dict[str, Any]],
        response: tuple[str, dict[str, Any] | None],
        body: str | None = None,
        fmt: str = "json",
    ) -> None:
        assert op_id not in self.operation_ids, op_id
        self.operation_ids.add(op_id)
        versions = self.versions()
        status, schema = response
        node: dict[str, Any] = {
            "operationId": op_id,
            "tags": [tag],
            "summary": summary,
            "description": self.text.paragraph(
                summary.split(" ", 1)[0] + "s", self.rng.randint(2, 4)
            )
            + f" To use this resource, the requesting Service Account or API Key must have the {self.rng.choice(ROLES)} role.",
        }
        if "Group" in op_id and self.rng.random() < 0.3:
            alias = op_id.replace("Group", "", 1)
            if alias not in self.aliases and alias not in self.operation_ids:
                self.aliases.add(alias)
                node["x-xgen-operation-id-override"] = alias
        node["x-rolesRequirements"] = sorted(self.rng.sample(ROLES, self.rng.randint(1, 2)))
        node["parameters"] = params
        if body is not None:
            node["requestBody"] = {
                "required": True,
                "description": self.text.sentence("Details of", 8),
                "content": self.media(versions, self.ref(body)),
            }
        if status == "204":
            success = {
                "description": "This endpoint does not return a response body.",
                "content": {f"application/vnd.atlas.{versions[-1]}+json": {}},
            }
        else:
            success = {
                "description": {"200": "OK", "201": "Created", "202": "Accepted"}[status],
                "content": self.media(versions, schema, fmt),
            }
        node["responses"] = {status: success, **self.errors(method, kind)}
        self.paths.setdefault(path, {})[method] = node

    # ------------------------------------------------------------------ the spec
    def build(self) -> dict[str, Any]:
        counts = method_counts(self.n)
        resources = max(counts["post"], counts["patch"], counts["delete"], counts["put"], 1)
        gets = counts["get"]
        lists = min(resources, gets)
        items = min(resources, gets - lists)
        subs = gets - lists - items
        self.shared_schemas()
        target_schemas = round(self.schemas_per_operation * self.n)

        # Per resource: names, paths, core schemas.
        plan = []
        for index in range(resources):
            noun, tag = NOUNS[index % len(NOUNS)]
            qualifier = QUALIFIERS[(index // len(NOUNS)) % len(QUALIFIERS)]
            round_ = index // (len(NOUNS) * len(QUALIFIERS))
            singular = f"{qualifier}{noun}{round_ + 1 if round_ else ''}"
            while singular in self.reserved:  # Flex + Cluster is also the noun FlexCluster
                singular += "Alt"
            self.reserved.add(singular)
            scope = ("group", "org", "cluster")[
                0 if index % 7 not in (3, 5) else (1 if index % 7 == 3 else 2)
            ]
            if scope == "org":
                base, base_params, op_scope = (
                    f"{PREFIX}/orgs/{{orgId}}",
                    [{"$ref": "#/components/parameters/orgId"}],
                    "Org",
                )
            elif scope == "cluster":
                base = f"{PREFIX}/groups/{{groupId}}/clusters/{{clusterName}}"
                base_params = [
                    {"$ref": "#/components/parameters/groupId"},
                    {
                        "name": "clusterName",
                        "in": "path",
                        "required": True,
                        "description": "Human-readable label that identifies the cluster.",
                        "schema": {
                            "type": "string",
                            "pattern": "^[a-zA-Z0-9][a-zA-Z0-9-]*$",
                            "maxLength": 64,
                        },
                    },
                ]
                op_scope = "GroupCluster"
            else:
                base, base_params, op_scope = (
                    f"{PREFIX}/groups/{{groupId}}",
                    [{"$ref": "#/components/parameters/groupId"}],
                    "Group",
                )
            self.tags.setdefault(
                tag, self.text.paragraph(f"Returns, adds, edits, and removes {tag}.", 2)
            )
            id_name = f"{lower_first(singular)}Id" if index % 2 else f"{lower_first(singular)}Name"
            item_param = {
                "name": id_name,
                "in": "path",
                "required": True,
                "description": self.text.sentence("Unique string that identifies the", 6),
                "schema": (
                    {"type": "string", "pattern": "^([a-f0-9]{24})$"}
                    if index % 2
                    else {"type": "string", "maxLength": 64}
                ),
            }
            plan.append(
                {
                    "singular": singular,
                    "plural": plural(singular),
                    "tag": tag,
                    "scope": op_scope,
                    "collection": f"{base}/{lower_first(plural(singular))}",
                    "params": base_params,
                    "item_param": item_param,
                    "id_name": id_name,
                    "parts": [],
                }
            )

        # The main view of every resource, its named state enum, polymorphic provider on some.
        for index, res in enumerate(plan):
            s = res["singular"]
            state = self.add_schema(
                f"{s}State",
                {
                    "type": "string",
                    "description": f"State of the {s}.",
                    "enum": list(STATES[: 3 + index % 5]),
                },
            )
            extra = {
                "id": self.prop("id", "id"),
                "links": {
                    "type": "array",
                    "readOnly": True,
                    "description": "List of one or more Uniform Resource Locators (URLs) that point to API sub-resources, related API resources, or both.",
                    "items": self.ref("Link"),
                },
                "stateName": {**self.ref(state)},
            }
            if index % 4 == 1:
                extra["providerSettings"] = self.ref(self.polymorphic(s))
            self.reserved.discard(s)
            res["view"] = self.add_schema(
                s,
                self.object_schema(
                    self.text.sentence(f"Details of one {s}:", 8),
                    self.rng.randint(3, 7),
                    extra=extra,
                    required=["id"] if index % 3 else None,
                ),
            )

        # Operations, in the order Atlas's spec lists them: list, get, create, update, delete, put, subs.
        def item_path(res: dict[str, Any]) -> str:
            return f"{res['collection']}/{{{res['id_name']}}}"

        standard = [
            {"$ref": "#/components/parameters/envelope"},
            {"$ref": "#/components/parameters/pretty"},
        ]
        paged = [
            {"$ref": "#/components/parameters/includeCount"},
            {"$ref": "#/components/parameters/itemsPerPage"},
            {"$ref": "#/components/parameters/pageNum"},
        ]
        for res in plan[:lists]:
            wrapper = self.add_schema(
                f"Paginated{res['singular']}View",
                {
                    "type": "object",
                    "description": f"List of {res['plural']} returned one page at a time.",
                    "properties": {
                        "links": {
                            "type": "array",
                            "readOnly": True,
                            "description": "List of one or more Uniform Resource Locators (URLs) that point to API sub-resources, related API resources, or both.",
                            "items": self.ref("Link"),
                        },
                        "results": {
                            "type": "array",
                            "readOnly": True,
                            "description": "List of returned documents that MongoDB Cloud provides when completing this request.",
                            "items": self.ref(res["view"]),
                        },
                        "totalCount": {
                            "type": "integer",
                            "format": "int32",
                            "minimum": 0,
                            "readOnly": True,
                            "description": "Total number of documents available. MongoDB Cloud omits this value if `includeCount` is set to `false`.",
                        },
                    },
                },
            )
            self.operation(
                res["collection"],
                "get",
                f"list{res['scope']}{res['plural']}",
                res["tag"],
                f"Return All {spaced(res['plural'])}",
                "list",
                res["params"] + standard + paged,
                ("200", self.ref(wrapper)),
            )
        for res in plan[:items]:
            self.operation(
                item_path(res),
                "get",
                f"get{res['scope']}{res['singular']}",
                res["tag"],
                f"Return One {spaced(res['singular'])}",
                "get",
                res["params"] + [res["item_param"]] + standard,
                ("200", self.ref(res["view"])),
            )
        for res in plan[: counts["post"]]:
            request = self.add_schema(
                f"{res['singular']}Request",
                self.object_schema(
                    f"Request to create one {res['singular']}.",
                    self.rng.randint(2, 6),
                    required=None,
                ),
            )
            res["request"] = request
            self.operation(
                res["collection"],
                "post",
                f"create{res['scope']}{res['singular']}",
                res["tag"],
                f"Create One {spaced(res['singular'])}",
                "create",
                res["params"] + standard,
                ("201", self.ref(res["view"])),
                body=request,
            )
        for res in plan[: counts["patch"]]:
            update = self.add_schema(
                f"{res['singular']}Update",
                self.object_schema(f"Changes to one {res['singular']}.", self.rng.randint(2, 5)),
            )
            res["update"] = update
            self.operation(
                item_path(res),
                "patch",
                f"update{res['scope']}{res['singular']}",
                res["tag"],
                f"Update One {spaced(res['singular'])}",
                "update",
                res["params"] + [res["item_param"]] + standard,
                ("200", self.ref(res["view"])),
                body=update,
            )
        for res in plan[: counts["delete"]]:
            self.operation(
                item_path(res),
                "delete",
                f"delete{res['scope']}{res['singular']}",
                res["tag"],
                f"Remove One {spaced(res['singular'])}",
                "delete",
                res["params"] + [res["item_param"]] + standard,
                ("204", None),
            )
        for res in plan[: counts["put"]]:
            settings = self.add_schema(
                f"{res['singular']}SettingsView",
                self.object_schema(f"Settings of one {res['singular']}.", self.rng.randint(2, 5)),
            )
            self.operation(
                f"{item_path(res)}/settings",
                "put",
                f"set{res['scope']}{res['singular']}Settings",
                res["tag"],
                f"Replace the Settings of One {spaced(res['singular'])}",
                "put",
                res["params"] + [res["item_param"]] + standard,
                ("200", self.ref(settings)),
                body=settings,
            )
        for k in range(subs):
            res = plan[k % len(plan)]
            position = k // len(plan)
            sub = SUBS[position % len(SUBS)] + (
                str(position // len(SUBS) + 1) if position >= len(SUBS) else ""
            )
            download = k % 20 == 7
            if download:
                fmt = "gzip" if (k // 20) % 2 == 0 else "csv"
                self.operation(
                    f"{item_path(res)}/{lower_first(sub)}Export",
                    "get",
                    f"download{res['scope']}{res['singular']}{sub}",
                    res["tag"],
                    f"Download {sub} of One {spaced(res['singular'])}",
                    "sub",
                    res["params"] + [res["item_param"]],
                    (
                        "200",
                        {
                            "type": "string",
                            "format": "binary",
                            "description": f"Compressed {fmt} document.",
                        },
                    ),
                    fmt=fmt,
                )
                continue
            schema_name = self.add_schema(
                f"{res['singular']}{sub}",
                self.object_schema(f"{sub} of one {res['singular']}.", self.rng.randint(2, 6)),
            )
            extra_params = []
            if sub in ("Metrics", "Stats", "Usage"):
                extra_params = [
                    {
                        "name": "granularity",
                        "in": "query",
                        "required": True,
                        "description": "Duration that specifies the interval at which Atlas reports the metrics, in ISO 8601 format.",
                        "schema": {"type": "string", "example": "PT1M"},
                    },
                    {
                        "name": "start",
                        "in": "query",
                        "description": "Date and time when MongoDB Cloud begins reporting the metrics, in ISO 8601 format.",
                        "schema": {"type": "string", "format": "date-time"},
                    },
                    {
                        "name": "end",
                        "in": "query",
                        "description": "Date and time when MongoDB Cloud stops reporting the metrics, in ISO 8601 format.",
                        "schema": {"type": "string", "format": "date-time"},
                    },
                ]
            self.operation(
                f"{item_path(res)}/{lower_first(sub)}",
                "get",
                f"get{res['scope']}{res['singular']}{sub}",
                res["tag"],
                f"Return {sub} of One {spaced(res['singular'])}",
                "sub",
                res["params"] + [res["item_param"]] + standard + extra_params,
                ("200", self.ref(schema_name)),
            )

        # Nested detail objects up to about 2.1 schemas per operation, referenced from the view
        # (and so from request bodies through the view's parts), some chained two deep.
        index = 0
        while len(self.schemas) < target_schemas:
            res = plan[index % len(plan)]
            position = len(res["parts"])
            part = PARTS[position % len(PARTS)] + (
                str(position // len(PARTS) + 1) if position >= len(PARTS) else ""
            )
            name = self.add_schema(
                f"{res['singular']}{part}",
                self.object_schema(f"{part} of one {res['singular']}.", self.rng.randint(2, 6)),
            )
            owner = res["parts"][-1] if res["parts"] and position % 3 == 2 else res["view"]
            holder = self.schemas[owner]["properties"]
            field = lower_first(part)
            if position % 4 == 3:
                holder[field] = {
                    "type": "array",
                    "description": f"List of {part} settings.",
                    "items": self.ref(name),
                }
            else:
                holder[field] = self.ref(name)
            if "request" in res and position % 2 == 0:
                self.schemas[res["request"]]["properties"][field] = self.ref(name)
            res["parts"].append(name)
            index += 1

        return self.document()

    def document(self) -> dict[str, Any]:
        error_example = {
            "detail": "(This is just an example, the exception may not be related to this endpoint)"
        }

        def error(code: int, reason: str, error_code: str, **extra: Any) -> dict[str, Any]:
            return {
                "description": f"{reason}.",
                **extra,
                "content": {
                    "application/json": {
                        "schema": self.ref("ApiError"),
                        "example": {
                            "error": code,
                            **error_example,
                            "reason": reason,
                            "errorCode": error_code,
                        },
                    }
                },
            }

        integer = {"type": "integer"}
        return {
            "openapi": "3.0.1",
            "info": {
                "title": "MongoDB Atlas Administration API",
                "version": "2.0",
                "description": f"A synthetic, Atlas-shaped spec of {self.n} operations for the atlasgen scale benchmark.",
            },
            "servers": [{"url": "https://cloud.mongodb.com"}],
            "security": [{"DigestAuth": []}, {"ServiceAccounts": []}],
            "tags": [
                {"name": name, "description": text} for name, text in sorted(self.tags.items())
            ],
            "paths": dict(sorted(self.paths.items())),
            "components": {
                "securitySchemes": {
                    "DigestAuth": {
                        "type": "http",
                        "scheme": "digest",
                        "description": "Programmatic API keys: HTTP digest authentication.",
                    },
                    "ServiceAccounts": {
                        "type": "oauth2",
                        "description": "OAuth 2.0 client credentials.",
                        "flows": {
                            "clientCredentials": {
                                "tokenUrl": "https://cloud.mongodb.com/api/oauth/token",
                                "scopes": {},
                            }
                        },
                    },
                },
                "parameters": {
                    "groupId": {
                        "name": "groupId",
                        "in": "path",
                        "required": True,
                        "description": "Unique 24-hexadecimal digit string that identifies your project. Use the /groups endpoint to retrieve all projects to which the authenticated user has access.\n\n**NOTE**: Groups and projects are synonymous terms.",
                        "schema": {
                            "type": "string",
                            "pattern": "^([a-f0-9]{24})$",
                            "example": "32b6e34b3d91647abb20e7b8",
                        },
                    },
                    "orgId": {
                        "name": "orgId",
                        "in": "path",
                        "required": True,
                        "description": "Unique 24-hexadecimal digit string that identifies the organization that contains your projects.",
                        "schema": {
                            "type": "string",
                            "pattern": "^([a-f0-9]{24})$",
                            "example": "4888442a3354817a7320eb61",
                        },
                    },
                    "envelope": {
                        "name": "envelope",
                        "in": "query",
                        "description": "Flag that indicates whether Application wraps the response in an `envelope` JSON object.",
                        "schema": {"type": "boolean", "default": False},
                    },
                    "pretty": {
                        "name": "pretty",
                        "in": "query",
                        "description": "Flag that indicates whether the response body should be in the prettyprint format.",
                        "schema": {
                            "type": "boolean",
                            "default": False,
                            "externalDocs": {
                                "description": "Prettyprint",
                                "url": "https://en.wikipedia.org/wiki/Prettyprint",
                            },
                        },
                    },
                    "includeCount": {
                        "name": "includeCount",
                        "in": "query",
                        "description": "Flag that indicates whether the response returns the total number of items (**totalCount**) in the response.",
                        "schema": {"type": "boolean", "default": True},
                    },
                    "itemsPerPage": {
                        "name": "itemsPerPage",
                        "in": "query",
                        "description": "Number of items that the response returns per page.",
                        "schema": {
                            "type": "integer",
                            "format": "int32",
                            "default": 100,
                            "minimum": 1,
                            "maximum": 500,
                        },
                    },
                    "pageNum": {
                        "name": "pageNum",
                        "in": "query",
                        "description": "Number of the page that displays the current set of the total objects that the response returns.",
                        "schema": {
                            "type": "integer",
                            "format": "int32",
                            "default": 1,
                            "minimum": 1,
                        },
                    },
                },
                "responses": {
                    "badRequest": error(400, "Bad Request", "VALIDATION_ERROR"),
                    "unauthorized": error(401, "Unauthorized", "NOT_ORG_GROUP_CREATOR"),
                    "forbidden": error(403, "Forbidden", "CANNOT_CHANGE_GROUP_NAME"),
                    "notFound": error(404, "Not Found", "RESOURCE_NOT_FOUND"),
                    "conflict": error(
                        409, "Conflict", "CANNOT_DELETE_ORG_ACTIVE_LIVE_MIGRATION_ATLAS_ORG_LINK"
                    ),
                    "tooManyRequests": error(
                        429,
                        "Too Many Requests",
                        "RATE_LIMITED",
                        headers={
                            "Retry-After": {
                                "description": "Number of seconds to wait before retrying the request.",
                                "schema": integer,
                            },
                            "RateLimit-Limit": {
                                "description": "Number of requests allowed in the current rate-limit window.",
                                "schema": integer,
                            },
                        },
                    ),
                    "internalServerError": error(500, "Internal Server Error", "UNEXPECTED_ERROR"),
                },
                "schemas": dict(sorted(self.schemas.items())),
            },
        }


def build_spec(
    n: int, seed: str = "atlasgen-scale", schemas_per_operation: float = SCHEMAS_PER_OPERATION
) -> dict[str, Any]:
    """The spec of ``n`` operations as plain data (deterministic for ``n`` and ``seed``).

    ``schemas_per_operation`` sets how many nested detail schemas fill the spec up (the
    realism corpus, ``corpus.py``, adds schemas of its own and asks for fewer).
    """
    if n < 1:
        raise ValueError("n must be at least 1")
    return _Builder(n, seed, schemas_per_operation).build()


def plain_media(spec: dict[str, Any]) -> dict[str, Any]:
    """The same spec with every vendor media type replaced by its plain equivalent.

    For generators that only understand ``application/json``: the newest version's
    content is kept under ``application/json`` (downloads under ``application/octet-stream``).
    """
    result = copy.deepcopy(spec)

    def plain(content: dict[str, Any]) -> dict[str, Any]:
        if not any(key.startswith("application/vnd.atlas.") for key in content):
            return content
        newest = max(content)
        entry = {k: v for k, v in content[newest].items() if k != "x-sunset"}
        return {
            "application/json" if newest.endswith("+json") else "application/octet-stream": entry
        }

    for item in result["paths"].values():
        for op in item.values():
            if "requestBody" in op:
                op["requestBody"]["content"] = plain(op["requestBody"]["content"])
            for response in op["responses"].values():
                if "content" in response:
                    response["content"] = plain(response["content"])
    return result


class _PlainDumper(_Dumper):  # type: ignore[misc, valid-type]
    """No ``&id001`` anchors for shared subtrees: Atlas specs spell everything out."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def dump(spec: dict[str, Any]) -> str:
    return yaml.dump(
        spec,
        Dumper=_PlainDumper,
        sort_keys=False,
        allow_unicode=True,
        width=100,
        default_flow_style=False,
    )


def write_spec(n: int, path: Path, *, plain: bool = False, seed: str = "atlasgen-scale") -> Path:
    spec = build_spec(n, seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dump(plain_media(spec) if plain else spec), encoding="utf-8")
    return path


def stats(spec: dict[str, Any]) -> dict[str, Any]:
    methods: dict[str, int] = {}
    for item in spec["paths"].values():
        for method in item:
            methods[method] = methods.get(method, 0) + 1
    return {
        "operations": sum(methods.values()),
        "methods": methods,
        "paths": len(spec["paths"]),
        "schemas": len(spec["components"]["schemas"]),
        "tags": len(spec["tags"]),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, help="number of operations")
    parser.add_argument("-o", "--output", type=Path, help="file to write (default: stdout)")
    parser.add_argument(
        "--plain-media", action="store_true", help="application/json instead of vendor media types"
    )
    parser.add_argument("--seed", default="atlasgen-scale")
    parser.add_argument("--stats", action="store_true", help="print counts to stderr")
    args = parser.parse_args(argv)
    spec = build_spec(args.n, args.seed)
    if args.stats:
        print(stats(spec), file=sys.stderr)
    emit(dump(plain_media(spec) if args.plain_media else spec), args.output)
    return 0


def emit(text: str, output: Path | None) -> None:
    """``text`` into the file ``output`` (its folder made), or to stdout."""
    if output:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    sys.exit(main())
