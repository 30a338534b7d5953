"""FastAPI dependencies of the plugin routes: the process's plugin engine."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from codemill.plugins.engine import PluginEngine


async def plugin_engine(request: Request) -> PluginEngine:
    """The plugin engine (NATS, the auth callout, the client that lists and calls plugin tools)."""
    engine: PluginEngine = request.app.state.resources.plugins
    return engine


AppPluginEngine = Annotated[PluginEngine, Depends(plugin_engine)]
