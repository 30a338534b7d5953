"""/v1/llm_models and /v1/embeddings_models."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from codemill.auth.dependencies import CurrentPrincipal
from codemill.llm.catalogue import Catalogue
from codemill.llm.schemas import ModelEntryOut

router = APIRouter(prefix="/v1", tags=["models"])


def _catalogue(request: Request) -> Catalogue:
    catalogue: Catalogue = request.app.state.resources.catalogue
    return catalogue


@router.get("/llm_models", response_model=list[ModelEntryOut])
async def llm_models(request: Request, _: CurrentPrincipal) -> list[dict[str, Any]]:
    """Chat models users may pick for assistants."""
    return [m.out() for m in _catalogue(request).llm_models]


@router.get("/embeddings_models", response_model=list[ModelEntryOut])
async def embeddings_models(request: Request, _: CurrentPrincipal) -> list[dict[str, Any]]:
    """Embedding models datasources may use."""
    return [m.out() for m in _catalogue(request).embeddings_models]
