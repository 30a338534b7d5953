"""Plugin tools as agent tools: names, schemas, results, and errors the model can read."""

from __future__ import annotations

from typing import Any

import pytest

from codemill.plugins import NatsCredentials, PluginClient
from codemill.plugins.agent_tools import plugin_agent_tools
from codemill.plugins.fake_plugin import FakePlugin, FakeTool
from codemill.tools.base import Tool, ToolError

from .conftest import PluginKey


def _tools(label: str) -> list[FakeTool]:
    async def where(args: dict[str, Any]) -> str:
        return f"{label}:{args['path']}"

    async def broken(args: dict[str, Any]) -> str:
        raise RuntimeError("no such disk")

    schema = {"type": "object", "properties": {"path": {"type": "string"}}, "required": ["path"]}
    return [FakeTool("_where", where, "Where a path is", schema), FakeTool("_broken", broken)]


async def test_plugin_tools_become_agent_tools(
    nats_credentials: NatsCredentials, plugin_client: PluginClient, plugin_key: PluginKey
):
    laptop = FakePlugin(nats_credentials.url, plugin_key.key, _tools("laptop"), label="laptop")
    ci = FakePlugin(nats_credentials.url, plugin_key.key, _tools("ci@box"), label="ci@box")
    await laptop.start()
    await ci.start()
    try:
        only_laptop = {t.name: t for t in await plugin_agent_tools(plugin_client, plugin_key.key, "laptop")}
        both = {t.name for t in await plugin_agent_tools(plugin_client, plugin_key.key)}
        where = only_laptop["_where"]
        assert isinstance(where, Tool)
        assert where.parameters["required"] == ["path"] and where.description == "Where a path is"
        assert await where.run({"path": "a.txt"}, None) == "laptop:a.txt"  # type: ignore[arg-type]
        with pytest.raises(ToolError, match="no such disk"):
            await only_laptop["_broken"].run({}, None)  # type: ignore[arg-type]
    finally:
        await laptop.stop()
        await ci.stop()
    assert both == {"_where__laptop", "_where__ci_box", "_broken__laptop", "_broken__ci_box"}
    with pytest.raises(ToolError, match="plugin 'laptop' is not connected"):
        await where.run({"path": "a.txt"}, None)  # type: ignore[arg-type]
