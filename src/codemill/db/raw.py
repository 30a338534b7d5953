"""Raw statements on a small asyncpg pool of their own, for the chat's hot path.

SQLAlchemy's execution pipeline (compiling, caching, result processing) costs ~0.4 ms of CPU per statement, and
its session and pool another ~0.2 ms per checkout: as much as the rest of a small query's work in the API
process, and a chat turn runs several. A `RawSql` is written once with named parameters (`:name`, as in
`text()`), turned into asyncpg's `$n` once, and prepared by asyncpg once per connection.

Each statement commits on its own (a write that must be atomic is one statement: CTEs). jsonb and json
parameters are JSON text; their results come back parsed.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import asyncpg
import orjson

from codemill.db.engine import IDLE_CHECK_SECONDS, libpq_dsn

# `:name` parameters; not `::type` casts, not inside a word.
_PARAMETER = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")


@dataclass(frozen=True, slots=True)
class RawSql:
    """A statement in asyncpg's form and the names of its positional parameters."""

    sql: str
    names: tuple[str, ...]

    @classmethod
    def of(cls, sql: str) -> RawSql:
        """`sql` with `:name` parameters (each name becomes one `$n`, however often it is used)."""
        names: list[str] = []

        def number(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in names:
                names.append(name)
            return f"${names.index(name) + 1}"

        return cls(_PARAMETER.sub(number, sql), tuple(names))

    def arguments(self, values: Mapping[str, Any]) -> list[Any]:
        """The positional arguments (a missing name is an error, not a NULL)."""
        missing = [n for n in self.names if n not in values]
        if missing:
            raise KeyError(f"missing SQL parameters: {', '.join(missing)}")
        return [values[n] for n in self.names]


async def fetch_row(conn: asyncpg.Connection, statement: RawSql, values: Mapping[str, Any]) -> asyncpg.Record | None:
    """The first row of the statement's result, or None."""
    return await conn.fetchrow(statement.sql, *statement.arguments(values))


async def fetch_value(conn: asyncpg.Connection, statement: RawSql, values: Mapping[str, Any]) -> Any:
    """The first column of the first row (None without rows)."""
    return await conn.fetchval(statement.sql, *statement.arguments(values))


async def run(conn: asyncpg.Connection, statement: RawSql, values: Mapping[str, Any]) -> str:
    """Run a statement for its effect; its status (e.g. `UPDATE 1`)."""
    return str(await conn.execute(statement.sql, *statement.arguments(values)))


async def _json_codecs(conn: asyncpg.Connection) -> None:
    for name in ("json", "jsonb"):
        await conn.set_type_codec(name, encoder=str, decoder=orjson.loads, schema="pg_catalog", format="text")


async def _reset(conn: asyncpg.Connection) -> None:
    """Instead of asyncpg's reset on release (RESET ALL, UNLISTEN, CLOSE ALL…: a round trip per use): raw
    statements leave no session state, only a transaction a failure left open is ended."""
    if conn.is_in_transaction():
        await conn.execute("ROLLBACK")


class RawPool:
    """At most `size` asyncpg connections, opened on demand and closed after `idle_seconds` unused: a connection
    handed out was used moments ago (a database restart shows as new connections, not as failing old ones), and
    an idle server keeps none. Waiters get connections in turn."""

    def __init__(
        self, database_url: str, size: int, *, idle_seconds: float = IDLE_CHECK_SECONDS, name: str = "codemill-raw"
    ) -> None:
        self._dsn = libpq_dsn(database_url)
        self._size = size
        self._idle_seconds = idle_seconds
        self._name = name
        self._pool: asyncpg.Pool | None = None
        self._opening = asyncio.Lock()

    @asynccontextmanager
    async def acquire(self) -> AsyncIterator[asyncpg.Connection]:
        """A connection for a few statements."""
        pool = self._pool or await self._open()
        async with pool.acquire() as conn:
            yield conn

    async def _open(self) -> asyncpg.Pool:
        async with self._opening:
            if self._pool is None:
                self._pool = await asyncpg.create_pool(
                    self._dsn,
                    min_size=0,
                    max_size=self._size,
                    max_inactive_connection_lifetime=self._idle_seconds,
                    init=_json_codecs,
                    reset=_reset,
                    server_settings={"application_name": self._name},
                )
            return self._pool

    async def close(self) -> None:
        """Close the connections."""
        if self._pool is not None:
            await self._pool.close()
            self._pool = None
