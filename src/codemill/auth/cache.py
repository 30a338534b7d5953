"""In-process caches of verified tokens and loaded principals, kept honest by PostgreSQL LISTEN/NOTIFY."""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Iterable
from typing import Any

from codemill.auth.changes import CHANNEL
from codemill.auth.principal import Principal
from codemill.db.notifications import Notifications

log = logging.getLogger(__name__)


class AuthCache:
    """Token → verified identity, and user id → principal. Safe to drop at any time."""

    def __init__(self, principal_ttl: float = 60.0, max_tokens: int = 20_000) -> None:
        self._principal_ttl = principal_ttl
        self._max_tokens = max_tokens
        self._tokens: OrderedDict[str, tuple[float, Any]] = OrderedDict()
        self._token_ids: dict[str, str] = {}
        self._principals: dict[str, tuple[float, Principal]] = {}
        # With a listener configured, principals are served from cache only while it is connected.
        self._live = True

    # -- tokens ---------------------------------------------------------------------------------------
    def get_token(self, token: str) -> Any | None:
        """The identity a token was verified to, if still valid."""
        entry = self._tokens.get(token)
        if entry is None:
            return None
        expires_at, identity = entry
        if expires_at <= time.time():
            self._tokens.pop(token, None)
            return None
        return identity

    def put_token(self, token: str, identity: Any, expires_at: float, token_id: str | None = None) -> None:
        """Remember a verified token until its expiry."""
        self._tokens[token] = (expires_at, identity)
        if token_id:
            self._token_ids[token_id] = token
        while len(self._tokens) > self._max_tokens:
            self._tokens.popitem(last=False)

    # -- principals -----------------------------------------------------------------------------------
    def get_principal(self, user_id: str) -> Principal | None:
        """A loaded principal younger than the TTL."""
        entry = self._principals.get(user_id)
        if entry is None or not self._live or time.monotonic() - entry[0] > self._principal_ttl:
            return None
        return entry[1]

    def put_principal(self, principal: Principal) -> None:
        """Remember a loaded principal."""
        self._principals[principal.user_id] = (time.monotonic(), principal)

    # -- invalidation ---------------------------------------------------------------------------------
    def apply(self, keys: Iterable[str]) -> None:
        """Drop what `keys` name: "user:<id>", "token:<jti>", or "all"."""
        for key in keys:
            kind, _, value = key.partition(":")
            if kind == "user":
                self._principals.pop(value, None)
            elif kind == "token":
                token = self._token_ids.pop(value, None)
                if token is not None:
                    self._tokens.pop(token, None)
            else:
                self.clear()

    def clear(self) -> None:
        """Forget everything."""
        self._tokens.clear()
        self._token_ids.clear()
        self._principals.clear()

    # -- cross-process --------------------------------------------------------------------------------
    def follow(self, notifications: Notifications) -> None:
        """Hear every replica's changes (NOTIFY); while the connection is down, principals are not served from
        cache, and everything is forgotten when it comes back (anything may have changed meanwhile)."""
        self._live = False
        notifications.subscribe(
            CHANNEL, lambda key: self.apply([key]), on_connected=self._connected, on_disconnected=self._disconnected
        )

    def _connected(self) -> None:
        self.clear()
        self._live = True

    def _disconnected(self) -> None:
        self._live = False
        self.clear()
