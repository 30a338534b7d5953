"""The raw statements' pool: JSON in as text and out parsed, at most `size` connections, none kept idle."""

from __future__ import annotations

import asyncio
import uuid

from codemill.db.raw import RawPool, RawSql, fetch_row, fetch_value
from tests.support.waiting import wait_until_async

_ECHO = RawSql.of("SELECT CAST(:doc AS jsonb) AS doc, CAST(:doc AS json) AS plain, :n::int + 1 AS next")
_CONNECTIONS = RawSql.of("SELECT count(*) FROM pg_stat_activity WHERE application_name = :name")


async def test_json_round_trips_and_idle_connections_close(database_url: str) -> None:
    name = f"raw-{uuid.uuid4().hex[:8]}"
    pool = RawPool(database_url, 2, idle_seconds=0.5, name=name)
    watcher = RawPool(database_url, 1, name=f"{name}-watcher")
    try:
        async with pool.acquire() as conn:
            row = await fetch_row(conn, _ECHO, {"doc": '{"a": [1, "x"]}', "n": 41})
        assert row is not None
        assert (row["doc"], row["plain"], row["next"]) == ({"a": [1, "x"]}, {"a": [1, "x"]}, 42)

        async def busy() -> None:
            async with pool.acquire() as conn:
                await conn.execute("SELECT pg_sleep(0.2)")

        async def open_now() -> int:
            async with watcher.acquire() as conn:
                return int(await fetch_value(conn, _CONNECTIONS, {"name": name}))

        await asyncio.gather(*(busy() for _ in range(4)))  # four at once on two connections
        assert await open_now() == 2

        async def none_left() -> bool:
            return await open_now() == 0

        await wait_until_async(none_left, timeout=10, what="the idle connections closed")
    finally:
        await pool.close()
        await watcher.close()
