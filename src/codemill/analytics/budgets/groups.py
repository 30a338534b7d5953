"""Project budget groups: a project's budget split into categories, each a share of one total, per period.

A category's spending is the project's usage of that kind (`premium_models`: models the catalogue marks
premium; `cli`: the CLI source; `platform`: everything else), read from the roll-ups like every other budget.
Periods are whole hours: a group's period starts at the hour it was created (or last reset) and repeats every
`budget_duration`. Chats and workflow runs are checked against the category they fall under before the model
runs (see service.ensure_within_budget), with the same at-most-one-turn overspend as other budgets.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from codemill.analytics.budgets import repository
from codemill.analytics.budgets.group_schemas import (
    BudgetCategory,
    CategoryOut,
    CategorySpec,
    GroupCreate,
    GroupListOut,
    GroupOut,
    GroupUpdate,
)
from codemill.analytics.periods import HOUR, floor_hour
from codemill.audit.service import Actor, Domain, record
from codemill.auth import policy
from codemill.auth.principal import Principal
from codemill.errors import BadRequest, Forbidden, NotFound, not_found
from codemill.models import ProjectBudgetGroup
from codemill.projects import repository as projects

SOFT_SHARE = 0.8  # a category's soft limit when none is given: 80% of its max, as CodeMie defaults it
UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
ACCESS_DENIED_HELP = "If you believe you should have access, please contact your system administrator."


def duration_of(text: str) -> timedelta:
    """'30d', '8h', '7200s' as a timedelta; a whole number of hours (the roll-ups' grain), at least one."""
    match = re.fullmatch(r"(\d+)([smhd])", text)
    seconds = int(match.group(1)) * UNITS[match.group(2)] if match else 0
    if seconds < 3600 or seconds % 3600:
        raise BadRequest(
            f"budget_duration: '{text}' is not a whole number of hours",
            details={"field": "budget_duration", "value": text},
            help="Use a duration such as '30d', '7d' or '12h' (at least one hour, whole hours).",
        )
    return timedelta(seconds=seconds)


def _check_categories(categories: dict[str, CategorySpec], total: float) -> dict[str, dict[str, float | None]]:
    """CodeMie's rules, answered with 400: known names, shares in [0, 100] summing to 100, platform present."""
    known = {c.value for c in BudgetCategory}
    unknown = sorted(set(categories) - known)
    if unknown:
        raise BadRequest(
            f"categories: unknown category {', '.join(unknown)}",
            details={"field": "categories", "unknown": unknown, "allowed": sorted(known)},
        )
    wrong = {name: spec.pct for name, spec in categories.items() if not 0 <= spec.pct <= 100}
    if wrong:
        raise BadRequest(
            "categories: a share must be between 0 and 100 percent",
            details={"field": "categories", "invalid": wrong},
        )
    kept = {name: spec for name, spec in categories.items() if spec.pct > 0}
    share = sum(spec.pct for spec in kept.values())
    if abs(share - 100) > 0.01:
        raise BadRequest(
            f"categories: the shares add up to {share:g}%, not 100%",
            details={"field": "categories", "reason": "sum_off", "sum": share},
        )
    if BudgetCategory.PLATFORM not in kept:
        raise BadRequest(
            "categories: the platform category is required",
            details={"field": "categories", "reason": "no_platform"},
        )
    for name, spec in kept.items():
        top = total * spec.pct / 100
        if spec.soft_budget is not None and spec.soft_budget > top:
            raise BadRequest(
                f"categories: the {name} soft budget is above its max of {top:g}",
                details={"field": "categories", "category": name, "soft_budget": spec.soft_budget, "max": top},
            )
    return {name: {"pct": spec.pct, "soft_budget": spec.soft_budget} for name, spec in kept.items()}


@dataclass(frozen=True, slots=True)
class CategoryState:
    """One category of a group and where it stands in the current period."""

    group: ProjectBudgetGroup
    category: str
    max_budget: float
    soft_budget: float
    spent: float
    resets_at: datetime

    @property
    def over_hard(self) -> bool:
        """At or past the category's max."""
        return self.spent >= self.max_budget

    @property
    def over_soft(self) -> bool:
        """At or past the category's soft limit."""
        return self.spent >= self.soft_budget

    def warning(self) -> dict[str, object]:
        """The soft-limit warning a chat carries."""
        return {
            "budget_id": f"{self.group.id}:{self.category}",
            "scope": "project_budget_group",
            "subject": self.group.project_name,
            "category": self.category,
            "current_spending": round(self.spent, 6),
            "soft_budget": self.soft_budget,
            "max_budget": self.max_budget,
            "budget_reset_at": self.resets_at.isoformat(),
            "message": f"The {self.category} budget of project '{self.group.project_name}' is past its soft "
            f"limit: ${self.spent:.4f} spent of ${self.soft_budget:.4f} this period.",
        }


def current_period(group: ProjectBudgetGroup, now: datetime) -> tuple[datetime, datetime, bool]:
    """[start, reset) of the group's current period, and whether it is the first since the anchor."""
    length = duration_of(group.budget_duration)
    anchor = group.period_anchor.astimezone(UTC)
    turns = max(int((now - anchor) / length), 0)
    start = anchor + turns * length
    return start, start + length, turns == 0


async def category_states(
    session: AsyncSession,
    group: ProjectBudgetGroup,
    premium: Sequence[str],
    now: datetime | None = None,
    only: str | None = None,
) -> list[CategoryState]:
    """Each category of the group (or just `only`) with its spending in the current period."""
    now = now or datetime.now(UTC)
    start, resets_at, first = current_period(group, now)
    states = []
    for name, spec in group.categories.items():
        if only is not None and name != only:
            continue
        top = group.total_amount * float(spec["pct"]) / 100
        soft = spec.get("soft_budget")
        spent = await repository.category_spending(
            session, group.project_name, name, premium, start, floor_hour(now) + HOUR
        )
        if first:
            spent -= float(group.spent_at_reset.get(name, 0.0))
        states.append(
            CategoryState(
                group, name, top, float(soft) if soft is not None else top * SOFT_SHARE, max(spent, 0), resets_at
            )
        )
    return states


def category_of_turn(model: str | None, premium: Sequence[str]) -> str:
    """The category a chat turn or workflow run falls under."""
    return BudgetCategory.PREMIUM_MODELS if model and model in premium else BudgetCategory.PLATFORM


async def states_for_turn(
    session: AsyncSession, project: str, model: str | None, premium: Sequence[str]
) -> list[CategoryState]:
    """The group categories a turn in this project on this model falls under."""
    category = category_of_turn(model, premium)
    found = []
    for group in await repository.groups_of(session, project):
        # A premium turn in a group without a premium category counts against the platform share.
        name = category if category in group.categories else BudgetCategory.PLATFORM
        found += await category_states(session, group, premium, only=name)  # one spending query per group
    return found


async def _members(session: AsyncSession, project: str) -> int:
    """How many members the project has (every category of its groups shows it)."""
    return (await projects.member_counts(session, [project])).get(project, (0, 0))[0]


async def _out(
    session: AsyncSession, group: ProjectBudgetGroup, premium: Sequence[str], members: int | None = None
) -> GroupOut:
    """The group as the API shows it; `members` when the caller has counted its project's members already."""
    if members is None:
        members = await _members(session, group.project_name)
    return GroupOut(
        group_id=group.id,
        project_name=group.project_name,
        name=group.name,
        budget_duration=group.budget_duration,
        total_amount=group.total_amount,
        description=group.description,
        created_by=group.created_by,
        created_at=group.created_at,
        updated_at=group.updated_at,
        deleted_at=group.deleted_at,
        notification_owner_email=group.notification_owner_email,
        soft_limit_notify_once=group.soft_limit_notify_once,
        categories=[
            CategoryOut(
                budget_id=f"{group.id}:{s.category}",
                category=s.category,
                max_budget=round(s.max_budget, 6),
                soft_budget=round(s.soft_budget, 6),
                budget_duration=group.budget_duration,
                member_count=members,
                # Codemill enforces a category on the project as a whole: no per-member allocations.
                allocated_member_budget_total=0.0,
                budget_reset_at=s.resets_at.isoformat(),
                created_at=group.created_at,
                current_spending=round(s.spent, 6),
            )
            for s in await category_states(session, group, premium)
        ],
    )


def _denied(details: str) -> Forbidden:
    return Forbidden("Access denied", details=details, help=ACCESS_DENIED_HELP)


async def _visible(session: AsyncSession, principal: Principal, group_id: str) -> ProjectBudgetGroup:
    """The group, for platform admins and its project's admins; 404 for everyone else (no id probing)."""
    group = await repository.get_group(session, group_id)
    if group is None or not policy.can_manage_project(principal, group.project_name):
        raise not_found("Project budget group", group_id)
    return group


async def create(session: AsyncSession, principal: Principal, body: GroupCreate, premium: Sequence[str]) -> GroupOut:
    """A new group on an existing project (platform admins)."""
    policy.require_budget_admin(principal)
    duration_of(body.budget_duration)
    categories = _check_categories(body.categories, body.total_amount)
    if await projects.get(session, body.project_name) is None:
        raise NotFound("Project not found", details={"project_name": body.project_name})
    group = ProjectBudgetGroup(
        project_name=body.project_name,
        name=body.name,
        description=body.description,
        total_amount=body.total_amount,
        budget_duration=body.budget_duration,
        categories=categories,
        notification_owner_email=body.notification_owner_email,
        soft_limit_notify_once=body.soft_limit_notify_once,
        period_anchor=floor_hour(datetime.now(UTC)),
        spent_at_reset={},
        created_by=principal.email,
    )
    await repository.add_group(session, group)
    await _audit(session, principal, "project_budget_group_created", group, body.model_dump(mode="json"))
    return await _out(session, group, premium)


async def list_for_project(
    session: AsyncSession, principal: Principal, project: str, premium: Sequence[str]
) -> GroupListOut:
    """A project's groups (platform admins and the project's admins)."""
    if not policy.can_manage_project(principal, project):
        raise _denied(f"You do not have permission to access project budgets for '{project}'.")
    members = await _members(session, project)  # the groups are all this project's: one count for the list
    items = [await _out(session, g, premium, members) for g in await repository.groups_of(session, project)]
    return GroupListOut(items=items, total=len(items))


async def get(session: AsyncSession, principal: Principal, group_id: str, premium: Sequence[str]) -> GroupOut:
    """One group with its categories' spending."""
    return await _out(session, await _visible(session, principal, group_id), premium)


async def update(
    session: AsyncSession, principal: Principal, group_id: str, body: GroupUpdate, premium: Sequence[str]
) -> GroupOut:
    """Change a group; a project admin may change only the category distribution."""
    group = await _visible(session, principal, group_id)
    changes = body.model_dump(exclude_unset=True, exclude_none=True)
    if not policy.is_platform_admin(principal) and set(changes) - {"categories"}:
        raise _denied("Project administrators may only update the categories field.")
    total = body.total_amount or group.total_amount
    if body.budget_duration is not None:
        duration_of(body.budget_duration)
    if body.categories is not None:
        group.categories = _check_categories(body.categories, total)
    elif body.total_amount is not None:
        specs = {
            name: CategorySpec(pct=s["pct"], soft_budget=s.get("soft_budget")) for name, s in group.categories.items()
        }
        _check_categories(specs, total)
    for name in ("name", "total_amount", "budget_duration", "description", "notification_owner_email"):
        if name in changes:
            setattr(group, name, changes[name])
    if body.soft_limit_notify_once is not None:
        group.soft_limit_notify_once = body.soft_limit_notify_once
    await repository.add_group(session, group)
    await _audit(
        session, principal, "project_budget_group_updated", group, body.model_dump(mode="json", exclude_unset=True)
    )
    return await _out(session, group, premium)


async def reset(session: AsyncSession, principal: Principal, group_id: str, premium: Sequence[str]) -> GroupOut:
    """Start a new period now, every category from zero (platform admins)."""
    policy.require_budget_admin(principal)
    group = await _visible(session, principal, group_id)
    now = datetime.now(UTC)
    anchor = floor_hour(now)
    spent = {}
    for name in group.categories:
        spent[name] = await repository.category_spending(
            session, group.project_name, name, premium, anchor, anchor + HOUR
        )
    group.period_anchor, group.spent_at_reset = anchor, spent
    await repository.add_group(session, group)
    await _audit(session, principal, "project_budget_group_reset", group, {"spent_in_reset_hour": spent})
    return await _out(session, group, premium)


async def delete(session: AsyncSession, principal: Principal, group_id: str) -> None:
    """Soft-delete a group (platform admins): its limits stop applying."""
    policy.require_budget_admin(principal)
    group = await _visible(session, principal, group_id)
    group.deleted_at = datetime.now(UTC)
    await repository.add_group(session, group)
    await _audit(session, principal, "project_budget_group_deleted", group, {"project_name": group.project_name})


async def _audit(
    session: AsyncSession, actor: Actor, action: str, group: ProjectBudgetGroup, attributes: dict[str, object]
) -> None:
    await record(
        session,
        actor,
        Domain.BUDGET_MANAGEMENT,
        action,
        entity_type="project_budget_group",
        entity_id=group.id,
        attributes=attributes,
    )
