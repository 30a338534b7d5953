"""One LISTEN connection serves every channel a process follows: each follower hears its own channel, is told
of the connection, survives another follower's failure, and the connection comes back after it is killed."""

from __future__ import annotations

import asyncio
import uuid

import asyncpg
import pytest

from codemill.db.engine import libpq_dsn
from codemill.db.notifications import Notifications
from tests.support.waiting import wait_until_async


async def test_followers_share_one_connection_and_hear_their_own_channels(database_url: str) -> None:
    dsn = libpq_dsn(database_url)
    channels = [f"test_{uuid.uuid4().hex[:12]}" for _ in range(2)]
    heard: dict[str, list[str]] = {c: [] for c in channels}
    events: list[str] = []
    name = f"listen-{uuid.uuid4().hex[:8]}"  # other servers on this database listen too
    notifications = Notifications(database_url, application_name=name)

    def failing(_payload: str) -> None:
        raise RuntimeError("a follower that fails")

    notifications.subscribe(channels[0], heard[channels[0]].append, on_connected=lambda: events.append("up"))
    notifications.subscribe(channels[1], heard[channels[1]].append, on_disconnected=lambda: events.append("down"))
    notifications.subscribe(channels[0], failing)
    notifications.start()
    with pytest.raises(RuntimeError, match="before the listener starts"):
        notifications.subscribe("late", print)

    async def connected() -> bool:
        return events.count("up") == len([e for e in events if e == "down"]) + 1

    sender = await asyncpg.connect(dsn)
    try:
        await wait_until_async(connected, timeout=20, what="the listener connected")
        listeners = await sender.fetchval("SELECT count(*) FROM pg_stat_activity WHERE application_name = $1", name)
        assert listeners == 1
        await sender.execute("SELECT pg_notify($1, 'a'), pg_notify($2, 'b')", channels[0], channels[1])

        async def delivered() -> bool:
            return heard == {channels[0]: ["a"], channels[1]: ["b"]}

        await wait_until_async(delivered, timeout=10, what="both notifications delivered")

        # The connection is killed: the followers are told, and it comes back on its own.
        await sender.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1", name)

        async def back() -> bool:
            return events.count("down") >= 1 and events.count("up") >= 2

        await wait_until_async(back, timeout=30, what="the listener reconnected")
        await sender.execute("SELECT pg_notify($1, 'c')", channels[1])

        async def after() -> bool:
            return heard[channels[1]] == ["b", "c"]

        await wait_until_async(after, timeout=10, what="a notification after the reconnection")
    finally:
        await sender.close()
        await notifications.stop()
    assert not any(t.get_name() == "db-notifications" for t in asyncio.all_tasks())
