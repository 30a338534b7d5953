"""FastAPI dependencies of the diagram routes: the process's Mermaid renderer."""

from __future__ import annotations

from typing import Annotated, cast

from fastapi import Depends, Request

from codemill.diagrams.renderer import MermaidRenderer


async def mermaid_renderer(request: Request) -> MermaidRenderer:
    """The renderer built once at start-up (Resources.mermaid)."""
    return cast(MermaidRenderer, request.app.state.resources.mermaid)


Mermaid = Annotated[MermaidRenderer, Depends(mermaid_renderer)]
