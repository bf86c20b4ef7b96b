"""A fake MongoDB Atlas Administration API v2 that speaks real HTTP/1.1 on 127.0.0.1.

Why a hand-written fake: the generated client and CLI must be proven over real sockets (digest
handshakes, OAuth tokens, keep-alive, chunked gzip downloads, dropped connections) against
behaviour each test can script. API versions, examples, ApiError bodies and parameter rules are
read from specs/atlas-admin.yaml, so the fake moves with the spec.

In-process:   ``with FakeAtlas() as atlas: httpx.get(atlas.url + ...)``
Own process:  ``python -m tests.servers.fake_atlas --port 0`` (first stdout line: its URL)
"""

from __future__ import annotations

import argparse
import base64
import binascii
import contextlib
import hashlib
import hmac
import json
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from functools import cache, reduce
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from socketserver import TCPServer
from types import TracebackType
from typing import Any, Literal
from urllib.parse import parse_qsl, unquote, urlsplit

import yaml
from typing_extensions import Self

ROOT = Path(__file__).resolve().parents[2]
SPEC_PATH = ROOT / "specs" / "atlas-admin.yaml"
TOKEN_PATH = "/api/oauth/token"
REALM = "MMS Public API"
DEFAULT_PUBLIC_KEY = "abcdefgh"
DEFAULT_PRIVATE_KEY = "11111111-2222-3333-4444-555555555555"
DEFAULT_CLIENT_ID = "mdb_sa_id_fake"
DEFAULT_CLIENT_SECRET = "mdb_sa_sk_fake"
DEFAULT_STATIC_TOKEN = "fake-atlas-static-token"
EXAMPLE_GROUP_ID = "32b6e34b3d91647abb20e7b8"
MIB = 1 << 20

DigestAlgorithm = Literal["MD5", "SHA-256"]
PathMatcher = str | re.Pattern[str] | None
"""Which requests a fault hits: an exact path, a regex searched in the path, or None for any
API path (the OAuth token endpoint is only hit when named)."""

_MEDIA_TYPE = re.compile(r"application/vnd\.atlas\.(\d{4}-\d{2}-\d{2}|preview)\+(json|gzip|csv)")
_DIGEST_PARAM = re.compile(r'(\w+)\s*=\s*(?:"([^"]*)"|([^\s,]+))')
_HASHES: dict[str, Callable[[bytes], Any]] = {"MD5": hashlib.md5, "SHA-256": hashlib.sha256}
_UUID_STEP = 0x9E3779B97F4A7C15F39CC0605CEDC835
_UUID_MASK = (1 << 128) - 1
_AUDIT_POOL = 4096


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the fake received it, and the status it answered with."""

    method: str
    path: str
    """As sent (percent-encoded), without the query."""
    query: dict[str, str]
    headers: dict[str, str]
    """Names lower-cased."""
    body: bytes
    status: int
    query_items: tuple[tuple[str, str], ...] = ()
    """Every query item in order: a repeated name (an array) once per value."""

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass(frozen=True)
class _Request:
    method: str
    target: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes
    query_items: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class _Response:
    status: int
    headers: Mapping[str, str]
    body: bytes | Iterator[bytes]
    """Bytes go out with Content-Length, an iterator with chunked Transfer-Encoding."""
    delay: float = 0.0
    drop_after: int | None = None
    drip: _DripFault | None = None


@dataclass(frozen=True)
class _StatusFault:
    status: int
    retry_after: int | None
    body: Mapping[str, Any] | None


@dataclass(frozen=True)
class _DropFault:
    after_bytes: int


@dataclass(frozen=True)
class _DelayFault:
    seconds: float


@dataclass(frozen=True)
class _DripFault:
    interval: float
    piece: int


@dataclass(frozen=True)
class _RawFault:
    status: int
    headers: Mapping[str, str]
    body: bytes | Callable[[], Iterator[bytes]]


_Fault = _StatusFault | _DropFault | _DelayFault | _DripFault | _RawFault


class _ApiFailure(Exception):
    """An error answer, raised from deep inside request handling."""

    def __init__(
        self, status: int, body: Mapping[str, Any], headers: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(status, body.get("detail"))
        self.status = status
        self.body = body
        self.headers = dict(headers or {})


def _api_error(
    status: int, error_code: str, detail: str, fields: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """An ApiError body shaped like the spec's schema."""
    body: dict[str, Any] = {
        "error": status,
        "reason": HTTPStatus(status).phrase,
        "errorCode": error_code,
        "detail": detail,
        "parameters": [],
    }
    if fields:
        body["badRequestDetail"] = {
            "fields": [{"field": name, "description": why} for name, why in fields.items()]
        }
    return body


def _validation_failure(violations: Mapping[str, str]) -> _ApiFailure:
    detail = "; ".join(f"{name} {why}" for name, why in violations.items())
    return _ApiFailure(400, _api_error(400, "VALIDATION_ERROR", detail, violations))


def _json(
    status: int,
    body: Any,
    *,
    pretty: bool = False,
    envelope: bool = False,
    headers: Mapping[str, str] | None = None,
) -> _Response:
    """A JSON answer (plain application/json unless headers name a versioned type); with
    envelope=true Atlas answers 200 and puts the status in the body."""
    if envelope:
        status, body = 200, {"status": status, "content": body}
    text = json.dumps(body, indent=2) if pretty else json.dumps(body, separators=(",", ":"))
    return _Response(status, {"Content-Type": "application/json", **(headers or {})}, text.encode())


def _style(request: _Request) -> tuple[bool, bool]:
    """The pretty and envelope flags, read leniently: strict checks happen with the parameters."""
    return (
        request.query.get("pretty", "").lower() == "true",
        request.query.get("envelope", "").lower() == "true",
    )


# ---------------------------------------------------------------------------------------------
# What the spec says


@dataclass(frozen=True)
class _Operation:
    operation_id: str
    method: str
    route: re.Pattern[str]
    success: int
    media: frozenset[tuple[str, str]]
    """(version, "json" | "gzip") pairs the operation serves."""
    body_schemas: Mapping[str, Mapping[str, Any]]
    """The request body schema of each version its Content-Type may name; empty when it
    takes no body."""
    parameters: tuple[Mapping[str, Any], ...]
    example: Any
    """The first JSON example of the success response."""
    csv_example: str | None = None

    @property
    def envelope_by_default(self) -> bool:
        """Whether its ``envelope`` parameter defaults to true (Performance Advisor lists)."""
        return any(
            p["name"] == "envelope" and p.get("schema", {}).get("default") is True
            for p in self.parameters
        )

    @property
    def paginated(self) -> bool:
        """The Atlas list convention: pageNum and itemsPerPage, a body with results and
        totalCount."""
        names = {parameter["name"] for parameter in self.parameters}
        return (
            {"pageNum", "itemsPerPage"} <= names
            and isinstance(self.example, dict)
            and {"results", "totalCount"} <= set(self.example)
        )


@dataclass(frozen=True)
class _Spec:
    operations: tuple[_Operation, ...]
    errors: Mapping[int, Mapping[str, Any]]
    """The ApiError example of every error response the spec lists, by status."""


@cache
def _load_spec(path: Path) -> _Spec:
    """Read what the fake needs from the spec, once per process."""
    document = yaml.safe_load(path.read_text(encoding="utf-8"))

    def resolve(node: Mapping[str, Any]) -> Mapping[str, Any]:
        while "$ref" in node:
            node = reduce(lambda parent, key: parent[key], node["$ref"][2:].split("/"), document)
        return node

    operations = []
    for template, item in document["paths"].items():
        route = re.compile(re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(template)))
        for method, operation in item.items():
            success = min(int(code) for code in operation["responses"] if code.startswith("2"))
            content = resolve(operation["responses"][str(success)]).get("content", {})
            body = resolve(operation.get("requestBody", {})).get("content", {})
            operations.append(
                _Operation(
                    operation_id=operation["operationId"],
                    method=method.upper(),
                    route=route,
                    success=success,
                    media=frozenset(
                        (m.group(1), m.group(2)) for m in map(_MEDIA_TYPE.fullmatch, content) if m
                    ),
                    body_schemas={
                        m.group(1): resolve(entry["schema"])
                        for m, entry in zip(map(_MEDIA_TYPE.fullmatch, body), body.values())
                        if m
                    },
                    parameters=tuple(resolve(p) for p in operation.get("parameters", [])),
                    example=next(
                        (
                            e["example"]
                            for m, e in content.items()
                            if "example" in e and not m.endswith("+csv")
                        ),
                        None,
                    ),
                    csv_example=next(
                        (e["example"] for m, e in content.items() if m.endswith("+csv")), None
                    ),
                )
            )
    errors = {
        entry["example"]["error"]: entry["example"]
        for response in document["components"]["responses"].values()
        for entry in response.get("content", {}).values()
        if "example" in entry
    }
    return _Spec(tuple(operations), errors)


def _schema_violation(schema: Mapping[str, Any], value: Any) -> str | None:
    """Why value breaks schema (the JSON Schema subset this spec uses), or None."""
    kind = schema.get("type")
    if kind == "string":
        if not isinstance(value, str):
            return "must be a string"
        if "pattern" in schema and not re.search(schema["pattern"], value):
            return f"must match pattern {schema['pattern']}"
    elif kind == "integer":
        if isinstance(value, bool) or not isinstance(value, int):
            return "must be an integer"
        if value < schema.get("minimum", value) or value > schema.get("maximum", value):
            return f"must be between {schema.get('minimum')} and {schema.get('maximum')}"
    elif kind == "boolean":
        if not isinstance(value, bool):
            return "must be true or false"
    elif kind == "array":
        if not isinstance(value, list):
            return "must be an array"
        if not schema.get("minItems", 0) <= len(value) <= schema.get("maxItems", len(value)):
            return f"must have {schema.get('minItems', 0)} to {schema.get('maxItems')} items"
        for item in value:
            if problem := _schema_violation(schema.get("items", {}), item):
                return f"item {item!r} {problem}"
    if "enum" in schema and value not in schema["enum"]:
        return f"must be one of {', '.join(map(str, schema['enum']))}"
    return None


def _typed(raw: str, schema: Mapping[str, Any]) -> Any:
    """A path or query string as the type its schema names; left as is when it isn't one."""
    if schema.get("type") == "integer" and re.fullmatch(r"-?\d+", raw):
        return int(raw)
    if schema.get("type") == "boolean":
        return {"true": True, "false": False}.get(raw.lower(), raw)
    return raw


def _parameter_violations(
    operation: _Operation, path_values: Mapping[str, str], request: _Request
) -> dict[str, str]:
    """Path and query parameters that break their schema or their x-requires partners; an
    array is the query's items of its name (``?eventType=A&eventType=B``)."""
    violations = {}
    query = request.query
    for parameter in operation.parameters:
        name, schema = parameter["name"], parameter["schema"]
        if parameter["in"] == "header":
            continue
        raw = path_values.get(name) if parameter["in"] == "path" else query.get(name)
        if raw is None:
            continue
        if schema.get("type") == "array":
            items = [
                _typed(v, schema.get("items", {})) for k, v in request.query_items if k == name
            ]
            problem = _schema_violation(schema, items)
        else:
            problem = _schema_violation(schema, _typed(raw, schema))
        missing = [other for other in parameter.get("x-requires", []) if other not in query]
        if problem is None and missing:
            problem = f"requires {', '.join(missing)} as well"
        if problem:
            violations[name] = problem
    return violations


# ---------------------------------------------------------------------------------------------
# Audit log downloads


_AUDIT_EVENTS = tuple(
    (atype, json.dumps(param, separators=(",", ":")))
    for atype, param in (
        ("authenticate", {"user": "app", "db": "admin", "mechanism": "SCRAM-SHA-256"}),
        (
            "authCheck",
            {
                "command": "find",
                "ns": "sales.orders",
                "args": {"find": "orders", "filter": {"status": "A"}, "limit": 50, "$db": "sales"},
            },
        ),
        ("createCollection", {"ns": "sales.orders_archive"}),
        (
            "createIndex",
            {
                "ns": "sales.orders",
                "indexName": "status_1_createdAt_-1",
                "indexSpec": {"v": 2, "key": {"status": 1, "createdAt": -1}},
            },
        ),
        ("dropCollection", {"ns": "sales.tmp_import"}),
    )
)


def _audit_event_tail(name: str, index: int, start_ms: int, span_ms: int) -> str:
    """One audit event after its "seq" field; the uuid is an odd-constant multiple, cheap to
    make and as incompressible as random hex."""
    atype, param = _AUDIT_EVENTS[index % len(_AUDIT_EVENTS)]
    return (
        f'"atype":"{atype}","ts":{{"$date":{{"$numberLong":"{start_ms + index * 1000 % span_ms}"}}}},'
        f'"tenant":{name},"uuid":"{(index + 1) * _UUID_STEP & _UUID_MASK:032x}",'
        f'"local":{{"ip":"10.8.0.5","port":27017}},'
        f'"remote":{{"ip":"10.8.{index >> 8 & 255}.{index & 255}","port":{40000 + index % 20000}}},'
        f'"users":[{{"user":"{("app", "etl", "reporting", "admin")[index % 4]}","db":"admin"}}],'
        f'"roles":[{{"role":"readWriteAnyDatabase","db":"admin"}}],"param":{param},"result":0}}\n'
    )


def audit_log_lines(tenant: str, start_date: int, end_date: int, size: int) -> Iterator[bytes]:
    """JSON-lines audit events in ~64 KiB batches: the fewest whole lines of at least size bytes.

    Deterministic in its arguments, so a test can rebuild the exact payload; "seq" numbers the
    lines 0, 1, 2, ... so a reader can prove nothing was lost or repeated. The rest of each event
    cycles through a pool of 4096 (further apart than deflate's 32 KiB window, so compression
    stays realistic), which lets a benchmark stream a GiB at several hundred MiB/s.
    """
    name = json.dumps(tenant)
    span_ms = max(1, (end_date - start_date) * 1000)
    pool = [_audit_event_tail(name, i, start_date * 1000, span_ms) for i in range(_AUDIT_POOL)]
    produced = seq = 0
    while produced < size:
        text = "".join([f'{{"seq":{n},{pool[n % _AUDIT_POOL]}' for n in range(seq, seq + 160)])
        seq += 160
        if produced + len(text) >= size:
            text = text[: text.index("\n", size - produced - 1) + 1]
        produced += len(text)
        yield text.encode("ascii")


def _gzip(batches: Iterable[bytes], level: int) -> Iterator[bytes]:
    """One gzip member, compressed as it goes: memory stays flat whatever the size."""
    compressor = zlib.compressobj(level, zlib.DEFLATED, 31)
    for batch in batches:
        if output := compressor.compress(batch):
            yield output
    yield compressor.flush()


# ---------------------------------------------------------------------------------------------
# The fake


@dataclass(frozen=True)
class _Call:
    request: _Request
    operation: _Operation
    path_values: dict[str, str]
    version: str


class FakeAtlas:
    """A scriptable Atlas Admin API on 127.0.0.1; a context manager that starts and stops it.

    Public attributes are the constructor's knobs and may be changed while it runs.
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        public_key: str = DEFAULT_PUBLIC_KEY,
        private_key: str = DEFAULT_PRIVATE_KEY,
        digest_algorithm: DigestAlgorithm = "MD5",
        nonce_ttl: float = 300.0,
        client_id: str = DEFAULT_CLIENT_ID,
        client_secret: str = DEFAULT_CLIENT_SECRET,
        token_ttl: int = 3600,
        static_token: str | None = DEFAULT_STATIC_TOKEN,
        strict_content_type: bool = True,
        audit_log_size: int = 64 * 1024,
        audit_log_sizes: Mapping[str, int] | None = None,
        audit_log_compresslevel: int = 1,
        rate_limit: int = 100,
        list_size: int = 25,
        response_headers: Mapping[str, str] | None = None,
        latency: float = 0.0,
        spec_path: Path = SPEC_PATH,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.host = host
        self.port = port
        self.public_key = public_key
        self.private_key = private_key
        self.digest_algorithm: DigestAlgorithm = digest_algorithm
        self.nonce_ttl = nonce_ttl
        self.client_id = client_id
        self.client_secret = client_secret
        self.token_ttl = token_ttl
        self.static_token = static_token
        self.strict_content_type = strict_content_type
        self.audit_log_size = audit_log_size
        self.audit_log_sizes = dict(
            {"big": 32 * MIB} if audit_log_sizes is None else audit_log_sizes
        )
        self.audit_log_compresslevel = audit_log_compresslevel
        self.rate_limit = rate_limit
        self.rate_limit_remaining = rate_limit - 1
        self.list_size = list_size
        self.response_headers = dict(response_headers or {})
        #: Seconds every response waits before it is sent, as one from a distant server does.
        self.latency = latency
        self.clock = clock
        self._spec = _load_spec(spec_path)
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._requests: list[RecordedRequest] = []
        self._faults: list[tuple[PathMatcher, _Fault]] = []
        self._answers: list[tuple[str, str, int, Any]] = []
        self._arrivals: list[tuple[str, str]] = []
        self._nonces: dict[str, float] = {}
        self._nonce_counts: set[tuple[str, str]] = set()
        self._tokens: dict[str, float] = {}
        self._tokens_issued = 0
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ------------------------------------------------------------------------------

    def start(self) -> Self:
        """Bind and serve in a background thread (once per instance)."""
        self._server = _Server(self, self.host, self.port)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, end open keep-alive connections and join every handler thread."""
        if self._server is None or self._thread is None:
            return
        self._stopping.set()
        self._server.shutdown()
        self._server.hang_up_all()
        self._server.server_close()
        self._thread.join()
        self._server = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """Base URL, e.g. http://127.0.0.1:38123 (no trailing slash)."""
        if self._server is None:
            raise RuntimeError("FakeAtlas is not running: use it as a context manager")
        return f"http://{self.host}:{self._server.server_address[1]}"

    # -- what tests read ------------------------------------------------------------------------

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request so far (token requests and 401 challenges included), in order."""
        with self._lock:
            return list(self._requests)

    @property
    def tokens_issued(self) -> int:
        with self._lock:
            return self._tokens_issued

    @property
    def arrivals(self) -> list[tuple[str, str]]:
        """(method, path) of every request as it arrived, before any scripted delay: unlike
        :attr:`requests`, it counts a request whose client gave up waiting."""
        with self._lock:
            return list(self._arrivals)

    @property
    def pending_faults(self) -> int:
        """Scripted faults not consumed yet."""
        with self._lock:
            return len(self._faults)

    def audit_log_payload(self, tenant: str, start_date: int, end_date: int) -> bytes:
        """The exact uncompressed body a download for these arguments carries."""
        size = self.audit_log_sizes.get(tenant, self.audit_log_size)
        return b"".join(audit_log_lines(tenant, start_date, end_date, size))

    # -- what tests script ----------------------------------------------------------------------

    def revoke_tokens(self) -> None:
        """Invalidate every OAuth token issued so far: their next API call gets 401."""
        with self._lock:
            self._tokens.clear()

    def expire_nonces(self) -> None:
        """Make every digest nonce stale: the next digest call gets 401 with stale=true."""
        with self._lock:
            self._nonces.clear()

    def fail(
        self,
        status: int,
        path: PathMatcher = None,
        *,
        times: int = 1,
        retry_after: int | None = None,
        body: Mapping[str, Any] | None = None,
    ) -> None:
        """Answer the next `times` matching requests with status and the spec's ApiError example.

        429 also carries Retry-After (default 1), RateLimit-Limit and RateLimit-Remaining: 0;
        401 a fresh Digest challenge. Statuses the spec lacks (503) get a generic ApiError.
        """
        self._script(path, _StatusFault(status, retry_after, body), times)

    def answer_with(self, operation_id: str, example: Any) -> None:
        """Answer ``operation_id`` with ``example`` from now on instead of the spec's (a newer
        or looser server's response)."""
        self._spec = replace(
            self._spec,
            operations=tuple(
                replace(o, example=example) if o.operation_id == operation_id else o
                for o in self._spec.operations
            ),
        )

    def answer(
        self, method: str, path: str, status: int, body: Any = None, *, times: int = 1
    ) -> None:
        """Answer the next `times` `method` requests on exactly `path` with status and body (the
        spec's ApiError example for an error without one): a resource whose state moves on, as
        a watcher's polls see it."""
        with self._lock:
            self._answers.extend([(method.upper(), path, status, body)] * times)

    def _take_answer(self, request: _Request) -> _ApiFailure | None:
        with self._lock:
            for index, (method, path, status, body) in enumerate(self._answers):
                if method == request.method and path == request.path:
                    del self._answers[index]
                    error = self._spec.errors.get(status) if status >= 400 else None
                    return _ApiFailure(status, body if body is not None else error or {})
        return None

    def drop(
        self, path: PathMatcher = None, *, after_bytes: int = 64 * 1024, times: int = 1
    ) -> None:
        """Send the next matching response's head and at most after_bytes of its body (never all
        of it), then close the socket."""
        self._script(path, _DropFault(after_bytes), times)

    def delay(self, seconds: float, path: PathMatcher = None, *, times: int = 1) -> None:
        """Hold the next matching response for seconds before its status line."""
        self._script(path, _DelayFault(seconds), times)

    def drip(
        self, interval: float, path: PathMatcher = None, *, piece: int = 1, times: int = 1
    ) -> None:
        """Send the next matching response's body `piece` bytes at a time, `interval` seconds
        apart (its head at once): a server that never stalls long enough for a read timeout."""
        self._script(path, _DripFault(interval, piece), times)

    def respond(
        self,
        status: int,
        body: bytes | Callable[[], Iterator[bytes]],
        path: PathMatcher = None,
        *,
        headers: Mapping[str, str] | None = None,
        times: int = 1,
    ) -> None:
        """Answer the next matching request with exactly this: a body that is not JSON, a huge
        one (a function returning an iterator of chunks, sent chunked), a gzip with
        Content-Encoding, hostile text. No Content-Type unless given."""
        self._script(path, _RawFault(status, dict(headers or {}), body), times)

    def _script(self, path: PathMatcher, fault: _Fault, times: int) -> None:
        with self._lock:
            self._faults.extend([(path, fault)] * times)

    def _take_fault(self, path: str) -> _Fault | None:
        with self._lock:
            for index, (matcher, fault) in enumerate(self._faults):
                if (
                    (matcher is None and path != TOKEN_PATH)
                    or (isinstance(matcher, str) and matcher == path)
                    or (isinstance(matcher, re.Pattern) and matcher.search(path))
                ):
                    del self._faults[index]
                    return fault
        return None

    def _record(self, request: _Request, status: int) -> None:
        entry = RecordedRequest(
            request.method,
            request.path,
            request.query,
            request.headers,
            request.body,
            status,
            request.query_items,
        )
        with self._lock:
            self._requests.append(entry)

    # -- the pipeline ---------------------------------------------------------------------------

    def _respond(self, request: _Request) -> _Response:
        """OAuth or authentication, then scripted faults, routing, negotiation and validation."""
        token_call = request.path == TOKEN_PATH and request.method == "POST"
        if not token_call and (denial := self._authenticate(request)) is not None:
            return denial
        fault = self._take_fault(request.path)
        if isinstance(fault, _RawFault):
            body = fault.body if isinstance(fault.body, bytes) else fault.body()
            return _Response(fault.status, fault.headers, body)
        try:
            if isinstance(fault, _StatusFault):
                raise self._scripted_failure(fault)
            if (scripted := self._take_answer(request)) is not None:
                raise scripted
            response = self._issue_token(request) if token_call else self._route(request)
        except _ApiFailure as failure:
            pretty, envelope = _style(request)
            response = _json(
                failure.status,
                failure.body,
                pretty=pretty,
                envelope=envelope,
                headers=failure.headers,
            )
        if self.response_headers and not token_call:
            response = replace(response, headers={**response.headers, **self.response_headers})
        if isinstance(fault, _DelayFault):
            response = replace(response, delay=fault.seconds)
        if isinstance(fault, _DropFault):
            response = replace(response, drop_after=fault.after_bytes)
        if isinstance(fault, _DripFault):
            response = replace(response, drip=fault)
        return response

    def _scripted_failure(self, fault: _StatusFault) -> _ApiFailure:
        body = (
            fault.body
            or self._spec.errors.get(fault.status)
            or _api_error(
                fault.status, HTTPStatus(fault.status).name, "(fake Atlas) scripted failure"
            )
        )
        headers = {}
        if fault.status == 429:
            headers["RateLimit-Limit"] = str(self.rate_limit)
            headers["RateLimit-Remaining"] = "0"
        if fault.status == 429 or fault.retry_after is not None:
            headers["Retry-After"] = str(1 if fault.retry_after is None else fault.retry_after)
        if fault.status == 401:
            headers["WWW-Authenticate"] = self._challenge(stale=False)
        return _ApiFailure(fault.status, body, headers)

    def _success_headers(self, content_type: str) -> dict[str, str]:
        return {
            "Content-Type": content_type,
            "RateLimit-Limit": str(self.rate_limit),
            "RateLimit-Remaining": str(self.rate_limit_remaining),
        }

    # -- authentication -------------------------------------------------------------------------

    def _authenticate(self, request: _Request) -> _Response | None:
        """None when the request may proceed, else the 401 with a Digest challenge."""
        scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() == "digest":
            denial = self._digest_denial(request.method, request.target, credentials)
        elif scheme.lower() == "bearer":
            denial = self._bearer_denial(credentials.strip())
        else:
            denial = ("Authenticate with HTTP Digest (API key) or a Bearer token.", False)
        if denial is None:
            return None
        detail, stale = denial
        # Never enveloped: a client must see the 401 itself to answer the challenge.
        return _json(
            401,
            {**self._spec.errors[401], "detail": detail},
            headers={"WWW-Authenticate": self._challenge(stale)},
        )

    def _challenge(self, stale: bool) -> str:
        nonce = secrets.token_hex(16)
        with self._lock:
            self._nonces[nonce] = self.clock()
        return (
            f'Digest realm="{REALM}", domain="", nonce="{nonce}", '
            f'algorithm={self.digest_algorithm}, qop="auth", stale={str(stale).lower()}'
        )

    def _digest_denial(self, method: str, target: str, credentials: str) -> tuple[str, bool] | None:
        """Why RFC 7616 Digest credentials fail (and whether only the nonce is stale), or None."""
        params = {
            m.group(1).lower(): m.group(2) if m.group(2) is not None else m.group(3)
            for m in _DIGEST_PARAM.finditer(credentials)
        }
        wanted = ("username", "realm", "nonce", "uri", "response", "qop", "nc", "cnonce")
        if missing := [name for name in wanted if name not in params]:
            return f"Digest credentials lack {', '.join(missing)}.", False
        algorithm = params.get("algorithm", "MD5")
        if algorithm.upper() != self.digest_algorithm:
            return (
                f"Digest algorithm {algorithm} was not offered ({self.digest_algorithm} was).",
                False,
            )
        if params["qop"] != "auth" or params["realm"] != REALM or params["uri"] != target:
            return "Digest qop, realm or uri does not match the challenge and request.", False
        if params["username"] != self.public_key:
            return f"Unknown public API key {params['username']}.", False

        def digest(text: str) -> str:
            return str(_HASHES[self.digest_algorithm](text.encode()).hexdigest())

        secret = digest(f"{self.public_key}:{REALM}:{self.private_key}")
        nonce, count = params["nonce"], params["nc"]
        expected = digest(
            f"{secret}:{nonce}:{count}:{params['cnonce']}:auth:{digest(f'{method}:{target}')}"
        )
        if not hmac.compare_digest(expected, params["response"].lower()):
            return "Digest response does not match the private API key.", False
        with self._lock:
            issued = self._nonces.get(nonce)
            if issued is None or self.clock() - issued > self.nonce_ttl:
                return "Digest nonce is stale.", True
            if (nonce, count) in self._nonce_counts:
                return "Digest nonce count was replayed.", False
            self._nonce_counts.add((nonce, count))
        return None

    def _bearer_denial(self, token: str) -> tuple[str, bool] | None:
        if self.static_token is not None and hmac.compare_digest(token, self.static_token):
            return None
        with self._lock:
            expires = self._tokens.get(token)
        if expires is None:
            return "Bearer token is unknown or was revoked.", False
        if self.clock() >= expires:
            return "Bearer token has expired.", False
        return None

    def _issue_token(self, request: _Request) -> _Response:
        """OAuth 2.0 client credentials (RFC 6749 section 4.4) with HTTP Basic client auth."""
        scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
        try:
            client = base64.b64decode(encoded, validate=True).decode().split(":", 1)
        except (binascii.Error, UnicodeDecodeError):
            client = []
        if scheme.lower() != "basic" or client != [self.client_id, self.client_secret]:
            return _json(
                401,
                {"error": "invalid_client", "error_description": "Unknown client or bad secret."},
                headers={"WWW-Authenticate": f'Basic realm="{REALM}"'},
            )
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        form = dict(parse_qsl(request.body.decode("latin-1")))
        if (
            content_type != "application/x-www-form-urlencoded"
            or form.get("grant_type") != "client_credentials"
        ):
            return _json(
                400,
                {
                    "error": "unsupported_grant_type",
                    "error_description": "Send grant_type=client_credentials as a form.",
                },
            )
        token = secrets.token_urlsafe(32)
        with self._lock:
            self._tokens[token] = self.clock() + self.token_ttl
            self._tokens_issued += 1
        return _json(
            200,
            {"access_token": token, "token_type": "Bearer", "expires_in": self.token_ttl},
            headers={"Cache-Control": "no-store", "Pragma": "no-cache"},
        )

    # -- routes ---------------------------------------------------------------------------------

    def _route(self, request: _Request) -> _Response:
        for operation in self._spec.operations:
            match = operation.route.fullmatch(request.path)
            if match and operation.method == request.method:
                break
        else:
            raise _ApiFailure(
                404, _api_error(404, "RESOURCE_NOT_FOUND", f"Cannot find resource {request.path}.")
            )
        version = self._negotiate(operation, request.headers.get("accept", ""))
        if operation.body_schemas:
            self._check_content_type(operation, request.headers.get("content-type", ""))
        path_values = {name: unquote(value) for name, value in match.groupdict().items()}
        if violations := _parameter_violations(operation, path_values, request):
            raise _validation_failure(violations)
        if operation.operation_id == "downloadGroupStreamAuditLogs":
            handler = self._download_audit_logs
        elif operation.body_schemas:
            handler = self._create
        else:
            handler = self._serve_page if operation.paginated else self._serve_example
        return handler(_Call(request, operation, path_values, version))

    def _negotiate(self, operation: _Operation, accept: str) -> str:
        """The version an Accept header names that the operation serves, else 406."""
        for item in accept.split(","):
            match = _MEDIA_TYPE.fullmatch(item.split(";")[0].strip().lower())
            if match and match.group(1, 2) in operation.media:
                return match.group(1)
        served = ", ".join(sorted(f"application/vnd.atlas.{v}+{s}" for v, s in operation.media))
        detail = f"Invalid accept header or version date. {operation.operation_id} serves {served}."
        raise _ApiFailure(406, _api_error(406, "INVALID_VERSION_DATE", detail))

    def _check_content_type(self, operation: _Operation, content_type: str) -> None:
        media = content_type.split(";")[0].strip().lower()
        match = _MEDIA_TYPE.fullmatch(media)
        if match and match.group(2) == "json" and match.group(1) in operation.body_schemas:
            return
        if media == "application/json" and not self.strict_content_type:
            return
        wanted = ", ".join(
            f"application/vnd.atlas.{v}+json" for v in sorted(operation.body_schemas)
        )
        detail = f"Content-Type {content_type or '(none)'} is not supported; send {wanted}."
        raise _ApiFailure(415, _api_error(415, "UNSUPPORTED_MEDIA_TYPE", detail))

    def _success_json(self, call: _Call, body: Any, *, envelope: bool | None = None) -> _Response:
        pretty, asked = _style(call.request)
        return _json(
            call.operation.success,
            body,
            pretty=pretty,
            envelope=asked if envelope is None else envelope,
            headers=self._success_headers(
                f"application/vnd.atlas.{call.version}+json;charset=utf-8"
            ),
        )

    def _serve_example(self, call: _Call) -> _Response:
        """The spec's example. An operation whose ``envelope`` defaults to true (its example
        is the envelope, as its schema) answers with the content alone on envelope=false."""
        csv = f"application/vnd.atlas.{call.version}+csv"
        if call.operation.csv_example is not None and csv in call.request.headers.get("accept", ""):
            return _Response(
                call.operation.success,
                self._success_headers(csv),
                call.operation.csv_example.encode(),
            )
        example = call.operation.example
        if not call.operation.envelope_by_default:
            return self._success_json(call, example)
        if call.request.query.get("envelope", "true").lower() == "false":
            example = example["content"]
        return self._success_json(call, example, envelope=False)

    def _serve_page(self, call: _Call) -> _Response:
        """One page of ``list_size`` items made from the example's first one, each with its
        own ``id`` (the item's index, 24 hex digits); ``totalCount`` unless
        ``includeCount=false``, as Atlas pages."""
        query = call.request.query
        page_num = int(query.get("pageNum", 1))
        per_page = int(query.get("itemsPerPage", 100))
        template = (call.operation.example["results"] or [{}])[0]
        first = (page_num - 1) * per_page
        items = [
            {**template, "id": f"{index:024x}"}
            for index in range(first, min(first + per_page, self.list_size))
        ]
        body: dict[str, Any] = {"links": [], "results": items}
        if query.get("includeCount", "true").lower() != "false":
            body["totalCount"] = self.list_size
        return self._success_json(call, body)

    def _create(self, call: _Call) -> _Response:
        """Validate the body against its schema and echo it back with defaults and a new id.

        As Atlas does, a property that may take one value only (``type: S3_LOG_EXPORT``) must
        be sent: its absence is an INVALID_ATTRIBUTE error, not a default.
        """
        try:
            body = json.loads(call.request.body)
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise _validation_failure({"body": "must be a JSON object"})
        sent = _MEDIA_TYPE.fullmatch(call.request.headers.get("content-type", "").split(";")[0])
        schemas = call.operation.body_schemas
        schema = schemas[sent.group(1)] if sent else next(iter(schemas.values()))
        properties: Mapping[str, Any] = schema.get("properties", {})
        if unknown := [n for n in body if n not in properties or properties[n].get("readOnly")]:
            raise _ApiFailure(
                400,
                _api_error(
                    400,
                    "INVALID_ATTRIBUTE",
                    f"Invalid attribute {', '.join(unknown)} specified.",
                    {name: "is read-only or unknown" for name in unknown},
                ),
            )
        if constants := [
            (name, p["enum"][0])
            for name, p in properties.items()
            if len(p.get("enum", ())) == 1 and name not in body
        ]:
            raise _ApiFailure(
                400,
                _api_error(
                    400,
                    "INVALID_ATTRIBUTE",
                    "; ".join(f"Invalid attribute {n}: must be {v}." for n, v in constants),
                    {name: f"must be {value}" for name, value in constants},
                ),
            )
        violations = {
            name: "is required" for name in schema.get("required", []) if name not in body
        }
        for name, value in body.items():
            if problem := _schema_violation(properties[name], value):
                violations[name] = problem
        if violations:
            raise _validation_failure(violations)
        defaults = {n: p["default"] for n, p in properties.items() if "default" in p}
        return self._success_json(call, {"id": secrets.token_hex(12), **defaults, **body})

    def _download_audit_logs(self, call: _Call) -> _Response:
        """A gzip of JSON-lines events, generated and sent in chunks (envelope can't wrap it)."""
        query = call.request.query
        end = int(query.get("endDate", int(time.time())))
        start = int(query.get("startDate", end - 30 * 86400))
        if start > end:
            raise _validation_failure({"startDate": "must not be after endDate"})
        tenant = call.path_values["tenantName"]
        size = self.audit_log_sizes.get(tenant, self.audit_log_size)
        return _Response(
            call.operation.success,
            self._success_headers(f"application/vnd.atlas.{call.version}+gzip"),
            _gzip(audit_log_lines(tenant, start, end, size), self.audit_log_compresslevel),
        )


# ---------------------------------------------------------------------------------------------
# HTTP plumbing


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # benchmarks open many connections at once

    def __init__(self, fake: FakeAtlas, host: str, port: int) -> None:
        self.fake = fake
        self.connections: set[Any] = set()
        self.connections_lock = threading.Lock()
        super().__init__((host, port), _Handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind looks the host's FQDN up in DNS, which a loopback fake never needs.
        TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name, self.server_port = str(host), int(port)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self.connections_lock:
            self.connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self.connections_lock:
            self.connections.discard(request)
        super().shutdown_request(request)

    def hang_up_all(self) -> None:
        """Unblock handler threads parked on idle keep-alive connections so close can join them."""
        with self.connections_lock:
            connections = list(self.connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):
            return  # clients hang up on purpose in timeout tests, and on dropped downloads
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # head and body are separate writes; Nagle would stall each
    server: _Server

    def do_GET(self) -> None:
        self._serve()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_GET

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: FakeAtlas.requests is the log."""

    def _serve(self) -> None:
        split = urlsplit(self.path)
        request = _Request(
            method=self.command,
            target=self.path,
            path=split.path,
            query=dict(parse_qsl(split.query, keep_blank_values=True)),
            headers={name.lower(): value for name, value in self.headers.items()},
            body=self._read_body(),
            query_items=tuple(parse_qsl(split.query, keep_blank_values=True)),
        )
        fake = self.server.fake
        with fake._lock:
            fake._arrivals.append((request.method, request.path))
        response = fake._respond(request)
        if response.delay or fake.latency:
            fake._stopping.wait(response.delay + fake.latency)
        fake._record(request, response.status)
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        if isinstance(response.body, bytes):
            self.send_header("Content-Length", str(len(response.body)))
            self.end_headers()
            if response.drip is not None:
                self._drip(response.body, response.drip)
            elif response.drop_after is None:
                self.wfile.write(response.body)
            else:
                self.wfile.write(response.body[: min(response.drop_after, len(response.body) - 1)])
                self._hang_up()
        else:
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            body = response.body
            if response.drip is not None:
                drip, whole = response.drip, b"".join(body)
                body = (whole[i : i + drip.piece] for i in range(0, len(whole), drip.piece))
                body = self._paced(body, drip.interval)
            self._write_chunks(body, response.drop_after)

    def _paced(self, pieces: Iterator[bytes], interval: float) -> Iterator[bytes]:
        for piece in pieces:
            if self.server.fake._stopping.wait(interval):
                return
            yield piece

    def _drip(self, body: bytes, drip: _DripFault) -> None:
        pieces = (body[i : i + drip.piece] for i in range(0, len(body), drip.piece))
        for piece in self._paced(pieces, drip.interval):
            self.wfile.write(piece)
            self.wfile.flush()

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() != "chunked":
            return self.rfile.read(int(self.headers.get("Content-Length") or 0))
        parts = []
        while size := int(self.rfile.readline().split(b";")[0], 16):
            parts.append(self.rfile.read(size))
            self.rfile.readline()
        while self.rfile.readline() not in (b"\r\n", b"\n", b""):
            pass  # trailer fields
        return b"".join(parts)

    def _write_chunks(self, chunks: Iterator[bytes], drop_after: int | None) -> None:
        sent = 0
        for chunk in chunks:
            if not chunk:
                continue  # a zero-size chunk would end the body early
            if drop_after is not None and sent + len(chunk) > drop_after:
                self.wfile.write(b"%x\r\n%s" % (len(chunk), chunk[: drop_after - sent]))
                self._hang_up()
                return
            self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            sent += len(chunk)
        if drop_after is not None:
            self._hang_up()  # the whole body fitted: still never send the last chunk
            return
        self.wfile.write(b"0\r\n\r\n")

    def _hang_up(self) -> None:
        self.close_connection = True
        self.connection.shutdown(socket.SHUT_RDWR)


# ---------------------------------------------------------------------------------------------
# Own process


@contextlib.contextmanager
def serve_in_subprocess(*args: str) -> Iterator[str]:
    """Run ``python -m tests.servers.fake_atlas --port 0 *args``; yield its URL, then stop it."""
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.servers.fake_atlas", "--port", "0", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    try:
        url = process.stdout.readline().strip()
        if not url:
            raise RuntimeError(f"fake Atlas exited with {process.wait()} before printing its URL")
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stdout.close()


def _tenant_size(text: str) -> tuple[str, int]:
    tenant, _, size = text.rpartition("=")
    if not tenant or not size.isdigit():
        raise argparse.ArgumentTypeError(f"expected TENANT=BYTES, got {text!r}")
    return tenant, int(size)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m tests.servers.fake_atlas",
        description="Serve the fake Atlas Admin API until SIGTERM or Ctrl-C; print its URL first.",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--digest-algorithm", choices=sorted(_HASHES), default="MD5")
    parser.add_argument("--token-ttl", type=int, default=3600, help="OAuth token lifetime (s)")
    parser.add_argument("--static-token", default=DEFAULT_STATIC_TOKEN)
    parser.add_argument("--audit-log-size", type=int, default=64 * 1024, help="bytes, any tenant")
    parser.add_argument(
        "--tenant-size",
        type=_tenant_size,
        action="append",
        default=[("big", 32 * MIB)],
        metavar="TENANT=BYTES",
        help="audit log size of one tenant (uncompressed); repeatable",
    )
    parser.add_argument("--compresslevel", type=int, default=1, choices=range(10))
    parser.add_argument("--list-size", type=int, default=25, help="items of a paginated list")
    parser.add_argument(
        "--latency-ms", type=float, default=0.0, help="wait before every response, milliseconds"
    )
    parser.add_argument("--spec", type=Path, default=SPEC_PATH, help="the spec to serve")
    args = parser.parse_args(argv)
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    with FakeAtlas(
        host=args.host,
        port=args.port,
        digest_algorithm=args.digest_algorithm,
        token_ttl=args.token_ttl,
        static_token=args.static_token,
        audit_log_size=args.audit_log_size,
        audit_log_sizes=dict(args.tenant_size),
        audit_log_compresslevel=args.compresslevel,
        list_size=args.list_size,
        latency=args.latency_ms / 1000,
        spec_path=args.spec,
    ) as atlas:
        print(atlas.url, flush=True)
        stop.wait()


if __name__ == "__main__":
    main()


def api_requests(fake: FakeAtlas) -> list[RecordedRequest]:
    """The API requests the fake answered (token calls and digest challenges left out)."""
    return [
        r
        for r in fake.requests
        if r.path.startswith("/api/atlas/")
        and not (r.status == 401 and "authorization" not in r.headers)
    ]
