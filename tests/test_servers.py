"""The test servers themselves, driven with raw httpx over real sockets.

Other suites trust FakeAtlas and Prism to behave like Atlas; these tests pin that behaviour.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from servers import prism as prism_module
from servers.fake_atlas import (
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    DEFAULT_PRIVATE_KEY,
    DEFAULT_PUBLIC_KEY,
    DEFAULT_STATIC_TOKEN,
    EXAMPLE_GROUP_ID,
    MIB,
    REALM,
    TOKEN_PATH,
    DigestAlgorithm,
    FakeAtlas,
    serve_in_subprocess,
)
from servers.prism import Prism, PrismNotInstalled

SPEC = yaml.safe_load((Path(__file__).parent.parent / "specs" / "atlas-admin.yaml").read_text())
SPEC_ERRORS = {
    example["error"]: example
    for response in SPEC["components"]["responses"].values()
    for example in [response["content"]["application/json"]["example"]]
}
API = f"/api/atlas/v2/groups/{EXAMPLE_GROUP_ID}"
AUDIT_LOG = f"{API}/auditLog"
ACCESS = f"{API}/dbAccessHistory/clusters/Cluster0"
JSON_2024 = {"Accept": "application/vnd.atlas.2024-05-30+json"}
GZIP_2025 = {"Accept": "application/vnd.atlas.2025-02-19+gzip"}
POST_2025 = {
    "Accept": "application/vnd.atlas.2025-03-12+json",
    "Content-Type": "application/vnd.atlas.2025-03-12+json",
}
BEARER = {"Authorization": f"Bearer {DEFAULT_STATIC_TOKEN}"}
START, END = 1636466948, 1636481348

# The seed pages' examples (the same ones the spec carries).
SEED_LOG_INTEGRATION_REQUEST = {
    "bucketName": "my-log-bucket",
    "iamRoleId": "507f1f77bcf86cd799439011",
    "kmsKey": "arn:aws:kms:us-east-1:123456789012:key/12345678-1234-1234-1234-123456789012",
    "logTypes": ["MONGOD", "MONGOS", "MONGOD_AUDIT", "MONGOS_AUDIT"],
    "prefixPath": "mongo-logs/",
}
# What a client sends: the seed's example with the type it leaves out, which Atlas requires
# and which may take one value only.
LOG_INTEGRATION_REQUEST = {"type": "S3_LOG_EXPORT", **SEED_LOG_INTEGRATION_REQUEST}
SEED_LOG_INTEGRATION_RESPONSE = {
    "id": "507f1f77bcf86cd799439011",
    "type": "S3_LOG_EXPORT",
    **SEED_LOG_INTEGRATION_REQUEST,
}
SEED_AUDIT_LOG = {
    "auditAuthorizationSuccess": False,
    "auditFilter": "string",
    "configurationType": "NONE",
    "enabled": False,
}
SEED_ACCESS_LOGS = {
    "accessLogs": [
        {
            "authResult": True,
            "authSource": "string",
            "failureReason": "string",
            "groupId": "string",
            "hostname": "string",
            "ipAddress": "string",
            "logLine": "string",
            "timestamp": "string",
            "username": "string",
        }
    ]
}


@pytest.fixture
def client(fake_atlas: FakeAtlas) -> Iterator[httpx.Client]:
    """Authenticated with the fake's static bearer token."""
    with httpx.Client(base_url=fake_atlas.url, headers=BEARER) as client:
        yield client


def digest_auth() -> httpx.DigestAuth:
    return httpx.DigestAuth(DEFAULT_PUBLIC_KEY, DEFAULT_PRIVATE_KEY)


def digest_header(challenge: str, method: str, uri: str, nc: str) -> str:
    """RFC 7616 credentials computed here, independently of httpx."""
    nonce = re.search(r'nonce="([^"]+)"', challenge)
    assert nonce is not None

    def md5(text: str) -> str:
        return hashlib.md5(text.encode()).hexdigest()

    secret = md5(f"{DEFAULT_PUBLIC_KEY}:{REALM}:{DEFAULT_PRIVATE_KEY}")
    response = md5(f"{secret}:{nonce[1]}:{nc}:c0ffee:auth:{md5(f'{method}:{uri}')}")
    return (
        f'Digest username="{DEFAULT_PUBLIC_KEY}", realm="{REALM}", nonce="{nonce[1]}", '
        f'uri="{uri}", algorithm=MD5, qop=auth, nc={nc}, cnonce="c0ffee", response="{response}"'
    )


def issue_token(
    url: str, secret: str = DEFAULT_CLIENT_SECRET, grant: str = "client_credentials"
) -> httpx.Response:
    return httpx.post(
        url + TOKEN_PATH, auth=(DEFAULT_CLIENT_ID, secret), data={"grant_type": grant}
    )


def assert_api_error(response: httpx.Response, status: int, error_code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    body: dict[str, Any] = response.json()
    assert (body["error"], body["errorCode"]) == (status, error_code)
    return body


# -- authentication ---------------------------------------------------------------------------


@pytest.mark.parametrize("algorithm", ["MD5", "SHA-256"])
def test_digest_round_trip_reuses_the_nonce(algorithm: DigestAlgorithm) -> None:
    with (
        FakeAtlas(digest_algorithm=algorithm) as atlas,
        httpx.Client(base_url=atlas.url, auth=digest_auth()) as client,
    ):
        challenge = httpx.get(atlas.url + AUDIT_LOG, headers=JSON_2024).headers["www-authenticate"]
        responses = [client.get(AUDIT_LOG, headers=JSON_2024) for _ in range(3)]
    assert challenge.startswith(f'Digest realm="{REALM}", ')
    assert f"algorithm={algorithm}," in challenge and 'qop="auth"' in challenge
    assert [r.json() for r in responses] == [SEED_AUDIT_LOG] * 3
    statuses = [(r.status, "authorization" in r.headers) for r in atlas.requests]
    assert statuses == [(401, False), (401, False), (200, True), (200, True), (200, True)]
    assert all(f"algorithm={algorithm}" in r.headers["authorization"] for r in atlas.requests[2:])


def test_digest_with_a_wrong_private_key_is_401(fake_atlas: FakeAtlas) -> None:
    auth = httpx.DigestAuth(DEFAULT_PUBLIC_KEY, "00000000-0000-0000-0000-000000000000")
    response = httpx.get(fake_atlas.url + AUDIT_LOG, headers=JSON_2024, auth=auth)
    body = assert_api_error(response, 401, SPEC_ERRORS[401]["errorCode"])
    assert body["detail"] == "Digest response does not match the private API key."
    assert response.headers["www-authenticate"].startswith("Digest ")


def test_digest_rejects_a_replayed_nonce_count(fake_atlas: FakeAtlas) -> None:
    challenge = httpx.get(fake_atlas.url + AUDIT_LOG).headers["www-authenticate"]
    first = digest_header(challenge, "GET", AUDIT_LOG, "00000001")
    with httpx.Client(base_url=fake_atlas.url, headers=JSON_2024) as client:
        assert client.get(AUDIT_LOG, headers={"Authorization": first}).status_code == 200
        replay = client.get(AUDIT_LOG, headers={"Authorization": first})
        following = digest_header(challenge, "GET", AUDIT_LOG, "00000002")
        assert client.get(AUDIT_LOG, headers={"Authorization": following}).status_code == 200
    assert assert_api_error(replay, 401, "NOT_ORG_GROUP_CREATOR")["detail"] == (
        "Digest nonce count was replayed."
    )


def test_digest_stale_nonce_gets_stale_true_and_httpx_renews_it(fake_atlas: FakeAtlas) -> None:
    challenge = httpx.get(fake_atlas.url + AUDIT_LOG).headers["www-authenticate"]
    assert "stale=false" in challenge
    fake_atlas.expire_nonces()
    stale = httpx.get(
        fake_atlas.url + AUDIT_LOG,
        headers={"Authorization": digest_header(challenge, "GET", AUDIT_LOG, "00000001")},
    )
    assert stale.status_code == 401 and "stale=true" in stale.headers["www-authenticate"]

    with httpx.Client(base_url=fake_atlas.url, auth=digest_auth(), headers=JSON_2024) as client:
        assert client.get(AUDIT_LOG).status_code == 200
        fake_atlas.expire_nonces()
        assert client.get(AUDIT_LOG).status_code == 200
    assert [r.status for r in fake_atlas.requests[2:]] == [401, 200, 401, 200]


def test_oauth_client_credentials_issue_tokens_and_revocation_forces_a_new_one(
    fake_atlas: FakeAtlas,
) -> None:
    issued = issue_token(fake_atlas.url)
    assert issued.status_code == 200
    assert issued.headers["cache-control"] == "no-store"
    token = issued.json()
    assert (token["token_type"], token["expires_in"]) == ("Bearer", 3600)
    bearer = {"Authorization": f"Bearer {token['access_token']}", **JSON_2024}
    assert httpx.get(fake_atlas.url + AUDIT_LOG, headers=bearer).status_code == 200

    fake_atlas.revoke_tokens()
    refused = httpx.get(fake_atlas.url + AUDIT_LOG, headers=bearer)
    assert assert_api_error(refused, 401, "NOT_ORG_GROUP_CREATOR")["detail"] == (
        "Bearer token is unknown or was revoked."
    )
    assert refused.headers["www-authenticate"].startswith("Digest ")

    renewed = {"Authorization": f"Bearer {issue_token(fake_atlas.url).json()['access_token']}"}
    assert (
        httpx.get(fake_atlas.url + AUDIT_LOG, headers={**renewed, **JSON_2024}).status_code == 200
    )
    assert fake_atlas.tokens_issued == 2
    assert fake_atlas.requests[0].body == b"grant_type=client_credentials"


def test_oauth_tokens_expire_after_their_lifetime() -> None:
    now = [0.0]
    with FakeAtlas(token_ttl=60, clock=lambda: now[0]) as atlas:
        token = issue_token(atlas.url).json()
        assert token["expires_in"] == 60
        headers = {"Authorization": f"Bearer {token['access_token']}", **JSON_2024}
        now[0] = 59.0
        assert httpx.get(atlas.url + AUDIT_LOG, headers=headers).status_code == 200
        now[0] = 60.0
        expired = httpx.get(atlas.url + AUDIT_LOG, headers=headers)
    assert assert_api_error(expired, 401, "NOT_ORG_GROUP_CREATOR")["detail"] == (
        "Bearer token has expired."
    )


def test_oauth_refuses_a_bad_client_or_grant(fake_atlas: FakeAtlas) -> None:
    bad_client = issue_token(fake_atlas.url, secret="wrong")
    assert (bad_client.status_code, bad_client.json()["error"]) == (401, "invalid_client")
    assert bad_client.headers["www-authenticate"].startswith("Basic ")
    bad_grant = issue_token(fake_atlas.url, grant="password")
    assert (bad_grant.status_code, bad_grant.json()["error"]) == (400, "unsupported_grant_type")
    assert fake_atlas.tokens_issued == 0


@pytest.mark.parametrize("authorization", [None, "Bearer not-a-token", "Basic YTpi"])
def test_unauthenticated_calls_get_401_with_a_digest_challenge(
    fake_atlas: FakeAtlas, authorization: str | None
) -> None:
    headers = {**JSON_2024, **({"Authorization": authorization} if authorization else {})}
    response = httpx.get(fake_atlas.url + AUDIT_LOG, headers=headers)
    assert_api_error(response, 401, "NOT_ORG_GROUP_CREATOR")
    assert response.headers["www-authenticate"].startswith(f'Digest realm="{REALM}"')


# -- versioning -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "accept",
    [
        "*/*",
        "application/json",
        "application/vnd.atlas.2023-01-01+json",
        "application/vnd.atlas.2024-05-30+gzip",
    ],
)
def test_an_unsupported_version_is_406(client: httpx.Client, accept: str) -> None:
    response = client.get(AUDIT_LOG, headers={"Accept": accept})
    body = assert_api_error(response, 406, "INVALID_VERSION_DATE")
    assert "application/vnd.atlas.2024-05-30+json" in body["detail"]


def test_a_supported_version_anywhere_in_accept_is_served(client: httpx.Client) -> None:
    accept = "application/json;q=0.5, application/vnd.atlas.2024-05-30+json"
    response = client.get(AUDIT_LOG, headers={"Accept": accept})
    assert response.headers["content-type"] == "application/vnd.atlas.2024-05-30+json;charset=utf-8"


@pytest.mark.parametrize("version", ["2023-02-01", "2025-02-19"])
def test_audit_log_downloads_serve_both_gzip_versions_only(
    client: httpx.Client, version: str
) -> None:
    path = f"{API}/streams/tenant1/auditLogs"
    response = client.get(path, headers={"Accept": f"application/vnd.atlas.{version}+gzip"})
    assert response.status_code == 200
    assert response.headers["content-type"] == f"application/vnd.atlas.{version}+gzip"
    json_accept = {"Accept": f"application/vnd.atlas.{version}+json"}
    assert_api_error(client.get(path, headers=json_accept), 406, "INVALID_VERSION_DATE")


def test_post_bodies_must_use_the_versioned_content_type() -> None:
    for strict, status in ((True, 415), (False, 201)):
        with FakeAtlas(strict_content_type=strict) as atlas:
            response = httpx.post(
                atlas.url + f"{API}/logIntegrations",
                json=LOG_INTEGRATION_REQUEST,
                headers={**BEARER, "Accept": POST_2025["Accept"]},
            )
        assert response.status_code == status, response.text
    assert response.json()["bucketName"] == "my-log-bucket"


# -- routes -----------------------------------------------------------------------------------


def test_create_log_integration_answers_the_seed_example_with_a_new_id(
    fake_atlas: FakeAtlas, client: httpx.Client
) -> None:
    response = client.post(
        f"{API}/logIntegrations", json=LOG_INTEGRATION_REQUEST, headers=POST_2025
    )
    assert response.status_code == 201
    assert response.headers["content-type"] == "application/vnd.atlas.2025-03-12+json;charset=utf-8"
    assert response.headers["ratelimit-limit"] == "100"
    assert response.headers["ratelimit-remaining"] == "99"
    body = response.json()
    assert re.fullmatch(r"[a-f0-9]{24}", body["id"])
    assert list(body) == list(SEED_LOG_INTEGRATION_RESPONSE)
    assert {**body, "id": "507f1f77bcf86cd799439011"} == SEED_LOG_INTEGRATION_RESPONSE
    assert fake_atlas.requests[-1].json() == LOG_INTEGRATION_REQUEST


def test_create_log_integration_requires_the_type_the_seed_example_leaves_out(
    client: httpx.Client,
) -> None:
    response = client.post(
        f"{API}/logIntegrations", json=SEED_LOG_INTEGRATION_REQUEST, headers=POST_2025
    )
    error = assert_api_error(response, 400, "INVALID_ATTRIBUTE")
    assert error["badRequestDetail"]["fields"] == [
        {"field": "type", "description": "must be S3_LOG_EXPORT"}
    ]


def test_create_log_integration_reads_a_chunked_request_body(client: httpx.Client) -> None:
    encoded = json.dumps(LOG_INTEGRATION_REQUEST).encode()
    chunks = iter([encoded[:40], encoded[40:]])
    response = client.post(f"{API}/logIntegrations", content=chunks, headers=POST_2025)
    assert response.status_code == 201
    assert response.json()["kmsKey"] == SEED_LOG_INTEGRATION_REQUEST["kmsKey"]


@pytest.mark.parametrize(
    ("change", "error_code", "field"),
    [
        ({"bucketName": None}, "VALIDATION_ERROR", "bucketName"),
        ({"prefixPath": None}, "VALIDATION_ERROR", "prefixPath"),
        ({"iamRoleId": "507F1F77BCF86CD799439011"}, "VALIDATION_ERROR", "iamRoleId"),
        ({"logTypes": []}, "VALIDATION_ERROR", "logTypes"),
        ({"logTypes": ["MONGOD"] * 5}, "VALIDATION_ERROR", "logTypes"),
        ({"logTypes": ["MONGOD", "SYSLOG"]}, "VALIDATION_ERROR", "logTypes"),
        ({"type": "DATADOG"}, "VALIDATION_ERROR", "type"),
        ({"kmsKey": 7}, "VALIDATION_ERROR", "kmsKey"),
        ({"id": "507f1f77bcf86cd799439011"}, "INVALID_ATTRIBUTE", "id"),
        ({"configurationType": "NONE"}, "INVALID_ATTRIBUTE", "configurationType"),
    ],
)
def test_create_log_integration_rejects_invalid_bodies(
    client: httpx.Client, change: dict[str, Any], error_code: str, field: str
) -> None:
    body = {**LOG_INTEGRATION_REQUEST, **change}
    body = {name: value for name, value in body.items() if value is not None}
    response = client.post(f"{API}/logIntegrations", json=body, headers=POST_2025)
    error = assert_api_error(response, 400, error_code)
    assert [f["field"] for f in error["badRequestDetail"]["fields"]] == [field]


def test_create_log_integration_rejects_a_body_that_is_not_a_json_object(
    client: httpx.Client,
) -> None:
    for content in (b"{not json", b"[]"):
        response = client.post(f"{API}/logIntegrations", content=content, headers=POST_2025)
        assert_api_error(response, 400, "VALIDATION_ERROR")


def test_audit_log_config_honours_pretty_and_envelope(
    fake_atlas: FakeAtlas, client: httpx.Client
) -> None:
    plain = client.get(AUDIT_LOG, headers=JSON_2024)
    assert plain.json() == SEED_AUDIT_LOG and "\n" not in plain.text
    pretty = client.get(AUDIT_LOG, params={"pretty": "true"}, headers=JSON_2024)
    assert pretty.json() == SEED_AUDIT_LOG and '\n  "enabled": false' in pretty.text
    wrapped = client.get(AUDIT_LOG, params={"envelope": "true"}, headers=JSON_2024)
    assert (wrapped.status_code, wrapped.json()) == (
        200,
        {"status": 200, "content": SEED_AUDIT_LOG},
    )

    fake_atlas.fail(404, AUDIT_LOG)
    failure = client.get(AUDIT_LOG, params={"envelope": "true"}, headers=JSON_2024)
    assert (failure.status_code, failure.json()) == (
        200,
        {"status": 404, "content": SPEC_ERRORS[404]},
    )
    bad_flag = client.get(AUDIT_LOG, params={"pretty": "yes"}, headers=JSON_2024)
    assert assert_api_error(bad_flag, 400, "VALIDATION_ERROR")["detail"] == (
        "pretty must be true or false"
    )


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"nLogs": "0"},
        {"nLogs": "20000", "authResult": "false"},
        {"start": "1636466948000", "end": "1636481348000"},
        {"ipAddress": "192.168.10.1"},
    ],
)
def test_access_history_answers_the_seed_example(
    client: httpx.Client, query: dict[str, str]
) -> None:
    response = client.get(ACCESS, params=query, headers=JSON_2024)
    assert response.status_code == 200, response.text
    assert response.json() == SEED_ACCESS_LOGS


@pytest.mark.parametrize(
    ("path", "query", "field"),
    [
        (ACCESS, {"nLogs": "-1"}, "nLogs"),
        (ACCESS, {"nLogs": "20001"}, "nLogs"),
        (ACCESS, {"nLogs": "many"}, "nLogs"),
        (ACCESS, {"start": "1636466948000"}, "start"),
        (ACCESS, {"end": "1636481348000"}, "end"),
        (ACCESS, {"authResult": "maybe"}, "authResult"),
        (ACCESS, {"ipAddress": "999.1.1.1"}, "ipAddress"),
        (f"{API}/dbAccessHistory/clusters/-Cluster0", {}, "clusterName"),
    ],
)
def test_access_history_validates_its_parameters(
    client: httpx.Client, path: str, query: dict[str, str], field: str
) -> None:
    response = client.get(path, params=query, headers=JSON_2024)
    error = assert_api_error(response, 400, "VALIDATION_ERROR")
    assert [f["field"] for f in error["badRequestDetail"]["fields"]] == [field]


@pytest.mark.parametrize(
    ("method", "suffix", "headers"),
    [
        ("POST", "logIntegrations", POST_2025),
        ("GET", "streams/tenant1/auditLogs", GZIP_2025),
        ("GET", "auditLog", JSON_2024),
        ("GET", "dbAccessHistory/clusters/Cluster0", JSON_2024),
    ],
)
@pytest.mark.parametrize(
    "group_id", ["32B6E34B3D91647ABB20E7B8", "32b6e34b3d91647abb20e7b", "my-project"]
)
def test_every_route_validates_the_group_id(
    client: httpx.Client, method: str, suffix: str, headers: dict[str, str], group_id: str
) -> None:
    response = client.request(
        method,
        f"/api/atlas/v2/groups/{group_id}/{suffix}",
        headers=headers,
        json=SEED_LOG_INTEGRATION_REQUEST if method == "POST" else None,
    )
    error = assert_api_error(response, 400, "VALIDATION_ERROR")
    assert error["badRequestDetail"]["fields"][0]["field"] == "groupId"


def test_unknown_routes_and_methods_are_404(client: httpx.Client) -> None:
    assert_api_error(client.get(f"{API}/clusters", headers=JSON_2024), 404, "RESOURCE_NOT_FOUND")
    assert_api_error(client.delete(AUDIT_LOG, headers=JSON_2024), 404, "RESOURCE_NOT_FOUND")


# -- audit log downloads ----------------------------------------------------------------------


def test_big_audit_log_is_a_chunked_gzip_of_json_lines(
    fake_atlas: FakeAtlas, client: httpx.Client
) -> None:
    params = {"startDate": START, "endDate": END}
    path = f"{API}/streams/big/auditLogs"
    with client.stream("GET", path, params=params, headers=GZIP_2025) as response:
        assert response.headers["transfer-encoding"] == "chunked"
        assert "content-length" not in response.headers
        body = response.read()
    assert len(body) > 2 * MIB
    payload = gzip.decompress(body)  # checks the CRC-32 and length trailer too
    assert payload == fake_atlas.audit_log_payload("big", START, END)
    lines = payload.splitlines()
    seqs = [int(seq) for seq in re.findall(rb'^\{"seq":(\d+),', payload, re.MULTILINE)]
    assert seqs == list(range(len(lines)))
    # Events past seq 4095 repeat earlier ones but for seq: parsing 5000 covers every kind.
    events = [json.loads(line) for line in lines[:5000]]
    stamps = {int(event["ts"]["$date"]["$numberLong"]) for event in events}
    assert START * 1000 <= min(stamps) and max(stamps) <= END * 1000
    assert {event["tenant"] for event in events} == {"big"}
    assert fake_atlas.requests[-1].query == {"startDate": str(START), "endDate": str(END)}


def test_audit_log_size_is_configurable_per_tenant() -> None:
    with (
        FakeAtlas(audit_log_size=1000, audit_log_sizes={"tiny": 10}) as atlas,
        httpx.Client(base_url=atlas.url, headers={**BEARER, **GZIP_2025}) as client,
    ):
        tiny = gzip.decompress(client.get(f"{API}/streams/tiny/auditLogs").content)
        other = gzip.decompress(client.get(f"{API}/streams/other/auditLogs").content)
    assert tiny.count(b"\n") == 1
    assert 1000 <= len(other) < 1000 + len(other.splitlines()[-1]) + 1


def test_audit_log_download_validates_its_dates(client: httpx.Client) -> None:
    path = f"{API}/streams/tenant1/auditLogs"
    for params in ({"startDate": END, "endDate": START}, {"startDate": "yesterday"}):
        assert_api_error(
            client.get(path, params=params, headers=GZIP_2025), 400, "VALIDATION_ERROR"
        )


def test_large_downloads_are_generated_incrementally() -> None:
    size = 64 * MIB
    with (
        FakeAtlas(audit_log_sizes={"huge": size}, audit_log_compresslevel=0) as atlas,
        httpx.Client(base_url=atlas.url, headers={**BEARER, **GZIP_2025}) as client,
    ):
        tracemalloc.start()
        try:
            with client.stream("GET", f"{API}/streams/huge/auditLogs") as response:
                received = sum(len(chunk) for chunk in response.iter_raw())
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert received > size
    assert peak < 16 * MIB


# -- scripted faults --------------------------------------------------------------------------


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 429, 500, 503])
def test_a_scripted_status_answers_once_with_the_spec_example(
    fake_atlas: FakeAtlas, client: httpx.Client, status: int
) -> None:
    fake_atlas.fail(status, AUDIT_LOG)
    failed = client.get(AUDIT_LOG, headers=JSON_2024)
    expected = SPEC_ERRORS.get(status, {"errorCode": "SERVICE_UNAVAILABLE"})
    body = assert_api_error(failed, status, expected["errorCode"])
    if status in SPEC_ERRORS:
        assert body == SPEC_ERRORS[status]
    assert failed.headers.get("www-authenticate", "").startswith("Digest ") == (status == 401)
    assert client.get(AUDIT_LOG, headers=JSON_2024).status_code == 200
    assert fake_atlas.pending_faults == 0


def test_429_carries_retry_after_and_rate_limit_headers(
    fake_atlas: FakeAtlas, client: httpx.Client
) -> None:
    fake_atlas.fail(429, ACCESS)
    fake_atlas.fail(429, ACCESS, retry_after=7)
    headers = [client.get(ACCESS, headers=JSON_2024).headers for _ in range(2)]
    assert [h["retry-after"] for h in headers] == ["1", "7"]
    assert {(h["ratelimit-limit"], h["ratelimit-remaining"]) for h in headers} == {("100", "0")}


def test_503_then_success(fake_atlas: FakeAtlas, client: httpx.Client) -> None:
    fake_atlas.fail(503, times=2, retry_after=0)
    statuses = [client.get(AUDIT_LOG, headers=JSON_2024).status_code for _ in range(3)]
    assert statuses == [503, 503, 200]


def test_faults_match_their_path_and_are_consumed_in_order(
    fake_atlas: FakeAtlas, client: httpx.Client
) -> None:
    fake_atlas.fail(500, ACCESS)
    fake_atlas.fail(503, re.compile(r"/auditLog$"))
    fake_atlas.fail(409)
    assert issue_token(fake_atlas.url).status_code == 200  # None never hits the token endpoint
    calls = [(AUDIT_LOG, 503), (ACCESS, 500), (ACCESS, 409), (ACCESS, 200), (AUDIT_LOG, 200)]
    assert [client.get(path, headers=JSON_2024).status_code for path, _ in calls] == [
        status for _, status in calls
    ]


def test_the_token_endpoint_fails_only_when_named(fake_atlas: FakeAtlas) -> None:
    fake_atlas.fail(500, TOKEN_PATH)
    assert issue_token(fake_atlas.url).status_code == 500
    assert issue_token(fake_atlas.url).status_code == 200


def test_a_dropped_download_is_an_error_in_the_client(
    fake_atlas: FakeAtlas, client: httpx.Client
) -> None:
    fake_atlas.drop(after_bytes=100_000)
    received = 0
    with (
        pytest.raises(httpx.RemoteProtocolError, match="incomplete chunked read"),
        client.stream("GET", f"{API}/streams/big/auditLogs", headers=GZIP_2025) as response,
    ):
        assert response.status_code == 200
        for chunk in response.iter_raw():
            received += len(chunk)
    assert received == 100_000
    assert client.get(AUDIT_LOG, headers=JSON_2024).status_code == 200


def test_a_dropped_json_response_is_an_error_in_the_client(
    fake_atlas: FakeAtlas, client: httpx.Client
) -> None:
    fake_atlas.drop(AUDIT_LOG, after_bytes=10)
    with pytest.raises(httpx.RemoteProtocolError, match=r"received 10 bytes, expected 101"):
        client.get(AUDIT_LOG, headers=JSON_2024)


def test_a_slow_response_trips_the_client_timeout(
    fake_atlas: FakeAtlas, client: httpx.Client
) -> None:
    fake_atlas.delay(30, AUDIT_LOG)
    with pytest.raises(httpx.ReadTimeout):
        client.get(AUDIT_LOG, headers=JSON_2024, timeout=httpx.Timeout(10, read=0.2))
    assert client.get(AUDIT_LOG, headers=JSON_2024).status_code == 200


def test_latency_holds_every_response(fake_atlas: FakeAtlas, client: httpx.Client) -> None:
    fake_atlas.latency = 30  # the benchmark's distant server (--latency-ms)
    with pytest.raises(httpx.ReadTimeout):
        client.get(ACCESS, headers=JSON_2024, timeout=httpx.Timeout(10, read=0.2))
    with pytest.raises(httpx.ReadTimeout):
        client.get(AUDIT_LOG, headers=JSON_2024, timeout=httpx.Timeout(10, read=0.2))
    fake_atlas.latency = 0
    assert client.get(ACCESS, headers=JSON_2024).status_code == 200


# -- scale and processes ----------------------------------------------------------------------


def test_a_thousand_requests_share_one_keep_alive_connection(
    fake_atlas: FakeAtlas, client: httpx.Client
) -> None:
    ports = set()
    for _ in range(1200):
        response = client.get(ACCESS, headers=JSON_2024)
        assert response.status_code == 200
        ports.add(response.extensions["network_stream"].get_extra_info("client_addr")[1])
    assert len(ports) == 1
    assert len(fake_atlas.requests) == 1200


def test_the_session_subprocess_server_answers(fake_atlas_process: str) -> None:
    with httpx.Client(base_url=fake_atlas_process, auth=digest_auth()) as client:
        assert client.get(AUDIT_LOG, headers=JSON_2024).json() == SEED_AUDIT_LOG
        download = client.get(f"{API}/streams/tenant1/auditLogs", headers=GZIP_2025)
    assert gzip.decompress(download.content).startswith(b'{"seq":0,')


def test_the_subprocess_takes_its_knobs_from_the_command_line() -> None:
    args = ("--digest-algorithm", "SHA-256", "--tenant-size", "tiny=10", "--static-token", "t0k")
    with serve_in_subprocess(*args) as url:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", url)
        challenge = httpx.get(url + AUDIT_LOG).headers["www-authenticate"]
        download = httpx.get(
            url + f"{API}/streams/tiny/auditLogs",
            headers={"Authorization": "Bearer t0k", **GZIP_2025},
        )
    assert "algorithm=SHA-256" in challenge
    assert gzip.decompress(download.content).count(b"\n") == 1


# -- Prism ------------------------------------------------------------------------------------


def test_prism_serves_a_valid_request_with_its_versioned_media_type(prism: Prism) -> None:
    response = httpx.get(prism.url + AUDIT_LOG, headers={**BEARER, **JSON_2024})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/vnd.atlas.2024-05-30+json"
    assert response.json() == SEED_AUDIT_LOG


def test_prism_rejects_invalid_requests(prism: Prism) -> None:
    bad_group = httpx.get(
        prism.url + "/api/atlas/v2/groups/my-project/auditLog", headers={**BEARER, **JSON_2024}
    )
    assert bad_group.status_code == 422
    assert bad_group.headers["content-type"] == "application/problem+json"
    bad_body = httpx.post(
        prism.url + f"{API}/logIntegrations",
        json={**SEED_LOG_INTEGRATION_REQUEST, "logTypes": []},
        headers={**BEARER, **POST_2025},
    )
    assert (bad_body.status_code, bad_body.json()) == (400, SPEC_ERRORS[400])
    wrong_version = httpx.get(
        prism.url + AUDIT_LOG,
        headers={**BEARER, "Accept": "application/vnd.atlas.2023-01-01+json"},
    )
    assert wrong_version.status_code == 406


def test_prism_limitations_documented_in_its_module(prism: Prism) -> None:
    download = httpx.get(
        prism.url + f"{API}/streams/tenant1/auditLogs", headers={**BEARER, **GZIP_2025}
    )
    assert (download.status_code, download.content) == (200, b"string")  # not gzip
    any_accept = httpx.get(prism.url + AUDIT_LOG, headers={**BEARER, "Accept": "*/*"})
    assert any_accept.status_code == 200  # Atlas says 406
    with httpx.Client(base_url=prism.url, auth=digest_auth()) as client:
        assert client.get(AUDIT_LOG, headers=JSON_2024).status_code == 401  # digest never passes


def test_prism_fails_loudly_when_not_installed(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(prism_module, "PRISM_BIN", tmp_path / "prism")
    with pytest.raises(PrismNotInstalled, match=re.escape("cd tests/servers && npm ci")):
        Prism().start()
