"""Usage records: every model call's tokens, cost from the catalogue, latency, and whom it served."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from codemill.kit.metrics import metrics
from codemill.llm import repository
from codemill.llm.catalogue import CatalogueModel
from codemill.llm.provider import Usage
from codemill.models.base import new_id, utcnow


@dataclass(frozen=True, slots=True)
class ModelCall:
    """One model call as the agent loop saw it."""

    model: CatalogueModel
    provider: str
    usage: Usage
    latency_ms: float
    status: str = "success"

    @property
    def cost(self) -> float:
        """USD, from the catalogue's per-token prices."""
        return cost_of(self.model, self.usage.input_tokens, self.usage.output_tokens)


@dataclass(frozen=True, slots=True)
class UsageOwner:
    """Who and what a call was made for."""

    user_id: str | None
    project: str | None
    assistant_id: str | None = None
    conversation_id: str | None = None
    source: str = "chat"


def cost_of(model: CatalogueModel, input_tokens: int, output_tokens: int) -> float:
    """The price of a call in USD."""
    return input_tokens * model.cost.input + output_tokens * model.cost.output


def usage_rows(owner: UsageOwner, calls: list[ModelCall]) -> list[dict[str, Any]]:
    """The llm_usage rows of these calls, as column -> value."""
    now = utcnow()
    return [
        {
            "id": new_id(),
            "created_at": now,
            "user_id": owner.user_id,
            "project": owner.project,
            "assistant_id": owner.assistant_id,
            "conversation_id": owner.conversation_id,
            "source": owner.source,
            "model": call.model.base_name,
            "provider": call.provider,
            "input_tokens": call.usage.input_tokens,
            "output_tokens": call.usage.output_tokens,
            "estimated": call.usage.estimated,
            "cost": call.cost,
            "latency_ms": round(call.latency_ms, 3),
            "status": call.status,
        }
        for call in calls
    ]


async def record_usage(session: AsyncSession, owner: UsageOwner, calls: list[ModelCall]) -> int:
    """Insert one usage row per call, in one statement (the caller's transaction commits them)."""
    rows = usage_rows(owner, calls)
    if rows:
        await repository.insert_usage_rows(session, rows)
    return len(rows)


def count_calls(calls: list[ModelCall]) -> None:
    """Add calls to the Prometheus counters of model calls and tokens (once the calls are stored)."""
    observed = metrics()
    for call in calls:
        observed.model_calls.labels(call.model.base_name, call.status).inc()
        observed.tokens.labels(call.model.base_name, "input").inc(call.usage.input_tokens)
        observed.tokens.labels(call.model.base_name, "output").inc(call.usage.output_tokens)
