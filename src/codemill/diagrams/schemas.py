"""API shapes of /v1/files/diagram/mermaid (CodeMie's MermaidDiagramRequest / MermaidDiagramResponse)."""

from __future__ import annotations

import enum

from pydantic import BaseModel, Field


class DiagramResponseType(enum.StrEnum):
    FILE = "file"
    RAW = "raw"


class MermaidDiagramIn(BaseModel):
    code: str = Field(description="Mermaid diagram source")


class MermaidDiagramOut(BaseModel):
    file_url: str = Field(description="The rendered diagram as a data: URL")
