"""Typed dependencies of the analytics routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from codemill.llm.catalogue import Catalogue


async def premium_models(request: Request) -> tuple[str, ...]:
    """Base names of the catalogue's premium chat models (the premium_models budget category)."""
    catalogue: Catalogue = request.app.state.resources.catalogue
    return catalogue.premium_llms()


PremiumModels = Annotated[tuple[str, ...], Depends(premium_models)]
