"""Async engine and sessions. One transaction per request or job: services flush, the boundary commits."""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from types import TracebackType
from typing import Any, Self
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from sqlalchemy import event, exc
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.pool import ConnectionPoolEntry

# A connection idle longer than this is checked (one round trip) before it is handed out; a busier one is
# not: a server restart or a dropped link shows within seconds as idle connections failing their check.
IDLE_CHECK_SECONDS = 5.0
_IDLE_SINCE = "codemill_idle_since"


def asyncpg_dsn(url: str) -> str:
    """SQLAlchemy's postgresql+asyncpg://…?ssl=require as a DSN asyncpg.connect understands."""
    parts = urlsplit(url)
    scheme = "postgresql" if parts.scheme.startswith("postgres") else parts.scheme
    query = [("sslmode" if key == "ssl" else key, value) for key, value in parse_qsl(parts.query)]
    return urlunsplit((scheme, parts.netloc, parts.path, urlencode(query), parts.fragment))


def make_engine(url: str, pool_size: int = 20, max_overflow: int | None = None) -> AsyncEngine:
    """An asyncpg engine with a bounded pool and health checks of connections that sat idle."""
    engine = create_async_engine(
        url,
        pool_size=pool_size,
        max_overflow=pool_size if max_overflow is None else max_overflow,
        pool_recycle=1800,
        connect_args={"server_settings": {"application_name": "codemill"}},
    )
    event.listen(engine.sync_engine, "checkin", _idle_from_now)
    event.listen(engine.sync_engine, "checkout", _check_if_idle)
    return engine


def _idle_from_now(_dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
    record.info[_IDLE_SINCE] = time.monotonic()


def _check_if_idle(dbapi_connection: Any, record: ConnectionPoolEntry, _proxy: Any) -> None:
    """`pool_pre_ping` for idle connections only: a ping per checkout cost three round trips per statement
    group on the chat path. A failed check makes the pool drop the connection and hand out a new one."""
    idle_since = record.info.get(_IDLE_SINCE)
    if idle_since is None or time.monotonic() - idle_since < IDLE_CHECK_SECONDS:
        return
    try:
        dbapi_connection.ping()
    except Exception as error:  # any failure: the connection is unusable
        raise exc.DisconnectionError(f"database connection failed its check: {error}") from error


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded objects usable after commit."""
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


@asynccontextmanager
async def reading(sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """A session for reads only: each statement commits on its own, so no BEGIN/ROLLBACK round trips (its
    connection is taken at once: use it where a statement follows)."""
    async with sessions() as session:
        await session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
        yield session


class Slots:
    """At most `size` holders at once; waiting holders get a slot in turn, the urgent ones first.

    A chat's later steps (storing the question its first words wait on, storing the answer) are urgent: under a
    burst of new chats they would otherwise queue behind every new chat's first step, and every chat would
    start late rather than the first ones early.
    """

    def __init__(self, size: int) -> None:
        self._free = size
        self._waiting: tuple[deque[asyncio.Future[None]], deque[asyncio.Future[None]]] = (deque(), deque())

    async def acquire(self, urgent: bool = False) -> None:
        """Wait for a slot."""
        if self._free > 0 and not self._waiting[0] and not self._waiting[1]:
            self._free -= 1
            return
        turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        queue = self._waiting[0 if urgent else 1]
        queue.append(turn)
        try:
            await turn
        except asyncio.CancelledError:
            if turn.done() and not turn.cancelled():
                self.release()  # handed a slot just as the wait was cancelled: pass it on
            else:
                queue.remove(turn)
            raise

    def release(self) -> None:
        """Give the slot to the next waiter (urgent first), or free it."""
        for queue in self._waiting:
            while queue:
                turn = queue.popleft()
                if not turn.done():
                    turn.set_result(None)
                    return
        self._free += 1


class SlottedSession(AsyncSession):
    """A session that holds one of a `Slots`' slots while it is open (`async with`)."""

    def __init__(self, *args: Any, slots: Slots, urgent: bool = False, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self._slots = slots
        self._urgent = urgent

    async def __aenter__(self) -> Self:
        await self._slots.acquire(self._urgent)
        return self

    async def __aexit__(
        self, type_: type[BaseException] | None, value: BaseException | None, traceback: TracebackType | None
    ) -> None:
        try:
            await super().__aexit__(type_, value, traceback)
        finally:
            self._slots.release()


def slotted(
    sessions: async_sessionmaker[AsyncSession], slots: Slots, *, urgent: bool = False
) -> async_sessionmaker[AsyncSession]:
    """Sessions like `sessions` (same engine and options) of which at most the slots' size are open at once
    (with every other sessionmaker on the same slots): a busy path (the chat) then uses at most that many
    connections, however many requests it serves; the rest wait their turn for a few milliseconds instead of
    each holding a PostgreSQL backend (~20-30 MB each). `urgent` sessions get the next free slot first."""
    return async_sessionmaker(class_=SlottedSession, slots=slots, urgent=urgent, **sessions.kw)
