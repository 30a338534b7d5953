"""Database checks: connect, the pgvector extension, migrations at head."""

from __future__ import annotations

import asyncio
from pathlib import Path
from urllib.parse import urlsplit

import asyncpg

from codemill.db.engine import libpq_dsn
from codemill.db.migrate import head_revisions
from codemill.doctor.report import CheckResult
from codemill.settings import Settings

EMBEDDED_DATABASE = "codemill"


def embedded_database_url(data_dir: Path) -> str | None:
    """The URL of the embedded PostgreSQL `codemill serve` runs under the data directory, if it is up.

    Read-only: reads postmaster.pid (port, "ready") and the generated password; starts nothing.
    """
    root = data_dir / "postgres"
    try:
        lines = (root / "data" / "postmaster.pid").read_text().splitlines()
        port = int(lines[3])
        password = (root / "password").read_text().strip()
    except (OSError, IndexError, ValueError):
        return None
    if len(lines) < 8 or lines[7].strip() != "ready":
        return None
    return f"postgresql://postgres:{password}@127.0.0.1:{port}/{EMBEDDED_DATABASE}"


def describe(dsn: str) -> str:
    """host:port/database, never the credentials."""
    parts = urlsplit(dsn)
    return f"{parts.hostname}:{parts.port or 5432}{parts.path}"


def resolve_url(settings: Settings) -> tuple[str | None, str]:
    """(asyncpg DSN or None, where it came from)."""
    if settings.database_url is not None:
        return libpq_dsn(settings.database_url.get_secret_value()), "CODEMILL_DATABASE_URL"
    return embedded_database_url(settings.data_dir), f"embedded under {settings.data_dir / 'postgres'}"


async def check_postgres(settings: Settings, wanted: set[str], call_timeout: float) -> list[CheckResult]:
    """The database results among `wanted` (database, pgvector, migrations)."""
    dsn, source = resolve_url(settings)
    if dsn is None:
        return [
            CheckResult.failed(
                "database",
                f"the embedded PostgreSQL is not running ({source})",
                "start `codemill serve` (it starts the embedded database), or set CODEMILL_DATABASE_URL",
            )
        ]
    try:
        conn = await asyncio.wait_for(asyncpg.connect(dsn, timeout=call_timeout), call_timeout)
    except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
        return [
            CheckResult.failed(
                "database",
                f"cannot connect to {describe(dsn)} ({source}): {type(exc).__name__}: {exc}",
                "check the host, port, user and password in CODEMILL_DATABASE_URL (the codemill-app Secret), "
                "that the database exists, and that the cluster's subnet may reach the server (firewall, "
                "private DNS); managed servers need ?ssl=require",
            )
        ]
    try:
        results = []
        if "database" in wanted:
            version = await conn.fetchval("show server_version")
            results.append(CheckResult.ok("database", f"PostgreSQL {version} at {describe(dsn)} ({source})"))
        if "pgvector" in wanted:
            results.append(await _pgvector(conn))
        if "migrations" in wanted:
            results.append(await _migrations(conn))
        return results
    finally:
        await conn.close(timeout=call_timeout)


async def _pgvector(conn: asyncpg.Connection) -> CheckResult:
    installed = await conn.fetchval("select extversion from pg_extension where extname = 'vector'")
    if installed:
        return CheckResult.ok("pgvector", f"vector extension {installed} installed")
    available = await conn.fetchval("select default_version from pg_available_extensions where name = 'vector'")
    if available:
        return CheckResult.failed(
            "pgvector",
            f"vector extension {available} is available but not created in this database",
            "run `codemill migrate` (it creates the extension); on Azure Flexible Server allow-list it first: "
            "server parameter azure.extensions must include VECTOR",
        )
    return CheckResult.failed(
        "pgvector",
        "the vector extension is not available on this server",
        "use PostgreSQL >= 15 with pgvector: Azure Flexible Server (allow-list VECTOR in azure.extensions), "
        "Cloud SQL (built in), or install the pgvector package on a self-managed server",
    )


async def _migrations(conn: asyncpg.Connection) -> CheckResult:
    heads = head_revisions()
    try:
        rows = await conn.fetch("select version_num from alembic_version")
    except asyncpg.UndefinedTableError:
        rows = []
    current = {row["version_num"] for row in rows}
    if current == heads:
        return CheckResult.ok("migrations", f"at head ({', '.join(sorted(heads)) or 'no migrations'})")
    return CheckResult.failed(
        "migrations",
        f"database at {', '.join(sorted(current)) or 'no revision'}, code expects {', '.join(sorted(heads))}",
        "run `codemill migrate` (in Kubernetes: the pre-upgrade migrations Job; see "
        "`kubectl logs job/<release>-migrations`)",
    )
