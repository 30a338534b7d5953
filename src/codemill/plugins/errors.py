"""Plugin failures the agent loop and the API show to users. Messages never contain the key."""

from __future__ import annotations

from codemill.errors import CodemillError


class PluginError(CodemillError):
    status = 502
    code = "plugin_error"


class PluginNotConnected(PluginError):
    """No running plugin of the key (with that label) answers."""

    status = 503
    code = "plugin_not_connected"


class PluginGone(PluginNotConnected):
    """The plugin disconnected while a call was running."""

    code = "plugin_disconnected"


class PluginTimeout(PluginError):
    status = 504
    code = "plugin_timeout"


class PluginToolNotFound(PluginError):
    status = 404
    code = "plugin_tool_not_found"


class PluginToolFailed(PluginError):
    """The plugin ran the tool and reported an error."""

    code = "plugin_tool_failed"


def describe(label: str | None, tool: str) -> str:
    """How a message names a call: `tool '_read_file' of plugin 'repo'`."""
    return f"tool '{tool}' of plugin '{label}'" if label else f"tool '{tool}'"
