"""/v1/llm_models and /v1/embeddings_models."""

from __future__ import annotations

from fastapi import APIRouter

from codemill.auth.dependencies import CurrentPrincipal
from codemill.llm.dependencies import AppCatalogue
from codemill.llm.schemas import ModelEntryOut

router = APIRouter(prefix="/v1", tags=["models"])


@router.get("/llm_models", response_model=list[ModelEntryOut])
async def llm_models(catalogue: AppCatalogue, _: CurrentPrincipal) -> list[ModelEntryOut]:
    """Chat models users may pick for assistants."""
    return [ModelEntryOut.model_validate(m.out()) for m in catalogue.llm_models]


@router.get("/embeddings_models", response_model=list[ModelEntryOut])
async def embeddings_models(catalogue: AppCatalogue, _: CurrentPrincipal) -> list[ModelEntryOut]:
    """Embedding models datasources may use."""
    return [ModelEntryOut.model_validate(m.out()) for m in catalogue.embeddings_models]
