"""What the backend knows of running plugins: sessions per key, from lists, heartbeats and goodbyes."""

from __future__ import annotations

import time
from collections.abc import Iterable

from codemill.plugins.protocol import PluginSession, PluginTool

# The CLI beats every 60 s by default (LIVE_UPDATE_INTERVAL); three missed beats and a session is stale.
STALE_AFTER_SECONDS = 180.0


class PluginPresence:
    """Sessions per key. A cache: `<key>.list` answers are the truth, this only saves waiting."""

    def __init__(self, stale_after: float = STALE_AFTER_SECONDS) -> None:
        self._stale_after = stale_after
        self._sessions: dict[str, dict[str, PluginSession]] = {}
        self._pruned = time.monotonic()

    def seen(self, key: str, session_id: str) -> None:
        """A heartbeat: the session is alive (its label and tools come with the next list)."""
        self._prune()
        sessions = self._sessions.setdefault(key, {})
        session = sessions.get(session_id)
        if session is None:
            sessions[session_id] = PluginSession(session_id=session_id, label="", last_seen=time.monotonic())
        else:
            session.last_seen = time.monotonic()

    def listed(self, key: str, tools: Iterable[PluginTool], *, complete: bool) -> list[PluginSession]:
        """Record a list's answers; a complete list (nobody else answered in time) replaces the key's sessions."""
        now = time.monotonic()
        answered: dict[str, PluginSession] = {}
        for tool in tools:
            session = answered.get(tool.session_id)
            if session is None:
                session = answered[tool.session_id] = PluginSession(tool.session_id, tool.label, last_seen=now)
            session.tools[tool.name] = tool
        sessions = self._sessions.setdefault(key, {})
        if complete:
            sessions.clear()
        sessions.update(answered)
        return list(answered.values())

    def forget(self, key: str, session_id: str) -> None:
        """A goodbye (`<key>.disconnected`) or a session that stopped answering."""
        self._sessions.get(key, {}).pop(session_id, None)

    def sessions(self, key: str) -> list[PluginSession]:
        """Live sessions of key, most recently seen first."""
        cutoff = time.monotonic() - self._stale_after
        alive = [s for s in self._sessions.get(key, {}).values() if s.last_seen >= cutoff]
        return sorted(alive, key=lambda s: s.last_seen, reverse=True)

    def find_tool(self, key: str, label: str | None, tool: str) -> PluginTool | None:
        """The tool in the most recently seen session of key (with label), if it is known."""
        for session in self.sessions(key):
            if (label is None or session.label == label) and tool in session.tools:
                return session.tools[tool]
        return None

    def keys(self) -> list[str]:
        return list(self._sessions)

    def _prune(self) -> None:
        """Drop sessions that stopped beating without a goodbye (killed plugins), once a minute."""
        now = time.monotonic()
        if now - self._pruned < 60:
            return
        self._pruned, cutoff = now, now - self._stale_after
        for key in list(self._sessions):
            alive = {sid: s for sid, s in self._sessions[key].items() if s.last_seen >= cutoff}
            if alive:
                self._sessions[key] = alive
            else:
                del self._sessions[key]
