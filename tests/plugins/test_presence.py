"""The backend's cache of running plugins."""

from __future__ import annotations

from codemill.plugins.presence import PluginPresence
from codemill.plugins.protocol import PluginTool
from tests.support.waiting import wait_until


def _tool(session: str, label: str, name: str = "_t") -> PluginTool:
    return PluginTool(name, "", {"type": "object", "properties": {}}, label, session, f"k.{session}.{label}.{name}")


def test_lists_fill_in_labels_and_complete_lists_replace_sessions():
    presence = PluginPresence()
    presence.seen("k", "s1")
    presence.seen("k", "s2")
    presence.listed("k", [_tool("s1", "laptop")], complete=False)
    assert {s.session_id: s.label for s in presence.sessions("k")} == {"s1": "laptop", "s2": ""}
    assert presence.find_tool("k", "laptop", "_t") is not None
    presence.listed("k", [_tool("s3", "ci")], complete=True)
    assert [s.session_id for s in presence.sessions("k")] == ["s3"]
    presence.forget("k", "s3")
    assert presence.sessions("k") == [] and presence.find_tool("k", None, "_t") is None


def test_sessions_that_stop_beating_go_stale_and_are_pruned():
    presence = PluginPresence(stale_after=0.0)
    presence.seen("k", "s1")
    wait_until(lambda: presence.sessions("k") == [], timeout=5, what="the session to go stale")
    presence._pruned -= 120  # a minute has passed
    presence.seen("other", "s2")
    assert presence.keys() == ["other"]
