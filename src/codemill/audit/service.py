"""Recording activity events: one additive call from the service that made the change, in its transaction."""

from __future__ import annotations

import enum
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from codemill.audit import repository
from codemill.models import User
from codemill.models.base import new_id, utcnow


class Domain(enum.StrEnum):
    """What part of the platform an event is about."""

    AUTHENTICATION = "authentication"
    USER_MANAGEMENT = "user_management"
    PROJECT_MANAGEMENT = "project_management"
    INTEGRATION_MANAGEMENT = "integration_management"
    BUDGET_MANAGEMENT = "budget_management"
    TOOL_EXECUTION = "tool_execution"


class Actor(Protocol):
    """Who acted (a Principal fits)."""

    @property
    def user_id(self) -> str: ...
    @property
    def email(self) -> str: ...
    @property
    def name(self) -> str: ...


class UserActor:
    """A user as an actor (a sign-in has no principal yet)."""

    def __init__(self, user: User) -> None:
        self.user_id, self.email, self.name = user.id, user.email, user.name


async def record(
    session: AsyncSession,
    actor: Actor | None,
    domain: Domain,
    event_type: str,
    *,
    entity_type: str | None = None,
    entity_id: str | None = None,
    attributes: dict[str, Any] | None = None,
) -> None:
    """Append one event (never a secret in `attributes`)."""
    await repository.append(
        session,
        {
            "id": new_id(),
            "created_at": utcnow(),
            "domain": domain.value,
            "event_type": event_type,
            "entity_type": entity_type,
            "entity_id": entity_id,
            "actor_id": actor.user_id if actor else None,
            "actor_email": actor.email if actor else None,
            "actor_name": (actor.name or actor.email) if actor else None,
            "attributes": attributes or {},
        },
    )
