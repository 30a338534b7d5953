"""FastAPI dependencies of the model catalogue."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from codemill.llm.catalogue import Catalogue
from codemill.llm.gateway import LLMGateway


async def model_catalogue(request: Request) -> Catalogue:
    """The process's model catalogue (chat and embedding models)."""
    catalogue: Catalogue = request.app.state.resources.catalogue
    return catalogue


AppCatalogue = Annotated[Catalogue, Depends(model_catalogue)]


async def llm_gateway(request: Request) -> LLMGateway:
    """The process's LLM gateway (models and the providers serving them)."""
    gateway: LLMGateway = request.app.state.resources.llm
    return gateway


AppLLM = Annotated[LLMGateway, Depends(llm_gateway)]
