"""Alembic, driven from code: `codemill migrate` and the embedded start both call upgrade_to_head."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.ext.asyncio import AsyncEngine

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config(url: str) -> Config:
    """An Alembic config for `url`, with our migrations folder and file naming."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("file_template", "%%(year)d-%%(month).2d-%%(day).2d-%%(hour).2d%%(minute).2d_%%(slug)s")
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade_to_head(url: str) -> None:
    """Apply every pending migration (serialised across processes by an advisory lock in env.py)."""
    command.upgrade(alembic_config(url), "head")


def head_revisions() -> set[str]:
    """The newest migration revisions shipped with this code."""
    return set(ScriptDirectory.from_config(alembic_config("postgresql://unused")).get_heads())


async def current_revisions(engine: AsyncEngine) -> set[str]:
    """The revisions the database is at."""
    async with engine.connect() as conn:
        heads = await conn.run_sync(lambda sync: MigrationContext.configure(sync).get_current_heads())
    return set(heads)
