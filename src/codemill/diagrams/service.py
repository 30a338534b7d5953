"""Which renderer this process uses, and the rules every rendering follows."""

from __future__ import annotations

from codemill.diagrams.local import LocalMermaid
from codemill.diagrams.renderer import DiagramFormat, MermaidRenderer
from codemill.diagrams.server_client import MermaidServer
from codemill.errors import BadRequest, PayloadTooLarge
from codemill.settings import MermaidSettings


def build_renderer(settings: MermaidSettings) -> MermaidRenderer:
    """The configured Mermaid server, else the local Chromium renderer (started on first use)."""
    if settings.url:
        return MermaidServer(settings.url, settings.timeout_seconds)
    return LocalMermaid(settings)


async def render_diagram(renderer: MermaidRenderer, settings: MermaidSettings, code: str, fmt: DiagramFormat) -> bytes:
    """Check the source's size, then render it."""
    if not code.strip():
        raise BadRequest("code is empty", details={"field": "code"}, help="send Mermaid source, e.g. 'graph TD; A-->B'")
    if len(code) > settings.max_code_chars:
        raise PayloadTooLarge(
            f"the diagram is {len(code)} characters; at most {settings.max_code_chars} are rendered",
            details={"field": "code"},
        )
    return await renderer.render(code, fmt)
