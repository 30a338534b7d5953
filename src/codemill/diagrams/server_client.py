"""A Mermaid server speaking mermaid.ink's API (the chart's Mermaid component, or `codemill mermaid`).

GET /svg/<encoded> answers SVG, GET /img/<encoded>?type=png answers PNG; a 4xx means the source is invalid.
"""

from __future__ import annotations

import httpx

from codemill.diagrams.encoding import encode
from codemill.diagrams.renderer import DiagramError, DiagramFormat
from codemill.errors import UpstreamError

SERVER_HELP = "check that the Mermaid server runs and CODEMILL_MERMAID__URL points at it (`codemill doctor`)"


def render_path(code: str, fmt: DiagramFormat) -> str:
    """The path (and query) that asks a mermaid.ink server for this diagram."""
    if fmt is DiagramFormat.SVG:
        return f"/svg/{encode(code)}"
    return f"/img/{encode(code)}?type=png"


class MermaidServer:
    """The client of one Mermaid server URL."""

    def __init__(self, url: str, timeout_seconds: float) -> None:
        self.url = url.rstrip("/")
        self._http = httpx.AsyncClient(timeout=timeout_seconds, follow_redirects=False)

    async def render(self, code: str, fmt: DiagramFormat) -> bytes:
        try:
            response = await self._http.get(self.url + render_path(code, fmt))
        except httpx.HTTPError as exc:
            raise UpstreamError(f"the Mermaid server at {self.url} failed: {exc}", help=SERVER_HELP) from exc
        if 400 <= response.status_code < 500:
            raise DiagramError("Mermaid cannot render this diagram", details=response.text[:2000])
        if response.status_code != 200:
            raise UpstreamError(
                f"the Mermaid server at {self.url} answered HTTP {response.status_code}", help=SERVER_HELP
            )
        return response.content

    async def aclose(self) -> None:
        await self._http.aclose()
