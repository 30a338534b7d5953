"""Statements run on the session's asyncpg connection itself, for the chat's hot path.

SQLAlchemy's execution pipeline (compiling, caching, result processing) costs ~0.4 ms of CPU per statement:
as much as the rest of a small query's work in the API process, and a chat turn runs several. A `RawSql`
is written once with named parameters (`:name`, as in `text()`), turned into asyncpg's `$n` once, and run
on the driver connection of a session, prepared by asyncpg once per connection.

Only in autocommit sessions (`db.engine.reading`): SQLAlchemy starts its transaction lazily, so a statement
sent around it in a `session.begin()` block would run outside that transaction: a write that must be atomic
is one statement (CTEs). jsonb parameters are JSON text and jsonb results come back
parsed (the codecs SQLAlchemy's dialect sets on every connection).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast

import asyncpg
from sqlalchemy.ext.asyncio import AsyncSession

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


async def driver(session: AsyncSession) -> asyncpg.Connection:
    """The asyncpg connection under an (autocommit) session."""
    connection = await session.connection()
    raw = await connection.get_raw_connection()
    return cast(asyncpg.Connection, raw.driver_connection)


async def fetch_row(session: AsyncSession, statement: RawSql, values: Mapping[str, Any]) -> asyncpg.Record | None:
    """The first row of the statement's result, or None."""
    return await (await driver(session)).fetchrow(statement.sql, *statement.arguments(values))


async def fetch_value(session: AsyncSession, statement: RawSql, values: Mapping[str, Any]) -> Any:
    """The first column of the first row (None without rows)."""
    return await (await driver(session)).fetchval(statement.sql, *statement.arguments(values))


async def run(session: AsyncSession, statement: RawSql, values: Mapping[str, Any]) -> str:
    """Run a statement for its effect; its status (e.g. `UPDATE 1`)."""
    return str(await (await driver(session)).execute(statement.sql, *statement.arguments(values)))
