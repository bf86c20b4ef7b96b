"""Digest API keys, service-account OAuth, bearer tokens and environment configuration."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from types import ModuleType
from typing import Any

import pytest
from servers.fake_atlas import (
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    DEFAULT_PRIVATE_KEY,
    DEFAULT_PUBLIC_KEY,
    DEFAULT_STATIC_TOKEN,
    EXAMPLE_GROUP_ID,
    TOKEN_PATH,
    FakeAtlas,
    api_requests,
)

GROUP = EXAMPLE_GROUP_ID


def token_requests(fake: FakeAtlas) -> list[Any]:
    return [r for r in fake.requests if r.path == TOKEN_PATH]


@pytest.mark.parametrize("algorithm", ["MD5", "SHA-256"])
def test_digest_api_key(aa: ModuleType, algorithm: str) -> None:
    with FakeAtlas(digest_algorithm=algorithm) as fake:  # type: ignore[arg-type]
        auth = aa.DigestApiKeyAuth(DEFAULT_PUBLIC_KEY, DEFAULT_PRIVATE_KEY)
        with aa.Client(base_url=fake.url, auth=auth) as client:
            for _ in range(3):
                assert client.auditing.get_group_audit_log(group_id=GROUP).enabled is False
        answered = [r for r in fake.requests if r.status == 200]
        assert len(answered) == 3
        assert all(f"algorithm={algorithm}" in r.headers["authorization"] for r in answered)


def test_wrong_private_key_is_an_authentication_error_without_the_key(
    aa: ModuleType, fake_atlas: FakeAtlas
) -> None:
    secret = "99999999-8888-7777-6666-555555555555"
    with (
        aa.Client(
            base_url=fake_atlas.url, auth=aa.DigestApiKeyAuth(DEFAULT_PUBLIC_KEY, secret)
        ) as client,
        pytest.raises(aa.AuthenticationError) as caught,
    ):
        client.auditing.get_group_audit_log(group_id=GROUP)
    assert caught.value.status_code == 401
    assert secret not in str(caught.value) and secret not in repr(client)


def test_oauth_token_is_fetched_once_and_cached(
    aa: ModuleType, oauth_client: Any, fake_atlas: FakeAtlas
) -> None:
    for _ in range(4):
        oauth_client.auditing.get_group_audit_log(group_id=GROUP)
    assert fake_atlas.tokens_issued == 1
    (token_call,) = token_requests(fake_atlas)
    assert token_call.method == "POST"
    assert token_call.headers["authorization"].startswith("Basic ")
    assert token_call.headers["content-type"] == "application/x-www-form-urlencoded"
    assert token_call.body == b"grant_type=client_credentials"
    assert all(r.headers["authorization"].startswith("Bearer ") for r in api_requests(fake_atlas))


def test_oauth_token_is_refreshed_before_it_expires(aa: ModuleType) -> None:
    with FakeAtlas(token_ttl=1) as fake:
        auth = aa.ServiceAccountAuth(DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET)
        with aa.Client(base_url=fake.url, auth=auth) as client:
            client.auditing.get_group_audit_log(group_id=GROUP)
            client.auditing.get_group_audit_log(group_id=GROUP)
            assert fake.tokens_issued == 1
            time.sleep(1.0)
            client.auditing.get_group_audit_log(group_id=GROUP)
            assert fake.tokens_issued == 2
        assert all(r.status == 200 for r in api_requests(fake))  # never sent an expired token


def test_oauth_401_refreshes_once_and_retries_once(
    aa: ModuleType, oauth_client: Any, fake_atlas: FakeAtlas
) -> None:
    oauth_client.auditing.get_group_audit_log(group_id=GROUP)
    fake_atlas.revoke_tokens()
    assert oauth_client.auditing.get_group_audit_log(group_id=GROUP).enabled is False
    assert fake_atlas.tokens_issued == 2
    assert [r.status for r in api_requests(fake_atlas)] == [200, 401, 200]


def test_oauth_401_after_refresh_is_an_authentication_error(
    aa: ModuleType, oauth_client: Any, fake_atlas: FakeAtlas
) -> None:
    fake_atlas.fail(401, times=2)
    with pytest.raises(aa.AuthenticationError):
        oauth_client.auditing.get_group_audit_log(group_id=GROUP)
    assert fake_atlas.tokens_issued == 2  # refreshed once, not in a loop
    assert [r.status for r in api_requests(fake_atlas)] == [401, 401]


def test_oauth_bad_secret_never_leaks(
    aa: ModuleType, fake_atlas: FakeAtlas, caplog: pytest.LogCaptureFixture
) -> None:
    secret = "mdb_sa_sk_this-is-very-secret"
    caplog.set_level(logging.DEBUG)
    auth = aa.ServiceAccountAuth(DEFAULT_CLIENT_ID, secret)
    with (
        aa.Client(base_url=fake_atlas.url, auth=auth) as client,
        pytest.raises(aa.AuthenticationError) as caught,
    ):
        client.auditing.get_group_audit_log(group_id=GROUP)
    texts = [str(caught.value), repr(caught.value), repr(client), repr(auth), caplog.text]
    assert "invalid_client" in str(caught.value) or "Unknown client" in str(caught.value)
    assert all(secret not in text for text in texts)


def test_oauth_token_fetched_once_by_concurrent_threads(
    aa: ModuleType, oauth_client: Any, fake_atlas: FakeAtlas
) -> None:
    fake_atlas.delay(0.3, TOKEN_PATH)  # a slow token endpoint: every thread waits for it
    barrier = threading.Barrier(12)

    def call(_: int) -> bool:
        barrier.wait()
        return bool(oauth_client.auditing.get_group_audit_log(group_id=GROUP).audit_filter)

    with ThreadPoolExecutor(12) as pool:
        assert all(pool.map(call, range(12)))
    assert fake_atlas.tokens_issued == 1
    assert len(api_requests(fake_atlas)) == 12


def test_oauth_token_fetched_once_by_concurrent_tasks(
    aa: ModuleType, fake_atlas: FakeAtlas
) -> None:
    fake_atlas.delay(0.3, TOKEN_PATH)

    async def main() -> None:
        auth = aa.ServiceAccountAuth(DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET)
        async with aa.AsyncClient(base_url=fake_atlas.url, auth=auth) as client:
            results = await asyncio.gather(
                *(client.auditing.get_group_audit_log(group_id=GROUP) for _ in range(12))
            )
            assert all(r.audit_filter == "string" for r in results)
            fake_atlas.revoke_tokens()
            again = await asyncio.gather(
                *(client.auditing.get_group_audit_log(group_id=GROUP) for _ in range(6))
            )
            assert len(again) == 6

    asyncio.run(main())
    assert fake_atlas.tokens_issued == 2  # once at the start, once after the revocation


def test_bearer_token(aa: ModuleType, bearer_client: Any, fake_atlas: FakeAtlas) -> None:
    assert bearer_client.auditing.get_group_audit_log(group_id=GROUP).enabled is False
    assert api_requests(fake_atlas)[-1].headers["authorization"] == f"Bearer {DEFAULT_STATIC_TOKEN}"
    assert DEFAULT_STATIC_TOKEN not in repr(bearer_client)


def test_environment_service_account(
    aa: ModuleType, fake_atlas: FakeAtlas, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MONGODB_ATLAS_CLIENT_ID", DEFAULT_CLIENT_ID)
    monkeypatch.setenv("MONGODB_ATLAS_CLIENT_SECRET", DEFAULT_CLIENT_SECRET)
    monkeypatch.setenv("MONGODB_ATLAS_PUBLIC_API_KEY", "ignored-when-a-service-account-is-set")
    monkeypatch.setenv("MONGODB_ATLAS_BASE_URL", fake_atlas.url)
    with aa.Client() as client:
        assert isinstance(client.auth, aa.ServiceAccountAuth)
        assert client.base_url == fake_atlas.url
        client.auditing.get_group_audit_log(group_id=GROUP)
    assert fake_atlas.tokens_issued == 1


def test_environment_api_key(
    aa: ModuleType, fake_atlas: FakeAtlas, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MONGODB_ATLAS_PUBLIC_API_KEY", DEFAULT_PUBLIC_KEY)
    monkeypatch.setenv("MONGODB_ATLAS_PRIVATE_API_KEY", DEFAULT_PRIVATE_KEY)
    with aa.Client(base_url=fake_atlas.url) as client:
        assert isinstance(client.auth, aa.DigestApiKeyAuth)
        assert client.auditing.get_group_audit_log(group_id=GROUP).enabled is False
        assert DEFAULT_PRIVATE_KEY not in repr(client)


def test_environment_access_token(
    aa: ModuleType, fake_atlas: FakeAtlas, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MONGODB_ATLAS_ACCESS_TOKEN", DEFAULT_STATIC_TOKEN)
    with aa.Client(base_url=fake_atlas.url) as client:
        assert isinstance(client.auth, aa.BearerTokenAuth)
        client.auditing.get_group_audit_log(group_id=GROUP)


def test_missing_credentials_names_the_variables(aa: ModuleType) -> None:
    with pytest.raises(aa.MissingCredentialsError) as caught:
        aa.Client()
    message = str(caught.value)
    for name in (
        "MONGODB_ATLAS_CLIENT_ID",
        "MONGODB_ATLAS_CLIENT_SECRET",
        "MONGODB_ATLAS_PUBLIC_API_KEY",
        "MONGODB_ATLAS_PRIVATE_API_KEY",
        "MONGODB_ATLAS_ACCESS_TOKEN",
    ):
        assert name in message and name in caught.value.variables
    assert isinstance(caught.value, aa.AtlasError)
    with pytest.raises(aa.MissingCredentialsError):
        aa.AsyncClient()


def test_half_a_pair_names_the_missing_variable(
    aa: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MONGODB_ATLAS_CLIENT_ID", "mdb_sa_id_x")
    with pytest.raises(aa.MissingCredentialsError) as caught:
        aa.Client()
    assert "MONGODB_ATLAS_CLIENT_SECRET" in str(caught.value)
    assert caught.value.variables == ("MONGODB_ATLAS_CLIENT_ID", "MONGODB_ATLAS_CLIENT_SECRET")


def test_auth_none_sends_no_credentials(aa: ModuleType, fake_atlas: FakeAtlas) -> None:
    with (
        aa.Client(base_url=fake_atlas.url, auth=None, max_retries=0) as client,
        pytest.raises(aa.AuthenticationError),
    ):
        client.auditing.get_group_audit_log(group_id=GROUP)
    assert "authorization" not in fake_atlas.requests[-1].headers


def test_secrets_absent_from_reprs_and_logs(
    aa: ModuleType, fake_atlas: FakeAtlas, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="atlas_admin")
    digest = aa.DigestApiKeyAuth(DEFAULT_PUBLIC_KEY, DEFAULT_PRIVATE_KEY)
    oauth = aa.ServiceAccountAuth(DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET)
    bearer = aa.BearerTokenAuth(DEFAULT_STATIC_TOKEN)
    fake_atlas.fail(503)
    for auth in (digest, oauth, bearer):
        with aa.Client(base_url=fake_atlas.url, auth=auth) as client:
            client.auditing.get_group_audit_log(group_id=GROUP)
            texts = [repr(auth), str(auth), repr(client)]
            assert all(
                secret not in text
                for text in texts
                for secret in (DEFAULT_PRIVATE_KEY, DEFAULT_CLIENT_SECRET, DEFAULT_STATIC_TOKEN)
            )
    assert "retrying" in caplog.text  # the log is on, and says nothing secret
    for secret in (DEFAULT_PRIVATE_KEY, DEFAULT_CLIENT_SECRET, DEFAULT_STATIC_TOKEN):
        assert secret not in caplog.text
