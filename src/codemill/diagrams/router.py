"""/v1/files/diagram/mermaid as the CodeMie SDK's MermaidService calls it."""

from __future__ import annotations

import base64

from fastapi import APIRouter, Response

from codemill.auth.dependencies import AppSettings, CurrentPrincipal
from codemill.diagrams.dependencies import Mermaid
from codemill.diagrams.renderer import DiagramFormat
from codemill.diagrams.schemas import DiagramResponseType, MermaidDiagramIn, MermaidDiagramOut
from codemill.diagrams.service import render_diagram

router = APIRouter(prefix="/v1/files", tags=["Mermaid rendering"])


@router.post(
    "/diagram/mermaid",
    response_model=MermaidDiagramOut,
    responses={200: {"content": {"image/svg+xml": {}, "image/png": {}}}},
)
async def mermaid_diagram(
    body: MermaidDiagramIn,
    principal: CurrentPrincipal,
    settings: AppSettings,
    renderer: Mermaid,
    content_type: DiagramFormat = DiagramFormat.SVG,
    response_type: DiagramResponseType = DiagramResponseType.FILE,
) -> MermaidDiagramOut | Response:
    """Render Mermaid source as SVG or PNG: the image itself (raw) or a URL holding it (file)."""
    image = await render_diagram(renderer, settings.mermaid, body.code, content_type)
    if response_type is DiagramResponseType.RAW:
        return Response(image, media_type=content_type.media_type)
    encoded = base64.b64encode(image).decode()
    return MermaidDiagramOut(file_url=f"data:{content_type.media_type};base64,{encoded}")
