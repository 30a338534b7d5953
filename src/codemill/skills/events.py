"""Skill lifecycle events reported by clients (installs and removals by coding agents) and their counts.

Everyone records their own events; platform admins read everyone's, others their own.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from codemill.auth import policy
from codemill.auth.principal import Principal
from codemill.models import SkillEvent
from codemill.skills import repository
from codemill.skills.schemas import SkillEventCreate


async def record(session: AsyncSession, principal: Principal, body: SkillEventCreate) -> SkillEvent:
    """Store one event."""
    extra = {
        k: v
        for k, v in body.model_dump(
            include={"scope", "error_code", "agent_selection_mode", "agent_version", "repository", "branch"}
        ).items()
        if v
    }
    event = SkillEvent(
        user_id=principal.user_id,
        session_id=body.session_id,
        command=body.command,
        status=body.status,
        skill_slug=body.skill_slug,
        skill_name=body.skill_name,
        skill_id=body.skill_id,
        source=body.source,
        target_agents=list(body.target_agents or []),
        agent=body.agent,
        project=body.project,
        attributes=(body.attributes or {}) | extra,
    )
    session.add(event)
    await session.flush()
    return event


def _whose(principal: Principal) -> str | None:
    return None if policy.is_platform_admin(principal) else principal.user_id


async def list_events(
    session: AsyncSession,
    principal: Principal,
    since: datetime | None,
    until: datetime | None,
    offset: int,
    limit: int,
) -> Sequence[SkillEvent]:
    """The event log, newest first."""
    return await repository.events(session, _whose(principal), since, until, offset, limit)


def _totals(rows: Sequence[tuple[str | None, str, str, int]]) -> dict[str | None, dict[str, Any]]:
    stats: dict[str | None, dict[str, Any]] = {}
    for slug, command, agent, count in rows:
        entry = stats.setdefault(slug, {"skill_slug": slug, "installs": 0, "removals": 0, "by_agent": defaultdict(int)})
        if command == "add":
            entry["installs"] += count
            entry["by_agent"][agent] += count
        else:
            entry["removals"] += count
    return stats


async def stats(
    session: AsyncSession,
    principal: Principal,
    since: datetime | None,
    until: datetime | None,
    offset: int,
    limit: int,
) -> list[dict[str, Any]]:
    """Installs and removals per skill (installs by agent), most installed first."""
    totals = _totals(await repository.completed_changes(session, _whose(principal), since, until, None))
    ranked = sorted(totals.values(), key=lambda e: (-e["installs"], e["skill_slug"] or ""))
    return [e | {"by_agent": dict(e["by_agent"])} for e in ranked[offset : offset + limit]]


async def stats_of(session: AsyncSession, principal: Principal, slug: str) -> dict[str, Any]:
    """Installs and removals of one skill."""
    totals = _totals(await repository.completed_changes(session, _whose(principal), None, None, slug))
    entry = totals.get(slug, {"installs": 0, "removals": 0, "by_agent": {}})
    return {"installs": entry["installs"], "removals": entry["removals"], "by_agent": dict(entry["by_agent"])}
