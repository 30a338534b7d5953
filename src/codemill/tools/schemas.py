"""Toolkits as the API lists them (CodeMie's ToolKitDetails): built-in, external toolkits and the Plugin toolkit."""

from __future__ import annotations

from codemill.kit.api_schemas import OpenOut


class ToolOut(OpenOut):
    name: str
    label: str | None = None
    description: str | None = None
    user_description: str | None = None
    settings_config: bool = False


class ToolkitOut(OpenOut):
    """CodeMie's ToolKitDetails."""

    toolkit: str
    label: str | None = None
    settings_config: bool = False
    is_external: bool = False
    tools: list[ToolOut]
