"""Closing a revoked key's live connections, through the NATS system account (server ≥ 2.10).

The callout names each plugin user after its key id, which the server reports as the connection's
`authorized_user`. So: `$SYS.REQ.SERVER.PING.CONNZ` (every server answers) filtered by that user,
then `$SYS.REQ.SERVER.<server id>.KICK` with each connection id. The verifier must already refuse the
key, or the kicked plugin (which reconnects on its own) is let straight back in.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)

PING_CONNZ = "$SYS.REQ.SERVER.PING.CONNZ"
PAGE = 1024


@dataclass(frozen=True)
class PluginConnection:
    """One open connection in the plugins account, on one server."""

    server_id: str
    cid: int
    user: str


async def _scatter(nc: Any, subject: str, payload: dict[str, Any], window: float) -> list[dict[str, Any]]:
    """Every server's answer to a `$SYS.REQ.SERVER.PING.*` request that arrives within window seconds."""
    answers: list[dict[str, Any]] = []

    async def collect(msg: Any) -> None:
        with contextlib.suppress(ValueError):
            answers.append(json.loads(msg.data))

    sub = await nc.subscribe(nc.new_inbox(), cb=collect)
    try:
        await nc.publish(subject, json.dumps(payload).encode(), reply=sub.subject)
        await asyncio.sleep(window)  # servers in a cluster answer independently; none says "last"
    finally:
        await sub.unsubscribe()
    return answers


async def _pages(nc: Any, server_id: str, query: dict[str, Any], first: dict[str, Any]) -> list[dict[str, Any]]:
    """All matching connections on one server, following the CONNZ pages."""
    data = first.get("data") or {}
    found = list(data.get("connections") or [])
    total = int(data.get("total") or 0)
    while len(found) < total:
        reply = await nc.request(
            f"$SYS.REQ.SERVER.{server_id}.CONNZ", json.dumps({**query, "offset": len(found)}).encode(), timeout=2
        )
        page = (json.loads(reply.data).get("data") or {}).get("connections") or []
        if not page:
            break
        found += page
    return found


async def plugin_connections(
    system_nc: Any, *, account: str = "PLUGINS", user: str | None = None, window: float = 0.5
) -> list[PluginConnection]:
    """Open connections of the plugins account on every server (only `user`'s when given)."""
    # `acc` is CONNZ's account filter; `auth` makes it report each connection's authorized user.
    query: dict[str, Any] = {"acc": account, "auth": True, "limit": PAGE}
    if user is not None:
        query["user"] = user
    found: list[PluginConnection] = []
    for answer in await _scatter(system_nc, PING_CONNZ, query, window):
        server_id = (answer.get("server") or {}).get("id")
        if not server_id or answer.get("error"):
            log.warning("a NATS server did not list connections", extra={"error": answer.get("error")})
            continue
        for conn in await _pages(system_nc, server_id, query, answer):
            found.append(PluginConnection(server_id, int(conn["cid"]), str(conn.get("authorized_user") or "")))
    return found


async def _kick(system_nc: Any, connections: list[PluginConnection]) -> int:
    kicked = 0
    for conn in connections:
        reply = await system_nc.request(
            f"$SYS.REQ.SERVER.{conn.server_id}.KICK", json.dumps({"cid": conn.cid}).encode(), timeout=2
        )
        error = json.loads(reply.data).get("error")
        if error:
            # Another replica may have closed it a moment ago: every replica hears of a revocation.
            log.info("plugin connection already gone", extra={"cid": conn.cid, "error": error})
        else:
            kicked += 1
    return kicked


async def disconnect_plugin_key(system_nc: Any, key_id: str, *, account: str = "PLUGINS", window: float = 0.5) -> int:
    """Close every live connection of the plugin key `key_id` on every server; how many were closed."""
    connections = await plugin_connections(system_nc, account=account, user=key_id, window=window)
    kicked = await _kick(system_nc, [c for c in connections if c.user == key_id])
    log.info("plugin key connections closed", extra={"plugin_key_id": key_id, "count": kicked})
    return kicked


async def disconnect_revoked_keys(
    system_nc: Any,
    still_valid: Callable[[set[str]], Awaitable[set[str]]],
    *,
    account: str = "PLUGINS",
    own_users: Collection[str] = (),
    window: float = 0.5,
) -> int:
    """Close the connections of every key id `still_valid` no longer accepts (a revocation we missed)."""
    connections = await plugin_connections(system_nc, account=account, window=window)
    connections = [c for c in connections if c.user and c.user not in own_users]
    if not connections:
        return 0
    valid = await still_valid({c.user for c in connections})
    stale = [c for c in connections if c.user not in valid]
    kicked = await _kick(system_nc, stale) if stale else 0
    if kicked:
        log.info("connections of revoked plugin keys closed", extra={"count": kicked})
    return kicked
