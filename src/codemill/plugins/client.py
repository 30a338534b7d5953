"""The backend side of the plugin protocol: list a key's tools, call them, answer heartbeats.

One NATS connection as the backend user (PLUGINS account). With a system-account connection too,
a plugin that dies mid-call is noticed from the server's disconnect advisory, not only at the timeout.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
import re
from dataclasses import dataclass, field
from typing import Any

import nats
import nats.errors

from codemill.errors import BadRequest
from codemill.plugins.errors import (
    PluginGone,
    PluginNotConnected,
    PluginTimeout,
    PluginToolFailed,
    PluginToolNotFound,
    describe,
)
from codemill.plugins.keys import is_valid_key_shape
from codemill.plugins.messages import MessageError, ServiceResponse, run_request
from codemill.plugins.nats_config import NatsCredentials
from codemill.plugins.nats_sync import log_nats_error, settle
from codemill.plugins.presence import PluginPresence
from codemill.plugins.protocol import (
    ALIVE_REPLY,
    DISCONNECTED_WILDCARD,
    LIVE_WILDCARD,
    PluginTool,
    key_of,
    list_subject,
    live_reply_subject,
    parse_tool_list,
    unwrap_tool_message,
)

log = logging.getLogger(__name__)

_SESSION = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
LIVE_QUEUE = "codemill-live"
CLOSE_TIMEOUT = 2.0


@dataclass(eq=False)
class _PendingCall:
    key: str
    session_id: str
    gone: asyncio.Future[str] = field(default_factory=lambda: asyncio.get_running_loop().create_future())


class PluginClient:
    """Lists and calls the tools of running plugins; one per process, shared by every request."""

    def __init__(
        self,
        nc: Any,
        *,
        system_nc: Any = None,
        plugins_account: str = "PLUGINS",
        list_timeout: float = 1.0,
        call_timeout: float = 60.0,
    ) -> None:
        self._nc = nc
        self._system_nc = system_nc
        self._account = plugins_account
        self.list_timeout = list_timeout
        self.call_timeout = call_timeout
        self.presence = PluginPresence()
        self._pending: dict[int, _PendingCall] = {}
        self._ids = itertools.count()
        self._probes: dict[str, asyncio.Task[None]] = {}
        self._lookups: dict[tuple[str, str | None], asyncio.Future[list[PluginTool]]] = {}
        self._subs: list[Any] = []
        self._owned: list[Any] = []

    @classmethod
    async def connect(cls, credentials: NatsCredentials, **options: Any) -> PluginClient:
        """Connect as the backend user (and the system user when configured) and start listening."""
        common = {"max_reconnect_attempts": -1, "reconnect_time_wait": 1, "error_cb": log_nats_error}
        nc = await nats.connect(
            credentials.url,
            user=credentials.backend_user,
            password=credentials.backend_password,
            name="codemill-plugins",
            **common,
        )
        system_nc = None
        if credentials.has_system_user:
            system_nc = await nats.connect(
                credentials.url,
                user=credentials.system_user,
                password=credentials.system_password,
                name="codemill-plugins-system",
                **common,
            )
        client = cls(nc, system_nc=system_nc, plugins_account=credentials.plugins_account, **options)
        client._owned = [c for c in (nc, system_nc) if c is not None]
        await client.start()
        return client

    @property
    def system_connection(self) -> Any:
        """The system-account connection (revocation kicks use it), or None."""
        return self._system_nc

    async def start(self) -> None:
        """Subscribe to heartbeats and goodbyes of every key (and disconnect advisories)."""
        self._subs.append(await self._nc.subscribe(LIVE_WILDCARD, cb=self._on_live))
        self._subs.append(await self._nc.subscribe(LIVE_WILDCARD, queue=LIVE_QUEUE, cb=self._answer_live))
        self._subs.append(await self._nc.subscribe(DISCONNECTED_WILDCARD, cb=self._on_disconnected))
        if self._system_nc is not None:
            advisory = f"$SYS.ACCOUNT.{self._account}.DISCONNECT"
            self._subs.append(await self._system_nc.subscribe(advisory, cb=self._on_connection_closed))
            await settle(self._system_nc)
        await settle(self._nc)

    async def close(self) -> None:
        """Stop listening; drain our own connections (closed outright when NATS does not answer)."""
        for task in self._probes.values():
            task.cancel()
        if not self._owned:  # connections lent to us stay open; only our subscriptions go
            for sub in self._subs:
                with contextlib.suppress(Exception):
                    await sub.unsubscribe()
        self._subs.clear()
        for nc in self._owned:
            try:
                await asyncio.wait_for(nc.drain(), CLOSE_TIMEOUT)
            except Exception:
                with contextlib.suppress(Exception):
                    await nc.close()
        self._owned.clear()

    async def list_tools(self, key: str, label: str | None = None) -> list[PluginTool]:
        """The tools of the key's running plugins (only the one labelled `label` when given)."""
        _check_key(key)
        tools = await self._gather(key, label=label)
        return sorted((t for t in tools if label is None or t.label == label), key=lambda t: (t.label, t.name))

    async def call_tool(
        self,
        key: str,
        label: str | None,
        tool: str,
        args: dict[str, Any],
        timeout: float | None = None,  # noqa: ASYNC109 - the call's own deadline is part of the API
    ) -> str:
        """Run a tool on the key's plugin labelled `label` (any plugin of the key when None); its output."""
        _check_key(key)
        timeout = self.call_timeout if timeout is None else timeout
        target = await self._find(key, label, tool, refresh=False)
        try:
            return await self._call(target, args, timeout)
        except _NoResponders:
            # The cached session is gone; a fresh list finds its successor, if any.
            self.presence.forget(key, target.session_id)
            target = await self._find(key, label, tool, refresh=True)
            try:
                return await self._call(target, args, timeout)
            except _NoResponders:
                self.presence.forget(key, target.session_id)
                raise PluginNotConnected(f"The plugin for {describe(label, tool)} is not connected") from None

    async def _find(self, key: str, label: str | None, tool: str, *, refresh: bool) -> PluginTool:
        names = (tool, f"_{tool}") if not tool.startswith("_") else (tool,)
        if not refresh:
            for name in names:
                if found := self.presence.find_tool(key, label, name):
                    return found
        tools = await self._gather(key, label=label)
        for name in names:
            for candidate in tools:
                if candidate.name == name and (label is None or candidate.label == label):
                    return candidate
        if not any(label is None or t.label == label for t in tools):
            what = f"The plugin '{label}' is not connected" if label else "No plugin of this key is connected"
            raise PluginNotConnected(what, help="Start it with `codemie-plugins` and this plugin key.")
        raise PluginToolNotFound(f"The plugin has no {describe(label, tool)}")

    async def _call(self, target: PluginTool, args: dict[str, Any], seconds: float) -> str:
        payload = run_request(target.subject, target.name, json.dumps(args))
        pending = _PendingCall(key=key_of(target.subject), session_id=target.session_id)
        call_id = next(self._ids)
        self._pending[call_id] = pending
        request = asyncio.ensure_future(self._nc.request(target.subject, payload, timeout=seconds + 1))
        what = describe(target.label, target.name)
        try:
            done, _ = await asyncio.wait({request, pending.gone}, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
            if request in done:
                try:
                    msg = request.result()
                except nats.errors.NoRespondersError:
                    raise _NoResponders from None
                except nats.errors.TimeoutError:
                    raise PluginTimeout(f"The {what} did not answer within {seconds:g} s") from None
            elif pending.gone in done:
                raise PluginGone(f"The plugin disconnected while running the {what}: {pending.gone.result()}")
            else:
                raise PluginTimeout(f"The {what} did not answer within {seconds:g} s")
        finally:
            self._pending.pop(call_id, None)
            request.cancel()
        return _result(msg.data, what, target.name)

    async def _gather(self, key: str, *, label: str | None = None) -> list[PluginTool]:
        """The answers to `<key>.list`; concurrent lookups of one key and label share one request."""
        lookup = self._lookups.get((key, label))
        if lookup is None:
            lookup = asyncio.ensure_future(
                self._scatter(key, label, {s.session_id for s in self.presence.sessions(key)})
            )
            self._lookups[(key, label)] = lookup
            lookup.add_done_callback(lambda _: self._lookups.pop((key, label), None))
        return await asyncio.shield(lookup)

    async def _scatter(self, key: str, label: str | None, expect: set[str]) -> list[PluginTool]:
        """Publish `<key>.list`, gather answers until the expected sessions (or the label) answered."""
        loop = asyncio.get_running_loop()
        replies: asyncio.Queue[Any] = asyncio.Queue()

        async def collect(msg: Any) -> None:
            replies.put_nowait(msg)

        sub = await self._nc.subscribe(self._nc.new_inbox(), cb=collect)
        tools: list[PluginTool] = []
        answered: set[str] = set()
        complete = True
        try:
            await self._nc.publish(list_subject(key), b"", reply=sub.subject)
            deadline = loop.time() + self.list_timeout
            while (remaining := deadline - loop.time()) > 0:
                if label is not None and any(t.label == label for t in tools):
                    complete = False
                    break
                if label is None and complete and expect and expect <= answered:
                    # Everyone we knew of answered; a plugin that started a moment ago may still.
                    deadline, complete = min(deadline, loop.time() + self.list_timeout / 10), False
                    continue
                try:
                    msg = await asyncio.wait_for(replies.get(), remaining)
                except TimeoutError:
                    break
                if msg.headers and msg.headers.get("Status") == "503":
                    break  # no plugin of this key is connected at all
                found = parse_tool_list(key, msg.data)
                tools += found
                answered.update(t.session_id for t in found)
        finally:
            with contextlib.suppress(Exception):
                await sub.unsubscribe()
        self.presence.listed(key, tools, complete=complete)
        return tools

    async def _on_live(self, msg: Any) -> None:
        session_id = msg.data.decode("utf-8", "replace")
        if _SESSION.match(session_id):
            self.presence.seen(key_of(msg.subject), session_id)

    async def _answer_live(self, msg: Any) -> None:
        # Reply only where the protocol says: a plugin must not steer the backend onto other subjects.
        if msg.reply == live_reply_subject(key_of(msg.subject)):
            await self._nc.publish(msg.reply, ALIVE_REPLY)

    async def _on_disconnected(self, msg: Any) -> None:
        key, session_id = key_of(msg.subject), msg.data.decode("utf-8", "replace")
        self.presence.forget(key, session_id)
        self._fail(key, {session_id}, "it said goodbye")

    async def _on_connection_closed(self, msg: Any) -> None:
        """A plugin connection closed somewhere: check that the sessions of running calls still answer."""
        for key in {p.key for p in self._pending.values()}:
            if key not in self._probes:
                self._probes[key] = asyncio.create_task(self._probe(key))

    async def _probe(self, key: str) -> None:
        try:
            waiting = {p.session_id for p in self._pending.values() if p.key == key}
            alive = {t.session_id for t in await self._scatter(key, None, waiting)}
            for session_id in waiting - alive:
                self.presence.forget(key, session_id)
            self._fail(key, waiting - alive, "its connection closed")
        except Exception:
            log.exception("plugin liveness probe failed")
        finally:
            self._probes.pop(key, None)

    def _fail(self, key: str, sessions: set[str], reason: str) -> None:
        for pending in list(self._pending.values()):
            if pending.key == key and pending.session_id in sessions and not pending.gone.done():
                pending.gone.set_result(reason)


class _NoResponders(Exception):
    """Nobody subscribes to the tool's subject any more."""


def _check_key(key: str) -> None:
    if not is_valid_key_shape(key):
        raise BadRequest("Invalid plugin key", details={"field": "plugin_key"})


def _result(data: bytes, what: str, tool: str) -> str:
    try:
        response = ServiceResponse.decode(data)
    except MessageError as exc:
        raise PluginToolFailed(f"The {what} sent a reply that is not a ServiceResponse") from exc
    if response.error is not None:
        raise PluginToolFailed(f"The {what} failed: {response.error}")
    if response.tool is None:
        raise PluginToolFailed(f"The {what} sent an empty reply")
    if response.tool.error is not None:
        raise PluginToolFailed(f"The {what} failed: {response.tool.error}")
    return unwrap_tool_message(response.tool.result or "", tool)
