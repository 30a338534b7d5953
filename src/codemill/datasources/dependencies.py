"""FastAPI dependencies of datasources: the embedder that search uses."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from codemill.search.embeddings import Embedder


async def embedder(request: Request) -> Embedder:
    """The process's embedder (the one indexing uses, so query and chunk vectors match)."""
    found: Embedder = request.app.state.resources.indexing.embedder
    return found


AppEmbedder = Annotated[Embedder, Depends(embedder)]
