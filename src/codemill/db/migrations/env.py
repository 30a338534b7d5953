"""Alembic environment: async engine, one advisory lock so concurrent replicas migrate one at a time."""

from __future__ import annotations

import asyncio
import concurrent.futures

from alembic import context
from sqlalchemy import Connection, text
from sqlalchemy.ext.asyncio import create_async_engine

from codemill.models import Base

MIGRATION_LOCK_ID = 7_311_202_611

target_metadata = Base.metadata


def _collapse_superseded_versions(connection: Connection) -> None:
    """Databases made while the history still branched off 0001 record one row per branch (0002..0005),
    which are now ancestors of one another; keep only the newest, or Alembic refuses to upgrade them."""
    exists = connection.execute(text("SELECT to_regclass('alembic_version') IS NOT NULL")).scalar_one()
    if not exists:
        return
    current = {str(r) for r in connection.execute(text("SELECT version_num FROM alembic_version")).scalars()}
    if len(current) <= 1:
        return
    revisions = context.script.revision_map
    ancestors = {
        newer: {r.revision for r in revisions.iterate_revisions(newer, "base") if r is not None} - {newer}
        for newer in current
    }
    newest = max(current, key=lambda rev: len(ancestors[rev]))
    missing = ancestors[newest] - current - {"0001"}
    if missing:  # a branch was never applied: keeping only the newest row would skip it
        raise RuntimeError(
            f"the database records migrations {sorted(current)} but not {sorted(missing)}; "
            "upgrade it with the Codemill version that made it, or start from a new data directory"
        )
    connection.execute(
        text("DELETE FROM alembic_version WHERE version_num = ANY(:old)"), {"old": sorted(current - {newest})}
    )
    connection.commit()


def _run(connection: Connection) -> None:
    connection.execute(text("SELECT pg_advisory_lock(:id)"), {"id": MIGRATION_LOCK_ID})
    try:
        _collapse_superseded_versions(connection)
        context.configure(connection=connection, target_metadata=target_metadata, compare_type=True)
        with context.begin_transaction():
            context.run_migrations()
    except BaseException:
        connection.rollback()  # so the unlock below runs and the real error is the one reported
        raise
    finally:
        connection.execute(text("SELECT pg_advisory_unlock(:id)"), {"id": MIGRATION_LOCK_ID})
        connection.commit()


async def _run_async() -> None:
    url = context.config.get_main_option("sqlalchemy.url")
    assert url is not None
    engine = create_async_engine(url)
    async with engine.connect() as connection:
        await connection.run_sync(_run)
    await engine.dispose()


def run_migrations_online() -> None:
    """Alembic's entry point; from inside a running event loop it migrates on a helper thread."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        asyncio.run(_run_async())
        return
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, _run_async()).result()


run_migrations_online()
