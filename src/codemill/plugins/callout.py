"""The NATS auth callout: plugin keys in, scoped NATS users out.

The server sends each connecting client's credentials as an authorization-request JWT on
`$SYS.REQ.USER.AUTH`; we answer with an authorization-response JWT signed by the callout issuer,
carrying a user JWT that may publish and subscribe on `<key>.>` only, plus replies to requests it
receives (the `resp` permission) — never `_INBOX.>`, where it would read other keys' replies.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import Any

import nats

from codemill.kit.metrics import metrics
from codemill.plugins.keys import PluginKeyIdentity, PluginKeyVerifier, is_valid_key_shape
from codemill.plugins.nats_config import NatsCredentials, resolve_credentials
from codemill.plugins.nats_sync import log_nats_error, settle
from codemill.plugins.nkey_jwt import NkeyJwtError, SigningKey, decode, encode
from codemill.settings import Settings

log = logging.getLogger(__name__)

AUTH_SUBJECT = "$SYS.REQ.USER.AUTH"
QUEUE_GROUP = "codemill-auth-callout"
REFUSED = "plugin key refused"


def presented_key(connect_opts: dict[str, Any]) -> str | None:
    """The plugin key a client presented: the CLI sends it as user and password; a token also works."""
    password = connect_opts.get("pass") or connect_opts.get("auth_token")
    user = connect_opts.get("user")
    if not isinstance(password, str) or not password:
        return None
    if user and user != password:
        return None
    return password


def user_claims(
    key: str, identity: PluginKeyIdentity, user_nkey: str, account: str, ttl_seconds: int
) -> dict[str, Any]:
    """The NATS user a plugin key becomes: its own subjects, replies to what it receives, nothing else."""
    now = int(time.time())
    claims: dict[str, Any] = {
        "aud": account,
        "sub": user_nkey,
        "name": identity.key_id,
        "iat": now,
        "nats": {
            "pub": {"allow": [f"{key}.>"]},
            "sub": {"allow": [f"{key}.>"]},
            "resp": {"max": 1, "ttl": 0},
            "subs": -1,
            "data": -1,
            "payload": -1,
            "tags": [f"plugin-key-id:{identity.key_id}"],
            "type": "user",
            "version": 2,
        },
    }
    if ttl_seconds > 0:
        claims["exp"] = now + ttl_seconds
    return claims


class AuthCalloutService:
    """Answers `$SYS.REQ.USER.AUTH` for one NATS server (or cluster) with a PluginKeyVerifier."""

    def __init__(self, credentials: NatsCredentials, verifier: PluginKeyVerifier) -> None:
        self._credentials = credentials
        self._verifier = verifier
        self._issuer: SigningKey = credentials.issuer
        self._nc: Any = None
        self.accepted = 0
        self.refused = 0

    async def start(self) -> None:
        """Connect as the callout user and serve requests (several instances share a queue group)."""
        self._nc = await nats.connect(
            self._credentials.url,
            user=self._credentials.callout_user,
            password=self._credentials.callout_password,
            name="codemill-auth-callout",
            max_reconnect_attempts=-1,
            reconnect_time_wait=1,
            error_cb=log_nats_error,
        )
        await self._nc.subscribe(AUTH_SUBJECT, queue=QUEUE_GROUP, cb=self._on_request)
        await settle(self._nc)

    async def stop(self) -> None:
        """Drain (answer what is in flight); just close when NATS is unreachable."""
        nc, self._nc = self._nc, None
        if nc is None:
            return
        try:
            await asyncio.wait_for(nc.drain(), 2.0)
        except Exception:
            with contextlib.suppress(Exception):
                await nc.close()

    async def _on_request(self, msg: Any) -> None:
        try:
            reply = await self.answer(msg.data)
        except Exception:  # never let one bad request stop the service
            log.exception("auth callout failed to answer")
            return
        if reply is not None and msg.reply:
            await self._nc.publish(msg.reply, reply)

    async def answer(self, request_jwt: bytes) -> bytes | None:
        """The signed response to one authorization request, or None when the request is not genuine."""
        try:
            claims = decode(request_jwt.decode("ascii"), issuer_role="server")
        except (NkeyJwtError, UnicodeDecodeError):
            log.warning("auth callout: dropped a request that is not a server-signed JWT")
            return None
        request = claims.get("nats") or {}
        server_id = (request.get("server_id") or {}).get("id") or claims["iss"]
        user_nkey = request.get("user_nkey")
        if not isinstance(user_nkey, str):
            return None
        key = presented_key(request.get("connect_opts") or {})
        identity = await self._verifier.verify(key) if key and is_valid_key_shape(key) else None
        response: dict[str, Any] = {
            "aud": server_id,
            "sub": user_nkey,
            "nats": {"type": "authorization_response", "version": 2},
        }
        if key is None or identity is None:
            self.refused += 1
            metrics().plugin_auth.labels("refused").inc()
            response["nats"]["error"] = REFUSED
            log.info("plugin key refused", extra={"client": request.get("client_info", {}).get("host")})
        else:
            self.accepted += 1
            metrics().plugin_auth.labels("accepted").inc()
            account = self._credentials.plugins_account
            ttl = self._credentials.user_jwt_ttl_seconds
            user = user_claims(key, identity, user_nkey, account, ttl)
            response["nats"]["jwt"] = encode(user, self._issuer)
            log.info("plugin key accepted", extra={"plugin_key_id": identity.key_id})
        return encode(response, self._issuer).encode("ascii")


async def run_callout(settings: Settings, verifier: PluginKeyVerifier) -> None:
    """Serve the auth callout until cancelled (`codemill nats-callout`, or a task in `codemill serve`)."""
    service = AuthCalloutService(resolve_credentials(settings), verifier)
    await service.start()
    try:
        await asyncio.Event().wait()
    finally:
        await service.stop()
