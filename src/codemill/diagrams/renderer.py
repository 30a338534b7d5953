"""The renderer port: Mermaid source in, SVG or PNG bytes out; a DiagramError names what is wrong."""

from __future__ import annotations

import enum
from typing import Protocol, runtime_checkable

from codemill.errors import Unprocessable


class DiagramFormat(enum.StrEnum):
    SVG = "svg"
    PNG = "png"

    @property
    def media_type(self) -> str:
        return "image/svg+xml" if self is DiagramFormat.SVG else "image/png"


class DiagramError(Unprocessable):
    """Mermaid refused the source (a syntax error): the message is Mermaid's own."""


@runtime_checkable
class MermaidRenderer(Protocol):
    """Something that renders Mermaid: a Mermaid server or the local Chromium renderer."""

    async def render(self, code: str, fmt: DiagramFormat) -> bytes:
        """The diagram as `fmt`; DiagramError when the source is not valid Mermaid."""
        ...

    async def aclose(self) -> None:
        """Release the browser or connections."""
        ...
