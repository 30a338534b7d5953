"""Diagrams toolkit: `mermaid_diagram` checks Mermaid source by rendering it (the process's Mermaid renderer).

The model gets Mermaid's own parse error to correct, or the checked source as a ```mermaid block,
which the chat UI draws; /v1/files/diagram/mermaid turns the same source into SVG or PNG.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from codemill.diagrams.renderer import DiagramError, DiagramFormat, MermaidRenderer
from codemill.errors import CodemillError
from codemill.toolkits.base import Binding
from codemill.tools.base import ToolContext, ToolError

DIAGRAM_DESCRIPTION = (
    "Draw a diagram with Mermaid (flowchart, sequenceDiagram, classDiagram, erDiagram, gantt, ...): "
    "the source is rendered to check it; fix any error it reports and call again."
)
_PARAMETERS: dict[str, Any] = {
    "type": "object",
    "properties": {"code": {"type": "string", "description": "Mermaid source, e.g. 'graph TD; A-->B'"}},
    "required": ["code"],
}


@dataclass(slots=True)
class MermaidDiagram:
    """Renders the source as SVG; answers the checked source or Mermaid's error."""

    name: str = "mermaid_diagram"
    description: str = DIAGRAM_DESCRIPTION
    parameters: dict[str, Any] = field(default_factory=lambda: dict(_PARAMETERS))

    async def run(self, args: dict[str, Any], ctx: ToolContext) -> str:
        code = args.get("code")
        if not isinstance(code, str) or not code.strip():
            raise ToolError("code is required: the Mermaid source of the diagram")
        renderer = ctx.mermaid
        if renderer is None:
            raise ToolError("No Mermaid renderer is available in this process.")
        try:
            svg = await _render(renderer, code)
        except DiagramError as exc:
            raise ToolError(f"Mermaid cannot render this diagram: {exc.details}") from exc
        except CodemillError as exc:
            raise ToolError(f"The diagram could not be rendered: {exc.message}") from exc
        return f"Rendered ({len(svg)} bytes of SVG). Show it to the user as:\n```mermaid\n{code.strip()}\n```"


async def _render(renderer: MermaidRenderer, code: str) -> bytes:
    return await renderer.render(code, DiagramFormat.SVG)


def mermaid_diagram_tool(_binding: Binding) -> MermaidDiagram:
    return MermaidDiagram()
