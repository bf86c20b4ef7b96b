"""The client against a server that misbehaves: slow, huge, dripping, re-encoding. Nothing a
server sends makes a write happen twice, fills memory, outlives the call's deadline, or
changes the bytes of a download; and the credentials never show."""

from __future__ import annotations

import asyncio
import copy
import gzip
import logging
import os
import pickle
import re
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from servers.fake_atlas import (
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    DEFAULT_PRIVATE_KEY,
    DEFAULT_PUBLIC_KEY,
    DEFAULT_STATIC_TOKEN,
    TOKEN_PATH,
    FakeAtlas,
)
from test_operations import END, GROUP, LOG_INTEGRATION, START

LOG_INTEGRATIONS = f"/api/atlas/v2/groups/{GROUP}/logIntegrations"
AUDIT_LOG = f"/api/atlas/v2/groups/{GROUP}/auditLog"
JSON_HEADERS = {"Content-Type": "application/vnd.atlas.2024-05-30+json"}
MIB = 1 << 20


def client(aa: ModuleType, fake: FakeAtlas, **options: Any) -> Any:
    """A client with a bearer token: one arrival per attempt (no digest challenge first)."""
    return aa.Client(base_url=fake.url, auth=aa.BearerTokenAuth(DEFAULT_STATIC_TOKEN), **options)


# ----------------------------------------------------------------------------- retries
def test_a_post_whose_response_times_out_is_sent_once(
    aa: ModuleType, fake_atlas: FakeAtlas
) -> None:
    fake_atlas.delay(3, LOG_INTEGRATIONS, times=3)
    with (
        client(aa, fake_atlas, timeout=0.5, max_retries=2) as atlas,
        pytest.raises(aa.APITimeoutError),
    ):
        atlas.push_based_log_export.create_group_log_integration(
            group_id=GROUP, body=LOG_INTEGRATION
        )
    assert fake_atlas.arrivals.count(("POST", LOG_INTEGRATIONS)) == 1


def test_a_post_the_caller_calls_idempotent_is_retried(
    aa: ModuleType, fake_atlas: FakeAtlas
) -> None:
    fake_atlas.delay(3, LOG_INTEGRATIONS, times=1)
    with client(aa, fake_atlas, timeout=0.5, max_retries=2) as atlas:
        created = atlas.push_based_log_export.create_group_log_integration(
            group_id=GROUP, body=LOG_INTEGRATION, idempotent=True
        )
    assert len(created.id) == 24
    assert fake_atlas.arrivals.count(("POST", LOG_INTEGRATIONS)) == 2


def test_a_post_is_retried_after_429_and_503(aa: ModuleType, fake_atlas: FakeAtlas) -> None:
    """The server says it did nothing: resending cannot duplicate anything."""
    fake_atlas.fail(429, LOG_INTEGRATIONS, retry_after=0)
    fake_atlas.fail(503, LOG_INTEGRATIONS, retry_after=0)
    with client(aa, fake_atlas, max_retries=2) as atlas:
        atlas.push_based_log_export.create_group_log_integration(
            group_id=GROUP, body=LOG_INTEGRATION
        )
    assert fake_atlas.arrivals.count(("POST", LOG_INTEGRATIONS)) == 3


def test_a_post_answered_500_is_not_resent(aa: ModuleType, fake_atlas: FakeAtlas) -> None:
    fake_atlas.fail(500, LOG_INTEGRATIONS, times=3)
    with client(aa, fake_atlas, max_retries=2) as atlas, pytest.raises(aa.InternalServerError):
        atlas.push_based_log_export.create_group_log_integration(
            group_id=GROUP, body=LOG_INTEGRATION
        )
    assert fake_atlas.arrivals.count(("POST", LOG_INTEGRATIONS)) == 1


# ----------------------------------------------------------------------------- size cap
class Counted:
    """A body of ``total`` bytes of JSON made on demand; ``sent`` says how much was made."""

    def __init__(self, total: int) -> None:
        self.total, self.sent = total, 0

    def __call__(self) -> Iterator[bytes]:
        yield b'{"auditFilter": "'
        piece = b"x" * MIB
        while self.sent < self.total:
            self.sent += len(piece)
            yield piece
        yield b'"}'


def test_a_json_body_over_the_cap_is_refused_while_it_arrives(
    aa: ModuleType, fake_atlas: FakeAtlas
) -> None:
    body = Counted(1024 * MIB)
    fake_atlas.respond(200, body, AUDIT_LOG, headers=JSON_HEADERS)
    with (
        client(aa, fake_atlas, max_response_bytes=2 * MIB) as atlas,
        pytest.raises(aa.ResponseTooLargeError, match="max_response_bytes=2097152") as error,
    ):
        atlas.auditing.get_group_audit_log(group_id=GROUP)
    assert error.value.limit == 2 * MIB
    assert body.sent < 64 * MIB  # the client hung up: the server never made the rest


def test_an_error_body_over_the_cap_is_refused_too(aa: ModuleType, fake_atlas: FakeAtlas) -> None:
    body = Counted(1024 * MIB)
    fake_atlas.respond(500, body, AUDIT_LOG, headers=JSON_HEADERS, times=3)
    with (
        client(aa, fake_atlas, max_response_bytes=MIB) as atlas,
        pytest.raises(aa.ResponseTooLargeError),
    ):
        atlas.auditing.get_group_audit_log(group_id=GROUP)
    assert body.sent < 64 * MIB


def test_a_declared_length_over_the_cap_is_refused_before_reading(
    aa: ModuleType, fake_atlas: FakeAtlas
) -> None:
    fake_atlas.respond(
        200, b'{"auditFilter": "' + b"x" * 2048 + b'"}', AUDIT_LOG, headers=JSON_HEADERS
    )
    with (
        client(aa, fake_atlas, max_response_bytes=1024) as atlas,
        pytest.raises(aa.ResponseTooLargeError),
    ):
        atlas.auditing.get_group_audit_log(group_id=GROUP)


def test_the_cap_is_64_mib_by_default(aa: ModuleType, fake_atlas: FakeAtlas) -> None:
    with client(aa, fake_atlas) as atlas:
        assert atlas.max_response_bytes == 64 * MIB


# ----------------------------------------------------------------------------- deadline
def test_a_dripping_body_cannot_outlive_the_deadline(aa: ModuleType, fake_atlas: FakeAtlas) -> None:
    """Each byte comes well within the read timeout, the whole body never within the call's."""
    fake_atlas.drip(0.3, AUDIT_LOG, piece=1)
    with (
        client(aa, fake_atlas, timeout=1.0, max_retries=0) as atlas,
        pytest.raises(aa.APITimeoutError, match="deadline"),
    ):
        atlas.auditing.get_group_audit_log(group_id=GROUP)


def test_a_dripping_body_cannot_outlive_the_deadline_async(
    aa: ModuleType, fake_atlas: FakeAtlas
) -> None:
    fake_atlas.drip(0.3, AUDIT_LOG, piece=1)

    async def call() -> None:
        async with aa.AsyncClient(
            base_url=fake_atlas.url,
            auth=aa.BearerTokenAuth(DEFAULT_STATIC_TOKEN),
            timeout=1.0,
            max_retries=0,
        ) as atlas:
            await atlas.auditing.get_group_audit_log(group_id=GROUP)

    with pytest.raises(aa.APITimeoutError, match="deadline"):
        asyncio.run(call())


def test_a_slow_but_whole_answer_within_the_deadline_is_fine(
    aa: ModuleType, fake_atlas: FakeAtlas
) -> None:
    fake_atlas.drip(0.01, AUDIT_LOG, piece=16)
    with client(aa, fake_atlas, timeout=30.0) as atlas:
        assert atlas.auditing.get_group_audit_log(group_id=GROUP).enabled is False


# ----------------------------------------------------------------------------- downloads
def test_a_gzip_content_encoded_download_is_written_as_sent(
    aa: ModuleType, fake_atlas: FakeAtlas, tmp_path: Path
) -> None:
    sent = gzip.compress(b'{"event": "x"}\n' * 10_000)
    fake_atlas.respond(
        200,
        sent,
        re.compile("/auditLogs$"),
        headers={
            "Content-Type": "application/vnd.atlas.2023-02-01+gzip",
            "Content-Encoding": "gzip",
        },
    )
    target = tmp_path / "audit.gz"
    with (
        client(aa, fake_atlas) as atlas,
        atlas.streams.download_audit_logs(
            group_id=GROUP, tenant_name="t", start_date=START, end_date=END
        ) as download,
    ):
        download.write_to_file(target)
    assert target.read_bytes() == sent


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_a_downloaded_file_follows_the_umask(
    aa: ModuleType, fake_atlas: FakeAtlas, tmp_path: Path, umask: int, mode: int
) -> None:
    target = tmp_path / "audit.gz"
    previous = os.umask(umask)
    try:
        with client(aa, fake_atlas) as atlas:
            atlas.streams.download_audit_logs(
                group_id=GROUP, tenant_name="t", start_date=START, end_date=END
            ).write_to_file(target)
    finally:
        os.umask(previous)
    assert target.stat().st_mode & 0o777 == mode


def test_a_download_over_an_existing_file_keeps_its_mode(
    aa: ModuleType, fake_atlas: FakeAtlas, tmp_path: Path
) -> None:
    target = tmp_path / "audit.gz"
    target.write_bytes(b"old")
    target.chmod(0o640)
    with client(aa, fake_atlas) as atlas:
        atlas.streams.download_audit_logs(
            group_id=GROUP, tenant_name="t", start_date=START, end_date=END
        ).write_to_file(target)
    assert target.stat().st_mode & 0o777 == 0o640 and target.read_bytes() != b"old"


@pytest.mark.parametrize("where", ["missing-folder", "a-directory"])
def test_an_unwritable_target_is_named_as_given(
    aa: ModuleType, fake_atlas: FakeAtlas, tmp_path: Path, where: str
) -> None:
    target = tmp_path / "nope" / "x.gz" if where == "missing-folder" else tmp_path
    with client(aa, fake_atlas) as atlas:
        download = atlas.streams.download_audit_logs(
            group_id=GROUP, tenant_name="t", start_date=START, end_date=END
        )
        with pytest.raises(OSError) as error:
            download.write_to_file(target)
    assert error.value.filename == str(target)
    assert ".part" not in str(error.value)
    assert list(tmp_path.iterdir()) == []  # no temporary file left


# ----------------------------------------------------------------------------- secrets
def auths(aa: ModuleType) -> list[tuple[Any, list[str]]]:
    """Each kind of credentials, with the secrets it holds."""
    return [
        (aa.DigestApiKeyAuth(DEFAULT_PUBLIC_KEY, DEFAULT_PRIVATE_KEY), [DEFAULT_PRIVATE_KEY]),
        (aa.ServiceAccountAuth(DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET), [DEFAULT_CLIENT_SECRET]),
        (aa.BearerTokenAuth(DEFAULT_STATIC_TOKEN), [DEFAULT_STATIC_TOKEN]),
    ]


def test_no_view_of_an_auth_object_shows_its_secret(
    aa: ModuleType, fake_atlas: FakeAtlas, caplog: pytest.LogCaptureFixture
) -> None:
    service = aa.ServiceAccountAuth(DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET)
    with aa.Client(base_url=fake_atlas.url, auth=service) as atlas:
        atlas.auditing.get_group_audit_log(group_id=GROUP)  # caches an access token
    token = service._valid_token()
    assert token
    for auth, secrets in [*auths(aa), (service, [DEFAULT_CLIENT_SECRET, token])]:
        caplog.clear()
        with caplog.at_level(logging.DEBUG):
            logging.getLogger("test").info("auth %s %r %s", auth, auth, vars(auth))
        views = [repr(auth), str(auth), repr(vars(auth)), str(vars(auth)), caplog.text]
        views += [f"{value}" for value in vars(auth).values()]
        for secret in secrets:
            assert not any(secret in view for view in views), (type(auth).__name__, views)
        with pytest.raises(TypeError, match="not pickled"):
            pickle.dumps(auth)
        with pytest.raises(TypeError, match="not pickled"):
            copy.deepcopy(auth)


def test_the_secrets_still_authenticate(aa: ModuleType, fake_atlas: FakeAtlas) -> None:
    for auth, _ in auths(aa):
        with aa.Client(base_url=fake_atlas.url, auth=auth) as atlas:
            assert atlas.auditing.get_group_audit_log(group_id=GROUP).enabled is False


def test_an_endless_token_response_is_refused(aa: ModuleType, fake_atlas: FakeAtlas) -> None:
    """A token endpoint that never stops sending: the service account reads at most 64 KiB."""
    body = Counted(1024 * MIB)
    fake_atlas.respond(200, body, TOKEN_PATH, headers=JSON_HEADERS)
    auth = aa.ServiceAccountAuth(DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET)
    with (
        aa.Client(base_url=fake_atlas.url, auth=auth, max_retries=0) as atlas,
        pytest.raises(aa.ResponseTooLargeError, match="token response") as error,
    ):
        atlas.auditing.get_group_audit_log(group_id=GROUP)
    assert error.value.limit == 64 * 1024
    assert body.sent < 64 * MIB


def test_an_endless_token_response_is_refused_async(aa: ModuleType, fake_atlas: FakeAtlas) -> None:
    body = Counted(1024 * MIB)
    fake_atlas.respond(200, body, TOKEN_PATH, headers=JSON_HEADERS)

    async def call() -> None:
        auth = aa.ServiceAccountAuth(DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET)
        async with aa.AsyncClient(base_url=fake_atlas.url, auth=auth, max_retries=0) as atlas:
            await atlas.auditing.get_group_audit_log(group_id=GROUP)

    with pytest.raises(aa.ResponseTooLargeError, match="token response"):
        asyncio.run(call())
    assert body.sent < 64 * MIB


def test_a_token_error_keeps_its_body_readable(aa: ModuleType, fake_atlas: FakeAtlas) -> None:
    """The token response is read under the cap, and the error still carries it whole."""
    fake_atlas.respond(400, b'{"error": "invalid_client"}', TOKEN_PATH, headers=JSON_HEADERS)
    auth = aa.ServiceAccountAuth(DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET)
    with (
        aa.Client(base_url=fake_atlas.url, auth=auth, max_retries=0) as atlas,
        pytest.raises(aa.APIStatusError, match="invalid_client") as error,
    ):
        atlas.auditing.get_group_audit_log(group_id=GROUP)
    assert error.value.response.json() == {"error": "invalid_client"}
