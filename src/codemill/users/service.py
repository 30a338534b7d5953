"""Users: creation, personal projects, provisioning from identity providers, principal loading."""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy.ext.asyncio import AsyncSession

from codemill.auth.changes import user_changed
from codemill.auth.passwords import PasswordPolicy, hash_password, verify_password
from codemill.auth.principal import Principal
from codemill.errors import BadRequest, Conflict, NotFound, Unauthorized
from codemill.kit.json_types import JsonObject
from codemill.models import Project, ProjectMember, User
from codemill.models.base import utcnow
from codemill.projects import repository as projects
from codemill.users import repository as users
from codemill.users.schemas import UserDetailOut, user_detail_out

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def validate_email(email: str) -> str:
    """A normalised email, or 400."""
    email = email.strip().lower()
    if not EMAIL_RE.match(email) or len(email) > 320:
        raise BadRequest("Invalid email address", details={"field": "email", "value": email[:320]})
    return email


def validate_password(password: str, policy: PasswordPolicy, field: str = "password") -> None:
    """400 unless the password meets the policy (length, not a common or repeated one)."""
    problem = policy.problem(password)
    if problem is not None:
        raise BadRequest(
            problem,
            details={"field": field, "min_length": policy.min_length},
            help="Use a long passphrase of several unrelated words.",
        )


async def ensure_personal_project(session: AsyncSession, user: User) -> Project:
    """The user's personal project (named after their email), created when missing."""
    project = await projects.get(session, user.email)
    if project is None:
        project = Project(
            name=user.email,
            description=f"Personal Project for {user.email}",
            project_type="personal",
            created_by=user.id,
        )
        session.add(project)
        await session.flush()
    if await projects.membership(session, project.name, user.id) is None and project.created_by == user.id:
        session.add(ProjectMember(project_name=project.name, user_id=user.id, is_project_admin=False))
        await session.flush()
    return project


async def create_user(
    session: AsyncSession,
    *,
    email: str,
    username: str | None = None,
    password: str | None = None,
    password_policy: PasswordPolicy | None = None,
    name: str | None = None,
    is_admin: bool = False,
    is_maintainer: bool = False,
    auth_source: str = "local",
    subject: str | None = None,
    project_limit: int | None = None,
) -> User:
    """A new user with their personal project; 409 when the email or username is taken.

    A password is checked against `password_policy` (required with a password).
    """
    email = validate_email(email)
    username = (username or email).strip()
    if not 3 <= len(username) <= 320:
        raise BadRequest("Username must be 3 to 320 characters", details={"field": "username"})
    if password is not None:
        if password_policy is None:
            raise ValueError("a password needs the password policy to check it against")
        validate_password(password, password_policy)
    if await users.get_by_email(session, email) is not None:
        raise Conflict("A user with this email already exists", details={"field": "email"})
    if await users.get_by_username(session, username) is not None:
        raise Conflict("A user with this username already exists", details={"field": "username"})
    user = User(
        email=email,
        username=username,
        name=name or "",
        password_hash=hash_password(password) if password else None,
        is_admin=is_admin,
        is_maintainer=is_maintainer,
        auth_source=auth_source,
        subject=subject,
        project_limit=project_limit,
    )
    session.add(user)
    await session.flush()
    await ensure_personal_project(session, user)
    return user


async def set_password(session: AsyncSession, user: User, password: str, policy: PasswordPolicy) -> None:
    """Replace the password (checked against the policy); tokens issued before now stop working."""
    validate_password(password, policy, field="new_password")
    user.password_hash = hash_password(password)
    user.tokens_valid_after = utcnow()
    await session.flush()
    await user_changed(session, user.id)


async def rehash_password(session: AsyncSession, user: User, password: str) -> None:
    """Store a fresh hash of the (verified) current password under the current argon2 parameters."""
    user.password_hash = hash_password(password)
    await session.flush()


async def grant_projects(session: AsyncSession, user: User, names: Iterable[str], admin_names: Iterable[str]) -> bool:
    """Make the user a member of `names` (creating unknown projects) and admin of `admin_names`."""
    admin_set = {n for n in admin_names if n}
    changed = False
    for name in sorted({n for n in names if n} | admin_set):
        project = await projects.get(session, name)
        if project is None:
            session.add(Project(name=name[:200], project_type="shared", description=None))
            await session.flush()
        member = await projects.membership(session, name, user.id)
        if member is None:
            session.add(ProjectMember(project_name=name, user_id=user.id, is_project_admin=name in admin_set))
            changed = True
        elif name in admin_set and not member.is_project_admin:
            member.is_project_admin = True
            changed = True
    if changed:
        await session.flush()
        await user_changed(session, user.id)
    return changed


async def load_principal(session: AsyncSession, user_id: str) -> Principal | None:
    """The principal of an active user, or None."""
    user = await users.get(session, user_id)
    if user is None or not user.is_active:
        return None
    rows = (await users.memberships(session, [user.id]))[user.id]
    return principal_of(user, rows)


def principal_of(user: User, rows: list[tuple[ProjectMember, Project]]) -> Principal:
    """Build a principal from a user and their memberships."""
    default = next((m.project_name for m, _ in rows if m.is_default), None)
    personal = next((p.name for _, p in rows if p.project_type == "personal" and p.created_by == user.id), None)
    return Principal(
        user_id=user.id,
        email=user.email,
        username=user.username,
        name=user.name or user.username or user.id,
        is_admin=user.is_admin,
        is_maintainer=user.is_maintainer,
        auth_source=user.auth_source,
        picture=user.picture,
        project_limit=user.project_limit,
        projects={m.project_name: m.is_project_admin for m, _ in rows},
        display_names={p.name: p.display_name for _, p in rows},
        default_project=default,
        personal_project=personal,
        tokens_valid_after=user.tokens_valid_after.timestamp() if user.tokens_valid_after else None,
    )


async def caller(session: AsyncSession, principal: Principal) -> User:
    """The signed-in user's row (404 if it is gone)."""
    user = await users.get(session, principal.user_id)
    if user is None:
        raise NotFound("User not found")
    return user


async def set_preferences(session: AsyncSession, principal: Principal, changes: JsonObject) -> User:
    """Merge UI preferences into the caller's stored ones."""
    user = await caller(session, principal)
    user.preferences = {**(user.preferences or {}), **changes}
    await session.flush()
    return user


async def detail(session: AsyncSession, user: User) -> UserDetailOut:
    """A user as the sign-in answers show it (with their project memberships)."""
    return user_detail_out(user, (await users.memberships(session, [user.id]))[user.id])


async def change_password(
    session: AsyncSession, principal: Principal, current: str, new: str, policy: PasswordPolicy
) -> User:
    """Change the caller's password after checking the current one (401 when it is wrong)."""
    user = await caller(session, principal)
    if not verify_password(user.password_hash, current):
        raise Unauthorized("Current password is incorrect")
    await set_password(session, user, new, policy)
    return user
