"""Data Management toolkit: CodeMie's `sql` tool over an SQL integration.

PostgreSQL through asyncpg (already Codemill's driver: async, no extra dependency). Every query runs
in a READ ONLY transaction unless the integration sets `allow_writes`; PostgreSQL itself then refuses
any write, whatever the statement looks like. One statement per call (a prepared statement cannot
hold two), a statement timeout, and at most `row_limit` rows come back. The host is checked by the
SSRF guard (private addresses only when the settings allow them) and the connection goes to the
checked address. MySQL and MariaDB (dialect `mysql` or `mariadb`) run in `sql_mysql.py` with the same
guarantees. SQL Server integrations are refused with a clear message (no driver or server to test it here).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import asyncpg

from codemill.kit.outbound import OutboundFailed, OutboundRefused
from codemill.toolkits.base import Binding, cut, integration, outbound
from codemill.tools.base import ToolContext, ToolError

ROW_LIMIT = 200
STATEMENT_TIMEOUT_MS = 30_000
CONNECT_TIMEOUT_SECONDS = 10.0
_POSTGRES, _MYSQL = ("postgres", "postgresql"), ("mysql", "mariadb")
_READING = re.compile(r"^\s*(select|with|show|explain|values|table)\b", re.I)
SQL_DESCRIPTION = (
    "Run one SQL statement on the database of the SQL integration (PostgreSQL, MySQL or MariaDB) and get the rows back as JSON "
    "(at most 200 rows). The database is read-only unless the integration allows writes. "
    "List tables with: SELECT table_schema, table_name FROM information_schema.tables WHERE table_schema NOT IN "
    "('pg_catalog', 'information_schema') (PostgreSQL), or SHOW TABLES (MySQL, MariaDB)."
)
_PARAMETERS: dict[str, Any] = {
    "type": "object",
    "properties": {"sql_query": {"type": "string", "description": "One SQL statement"}},
    "required": ["sql_query"],
}


def allows_writes(values: dict[str, Any]) -> bool:
    """Whether the integration lets queries write (off unless set to true)."""
    flag = values.get("allow_writes")
    return flag is True or str(flag).strip().lower() in ("true", "1", "yes")


@dataclass(slots=True)
class SqlTool:
    """CodeMie's `sql` tool."""

    binding: Binding
    name: str = "sql"
    label: str = "SQL"
    description: str = SQL_DESCRIPTION
    parameters: dict[str, Any] = field(default_factory=lambda: _PARAMETERS)

    def writes_for(self, args: dict[str, Any]) -> bool:
        """A statement that does not start as a read waits for approval (the database still enforces read-only)."""
        return not _READING.match(str(args.get("sql_query") or ""))

    async def run(self, args: dict[str, Any], ctx: ToolContext) -> str:
        """Run the statement in a (read-only unless allowed) transaction."""
        query = str(args.get("sql_query") or "").strip()
        if not query:
            raise ToolError("The argument 'sql_query' is required.")
        found = await integration(ctx, self.binding, "SQL")
        values = found.values
        dialect = str(values.get("dialect") or "postgres").lower()
        if dialect not in _POSTGRES + _MYSQL:
            raise ToolError(
                f"The SQL tool supports PostgreSQL, MySQL and MariaDB integrations, not {dialect}"
                + (" (SQL Server is not supported yet)." if dialect == "mssql" else ".")
            )
        host = str(values.get("url") or "")
        port = int(values.get("port") or (3306 if dialect in _MYSQL else 5432))
        address = await _checked_address(ctx, host, port)
        if dialect in _MYSQL:
            # Imported on first use: the MySQL client costs ~8 MB in every process that never uses it.
            from codemill.toolkits.sql_mysql import run_mysql

            return await run_mysql(
                values,
                address,
                port,
                query,
                read_only=not allows_writes(values),
                row_limit=ROW_LIMIT,
                timeout_ms=STATEMENT_TIMEOUT_MS,
                connect_timeout=CONNECT_TIMEOUT_SECONDS,
            )
        try:
            connection = await asyncpg.connect(
                host=address,
                port=port,
                user=str(values.get("username") or "") or None,
                password=str(values.get("password") or "") or None,
                database=str(values.get("database_name") or "") or None,
                timeout=CONNECT_TIMEOUT_SECONDS,
                server_settings={"statement_timeout": str(STATEMENT_TIMEOUT_MS), "application_name": "codemill-sql"},
            )
        except (OSError, TimeoutError, asyncpg.PostgresError) as exc:
            raise ToolError(f"Cannot connect to the database {host}:{port}: {exc}") from exc
        try:
            return await _run(connection, query, read_only=not allows_writes(values))
        except asyncpg.PostgresError as exc:
            raise ToolError(f"The database refused the query: {exc}") from exc
        finally:
            await connection.close()


async def _checked_address(ctx: ToolContext, host: str, port: int) -> str:
    if not host:
        raise ToolError("The SQL integration has no host (url).")
    try:
        target = await outbound(ctx).check(f"http://{host.strip('[]')}:{port}")
    except (OutboundRefused, OutboundFailed) as exc:
        raise ToolError(str(exc)) from exc
    return target.addresses[0]


async def _run(connection: asyncpg.Connection, query: str, *, read_only: bool) -> str:
    async with connection.transaction(readonly=read_only):
        statement = await connection.prepare(query)
        columns = [a.name for a in statement.get_attributes()]
        if not columns:
            # No rows to return (a write, DDL): its command tag. The text prepared above as one statement.
            return json.dumps({"status": await connection.execute(query)})
        cursor = await statement.cursor()
        rows = await cursor.fetch(ROW_LIMIT + 1)
    body = {
        "columns": columns,
        "rows": [list(r.values()) for r in rows[:ROW_LIMIT]],
        "truncated": len(rows) > ROW_LIMIT,
    }
    return cut(json.dumps(body, default=str))


def sql_tool(binding: Binding) -> SqlTool:
    """The `sql` tool bound to an assistant."""
    return SqlTool(binding)
