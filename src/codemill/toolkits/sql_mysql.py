"""The `sql` tool's MySQL and MariaDB runner.

aiomysql (aio-libs, over PyMySQL, the maintained pure-Python MySQL protocol client: no compiled parts,
speaks both MySQL and MariaDB, streams rows with an unbuffered cursor). Its connect always asks for
multi-statement support, so the connection is made with that flag cleared: the server itself then
rejects a second statement. The session is made READ ONLY (`SET SESSION TRANSACTION READ ONLY`, so a
statement that commits implicitly, like DDL, still starts a read-only transaction) and the statement
runs in `START TRANSACTION READ ONLY` unless writes are allowed; the server refuses any write. A server
statement timeout (MySQL `max_execution_time`, SELECT only; MariaDB `max_statement_time`, every
statement) and a client-side timeout bound the call; at most ROW_LIMIT rows are read.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import aiomysql
import pymysql
from pymysql.constants import CLIENT

from codemill.toolkits.base import cut
from codemill.tools.base import ToolError

_FETCH_MARGIN_SECONDS = 5.0


class _OneStatementConnection(aiomysql.Connection):  # type: ignore[misc]
    """An aiomysql connection that does not ask for multi-statement support."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.client_flag &= ~CLIENT.MULTI_STATEMENTS


async def run_mysql(
    values: dict[str, Any],
    address: str,
    port: int,
    query: str,
    *,
    read_only: bool,
    row_limit: int,
    timeout_ms: int,
    connect_timeout: float,
) -> str:
    """Connect to the checked address, run one statement, return the rows (or the affected count) as JSON."""
    connection = _OneStatementConnection(
        host=address,
        port=port,
        user=str(values.get("username") or "") or None,
        password=str(values.get("password") or ""),
        db=str(values.get("database_name") or "") or None,
        connect_timeout=connect_timeout,
        local_infile=False,
        autocommit=False,
        program_name="codemill-sql",
    )
    try:
        # aiomysql.connect() would build the connection with multi-statements on; this is its own body.
        await connection._connect()
    except (OSError, TimeoutError, pymysql.MySQLError) as exc:
        connection.close()
        raise ToolError(f"Cannot connect to the database {values.get('url')}:{port}: {exc}") from exc
    try:
        async with asyncio.timeout(timeout_ms / 1000 + _FETCH_MARGIN_SECONDS):
            return await _run(connection, query, read_only=read_only, row_limit=row_limit, timeout_ms=timeout_ms)
    except TimeoutError as exc:
        raise ToolError(f"The query did not finish within {timeout_ms // 1000} seconds.") from exc
    except pymysql.MySQLError as exc:
        raise ToolError(f"The database refused the query: {_message(exc)}") from exc
    finally:
        # Closes the socket without reading what is left: the server rolls back an open transaction.
        connection.close()


async def _run(connection: Any, query: str, *, read_only: bool, row_limit: int, timeout_ms: int) -> str:
    setup = await connection.cursor()
    if "mariadb" in str(connection.get_server_info()).lower():
        await setup.execute(f"SET SESSION max_statement_time = {timeout_ms / 1000:.3f}")
    else:
        await setup.execute(f"SET SESSION max_execution_time = {int(timeout_ms)}")
    if read_only:
        await setup.execute("SET SESSION TRANSACTION READ ONLY")
    await setup.execute("START TRANSACTION READ ONLY" if read_only else "START TRANSACTION")
    await setup.close()
    cursor = await connection.cursor(aiomysql.SSCursor)
    # No arguments: the text goes as written (PyMySQL formats `%` only when arguments are given).
    await cursor.execute(query)
    if not cursor.description:
        affected = int(cursor.rowcount)
        await cursor.close()
        await _end(connection, read_only)
        return json.dumps({"status": "OK", "affected_rows": affected})
    columns = [d[0] for d in cursor.description]
    rows = list(await cursor.fetchmany(row_limit + 1))
    truncated = len(rows) > row_limit
    if not read_only:
        # A write with a result (MariaDB's RETURNING): the rest is read before the commit.
        await cursor.close()
        await _end(connection, read_only)
    body = {"columns": columns, "rows": [list(r) for r in rows[:row_limit]], "truncated": truncated}
    return cut(json.dumps(body, default=str))


async def _end(connection: Any, read_only: bool) -> None:
    await (connection.rollback() if read_only else connection.commit())


def _message(exc: pymysql.MySQLError) -> str:
    """`(1792, "Cannot execute ...")` as `1792: Cannot execute ...`."""
    if len(exc.args) == 2:
        return f"{exc.args[0]}: {exc.args[1]}"
    return str(exc)
