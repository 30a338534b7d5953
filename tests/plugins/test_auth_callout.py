"""The auth callout against the real NATS server: who gets in, and what each key may touch."""

from __future__ import annotations

from typing import Any

import nats
import nats.errors
import pytest

from codemill.kit.metrics import metrics
from codemill.plugins import AuthCalloutService, NatsCredentials, generate_plugin_key
from codemill.plugins.callout import presented_key, user_claims
from codemill.plugins.fake_plugin import FakePlugin, FakeTool
from codemill.plugins.keys import PluginKeyIdentity
from codemill.plugins.nkey_jwt import SigningKey, decode, encode

from .conftest import PluginKey


async def _quiet(_: Exception) -> None:
    return None


async def _connect_plugin(url: str, key: str, errors: list[str] | None = None) -> Any:
    async def collect(exc: Exception) -> None:
        if errors is not None:
            errors.append(str(exc))

    return await nats.connect(url, user=key, password=key, error_cb=collect, allow_reconnect=False, connect_timeout=5)


async def _echo(args: dict[str, Any]) -> str:
    return str(args)


async def test_wrong_key_is_refused_at_connect(nats_credentials: NatsCredentials, callout: AuthCalloutService):
    refused_before = callout.refused
    counted_before = metrics().plugin_auth.labels("refused")._value.get()
    with pytest.raises(nats.errors.Error, match="Authorization Violation"):
        await nats.connect(
            nats_credentials.url,
            user=(wrong := generate_plugin_key()),
            password=wrong,
            error_cb=_quiet,
            allow_reconnect=False,
            connect_timeout=5,
        )
    assert callout.refused == refused_before + 1
    # Counted for Prometheus too (`codemill nats-callout` serves it with CODEMILL_OBSERVABILITY__METRICS_PORT).
    assert metrics().plugin_auth.labels("refused")._value.get() == counted_before + 1


@pytest.mark.parametrize("key", ["short", "has.a.dot-in-it-xxxxxxxx", "wild*card-xxxxxxxxxxxxx", "x" * 200])
async def test_keys_that_cannot_be_a_subject_token_are_refused(
    nats_credentials: NatsCredentials, callout: AuthCalloutService, key: str
):
    with pytest.raises(nats.errors.Error, match="Authorization Violation"):
        await nats.connect(
            nats_credentials.url, user=key, password=key, error_cb=_quiet, allow_reconnect=False, connect_timeout=5
        )


async def test_user_and_password_must_both_be_the_key(nats_credentials: NatsCredentials, plugin_key: PluginKey):
    with pytest.raises(nats.errors.Error, match="Authorization Violation"):
        await nats.connect(
            nats_credentials.url,
            user="someone-else",
            password=plugin_key.key,
            error_cb=_quiet,
            allow_reconnect=False,
            connect_timeout=5,
        )


async def test_a_valid_key_uses_its_own_subjects(nats_credentials: NatsCredentials, plugin_key: PluginKey):
    errors: list[str] = []
    nc = await _connect_plugin(nats_credentials.url, plugin_key.key, errors)
    sub = await nc.subscribe(f"{plugin_key.key}.list")
    await nc.publish(f"{plugin_key.key}.list", b"ping")
    msg = await sub.next_msg(timeout=5)
    await nc.close()
    assert msg.data == b"ping"
    assert errors == []


async def test_a_second_key_cannot_subscribe_or_publish_on_the_first_keys_subjects(
    nats_credentials: NatsCredentials, plugin_key: PluginKey, second_plugin_key: PluginKey
):
    first = FakePlugin(nats_credentials.url, plugin_key.key, [FakeTool("_echo", _echo)], label="mine")
    await first.start(error_cb=_quiet)
    errors: list[str] = []
    intruder = await _connect_plugin(nats_credentials.url, second_plugin_key.key, errors)
    try:
        spied = [
            await intruder.subscribe(f"{plugin_key.key}.>"),
            await intruder.subscribe(f"{plugin_key.key}.list"),
            await intruder.subscribe("_INBOX.>"),  # where the backend's replies travel
            await intruder.subscribe(">"),
        ]
        await intruder.flush()
        # Traffic on the first key's subjects: its heartbeat and a list answered to the backend.
        await first.nc.publish(f"{plugin_key.key}.live", first.session_id.encode())
        await first.nc.flush()
        await intruder.publish(f"{plugin_key.key}.list", b"", reply=f"{second_plugin_key.key}.stolen")
        await intruder.publish(f"{plugin_key.key}.{first.session_id}.mine._echo", b"\x0a\x00")
        await intruder.flush()
        await first.nc.flush()
        for sub in spied:
            with pytest.raises(nats.errors.TimeoutError):
                await sub.next_msg(timeout=0.2)
    finally:
        await intruder.close()
        await first.stop()
    assert first.list_requests == 0 and first.calls == 0
    violations = " ".join(errors)
    assert f'subscription to "{plugin_key.key.lower()}.>"' in violations.lower()
    assert 'subscription to "_inbox.>"' in violations.lower()
    assert f'publish to "{plugin_key.key.lower()}.list"' in violations.lower()


async def test_a_plugin_answers_the_backend_through_the_reply_permission(
    nats_credentials: NatsCredentials, plugin_key: PluginKey
):
    plugin = FakePlugin(nats_credentials.url, plugin_key.key, [FakeTool("_echo", _echo)])
    await plugin.start(error_cb=_quiet)
    backend = await nats.connect(
        nats_credentials.url, user=nats_credentials.backend_user, password=nats_credentials.backend_password
    )
    try:
        reply = await backend.request(f"{plugin_key.key}.list", b"", timeout=5)
    finally:
        await backend.close()
        await plugin.stop()
    assert b'"_echo"' in reply.data


def test_presented_key_forms():
    assert presented_key({"user": "k" * 20, "pass": "k" * 20}) == "k" * 20
    assert presented_key({"auth_token": "t" * 20}) == "t" * 20
    assert presented_key({"user": "a" * 20, "pass": "b" * 20}) is None
    assert presented_key({"user": "a" * 20}) is None


def test_user_claims_allow_only_the_keys_subjects():
    claims = user_claims("k" * 20, PluginKeyIdentity("id-1"), "UABC", "PLUGINS", ttl_seconds=0)
    nats_claims = claims["nats"]
    assert nats_claims["pub"] == {"allow": ["k" * 20 + ".>"]}
    assert nats_claims["sub"] == {"allow": ["k" * 20 + ".>"]}
    assert nats_claims["resp"] == {"max": 1, "ttl": 0}
    assert claims["aud"] == "PLUGINS" and claims["name"] == "id-1" and "exp" not in claims


async def test_requests_not_signed_by_a_server_get_no_answer(nats_credentials: NatsCredentials, verifier: Any):
    service = AuthCalloutService(nats_credentials, verifier)
    forged = encode({"sub": "x", "nats": {"user_nkey": "U" + "A" * 55}}, SigningKey.generate("account"))
    assert await service.answer(forged.encode()) is None
    assert await service.answer(b"not a jwt") is None


async def test_answer_is_signed_by_the_issuer_for_the_requesting_server(
    nats_credentials: NatsCredentials, verifier: Any, plugin_key: PluginKey
):
    server = SigningKey.generate("server")
    user_nkey = SigningKey.generate("user").public_key
    request = {
        "sub": nats_credentials.issuer.public_key,
        "aud": "nats-authorization-request",
        "nats": {
            "server_id": {"id": server.public_key},
            "user_nkey": user_nkey,
            "connect_opts": {"user": plugin_key.key, "pass": plugin_key.key},
            "type": "authorization_request",
            "version": 2,
        },
    }
    service = AuthCalloutService(nats_credentials, verifier)
    answer = await service.answer(encode(request, server).encode())
    assert answer is not None
    response = decode(answer.decode(), issuer_role="account")
    assert response["iss"] == nats_credentials.issuer.public_key
    assert (response["aud"], response["sub"]) == (server.public_key, user_nkey)
    user = decode(response["nats"]["jwt"], issuer_role="account")
    assert user["sub"] == user_nkey and user["name"] == plugin_key.identity.key_id
