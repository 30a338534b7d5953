"""Start-up work shared by serve and the CLI: the database (embedded or external), migrations, first admin."""

from __future__ import annotations

import logging
import secrets
import sys
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from codemill.assistants.marketplace_seed import seed_marketplace
from codemill.auth.passwords import PasswordPolicy, password_policy
from codemill.db.embedded import EmbeddedPostgres
from codemill.db.engine import make_engine, make_sessionmaker
from codemill.db.migrate import upgrade_to_head
from codemill.errors import CodemillError
from codemill.models import User
from codemill.settings import Settings
from codemill.users import repository as users
from codemill.users import service as user_service

log = logging.getLogger(__name__)

GENERATED_ADMIN_EMAIL = "admin@codemill.local"


@dataclass
class Database:
    """The database this process uses, and the embedded server if we run one."""

    url: str
    embedded: EmbeddedPostgres | None

    def close(self, stop_adopted: bool) -> None:
        """Stop the embedded server if we started it (or adopted it and are its owner)."""
        if self.embedded is not None and (stop_adopted or not self.embedded.adopted):
            self.embedded.stop()


def open_database(settings: Settings, migrate: bool | None = None) -> Database:
    """Start/adopt the embedded PostgreSQL or use CODEMILL_DATABASE_URL; migrate when asked or by default."""
    embedded: EmbeddedPostgres | None = None
    if settings.database_url is not None:
        url = settings.database_url.get_secret_value()
    else:
        embedded = EmbeddedPostgres(settings.data_dir / "postgres")
        url = embedded.start()
    if migrate if migrate is not None else settings.migrate_on_start:
        upgrade_to_head(url)
    return Database(url, embedded)


async def bootstrap_admin(settings: Settings, url: str) -> None:
    """Ensure the configured bootstrap admin exists; on a first start without one, generate and print it."""
    engine = make_engine(url, pool_size=1)
    try:
        async with make_sessionmaker(engine)() as session:
            maintainer = await _bootstrap(settings, session)
            if maintainer is not None and settings.seed_marketplace:
                await seed_marketplace(session, maintainer, maintainer.email)
            await session.commit()
    finally:
        await engine.dispose()


async def _bootstrap(settings: Settings, session: AsyncSession) -> User | None:
    """The bootstrap admin (the platform's maintainer), created or re-enabled; None when there is none."""
    email = settings.bootstrap_admin_email
    password = settings.bootstrap_admin_password.get_secret_value() if settings.bootstrap_admin_password else None
    policy = password_policy(settings.login)
    if email and password:
        problem = policy.problem(password)
        if problem is not None:
            # Refuse to start rather than create (or keep advertising) an admin with a guessable password.
            raise CodemillError(
                f"CODEMILL_BOOTSTRAP_ADMIN_PASSWORD is refused: {problem}",
                help="Set a stronger bootstrap admin password (see docs/configuration.md, login settings).",
            )
        user = await users.get_by_email(session, email)
        if user is None:
            user = await user_service.create_user(
                session,
                email=email,
                password=password,
                password_policy=policy,
                is_admin=True,
                is_maintainer=True,
                name="Admin",
            )
            log.info("bootstrap admin created", extra={"email": email})
        elif not user.is_admin or not user.is_active or not user.is_maintainer:
            # The bootstrap admin is the platform's maintainer: the one who makes other admins.
            user.is_admin, user.is_active, user.is_maintainer = True, True, True
            log.info("bootstrap admin re-enabled", extra={"email": email})
        return user
    if not settings.local_auth.enabled or await users.count_users(session) > 0:
        return None
    password = generate_admin_password(policy)
    generated = await user_service.create_user(
        session,
        email=GENERATED_ADMIN_EMAIL,
        password=password,
        password_policy=policy,
        is_admin=True,
        is_maintainer=True,
        name="Admin",
    )
    print(
        "\n"
        "  Codemill first start: an admin account was created.\n"
        f"    email:    {GENERATED_ADMIN_EMAIL}\n"
        f"    password: {password}\n"
        "  It is shown only this once. Change it with `codemill admin set-password`.\n",
        file=sys.stderr,
        flush=True,
    )
    return generated


def generate_admin_password(policy: PasswordPolicy) -> str:
    """A random URL-safe password (24+ characters) that meets the policy."""
    while True:
        password = secrets.token_urlsafe(max(18, policy.min_length))
        if policy.problem(password) is None:
            return password
