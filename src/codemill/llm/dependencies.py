"""FastAPI dependencies of the model catalogue."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from codemill.llm.catalogue import Catalogue


async def model_catalogue(request: Request) -> Catalogue:
    """The process's model catalogue (chat and embedding models)."""
    catalogue: Catalogue = request.app.state.resources.catalogue
    return catalogue


AppCatalogue = Annotated[Catalogue, Depends(model_catalogue)]
