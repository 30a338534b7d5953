"""/v1/assistants/builtin_subagents: the sub-agents an assistant or a skill may enable (HTTP only)."""

from __future__ import annotations

from fastapi import APIRouter

from codemill.assistants.builtin_subagents import CATALOGUE, BuiltinSubagent
from codemill.auth.dependencies import CurrentPrincipal

router = APIRouter(prefix="/v1/assistants", tags=["assistants"])


@router.get("/builtin_subagents", response_model=list[BuiltinSubagent])
async def builtin_subagents(principal: CurrentPrincipal) -> list[BuiltinSubagent]:
    """The built-in sub-agent catalogue."""
    del principal  # signed-in users only
    return list(CATALOGUE)
