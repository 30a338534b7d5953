"""The work behind `codemill admin …` commands."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncSession

from codemill.assistants.rotation import rotate_assistant_secrets
from codemill.auth.changes import pending_changes
from codemill.auth.passwords import password_policy
from codemill.db.engine import make_engine, make_sessionmaker
from codemill.errors import NotFound, Unavailable
from codemill.integrations.keyring import build_cipher, generate_new_master_key
from codemill.integrations.rotation import rotate_all
from codemill.settings import Settings
from codemill.users import repository as users
from codemill.users import service as user_service


@asynccontextmanager
async def _session(url: str) -> AsyncIterator[AsyncSession]:
    engine = make_engine(url, pool_size=1)
    try:
        async with make_sessionmaker(engine)() as session:
            yield session
            await session.commit()
            pending_changes(session)
    finally:
        await engine.dispose()


async def create_user(
    settings: Settings, url: str, email: str, password: str, name: str | None, is_admin: bool
) -> None:
    """Create a local user (the password policy of settings.login applies)."""
    async with _session(url) as session:
        await user_service.create_user(
            session,
            email=email,
            password=password,
            password_policy=password_policy(settings.login),
            name=name,
            is_admin=is_admin,
        )


async def set_password(settings: Settings, url: str, email: str, password: str) -> None:
    """Set a local user's password (the password policy of settings.login applies)."""
    async with _session(url) as session:
        user = await users.get_by_email(session, email)
        if user is None:
            raise NotFound(f"no user with email {email}")
        await user_service.set_password(session, user, password, password_policy(settings.login))


async def rotate_keys(settings: Settings, url: str, new_master_key: bool) -> str:
    """Re-encrypt every integration secret and every assistant secret under the current master key (after
    generating one, if asked), in one transaction."""
    if new_master_key:
        try:
            generate_new_master_key(settings)
        except ValueError as exc:
            raise Unavailable(str(exc)) from exc
    cipher = build_cipher(settings)
    if cipher is None:
        raise Unavailable("no master key: set CODEMILL_MASTER_KEY")
    async with _session(url) as session:
        report = await rotate_all(session, cipher)
        sealed = await rotate_assistant_secrets(session, cipher)
    before = ", ".join(f"{key_id}: {count}" for key_id, count in sorted(report.previous_key_ids.items())) or "none"
    values = ", ".join(f"{key_id}: {count}" for key_id, count in sorted(sealed.previous_key_ids.items())) or "none"
    return (
        f"re-encrypted {report.reencrypted} integrations under key {report.current_key_id} (before: {before}); "
        f"re-sealed the secrets of {sealed.assistants} assistants and {sealed.versions} assistant versions "
        f"(values before: {values})"
    )
