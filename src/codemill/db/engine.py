"""Async engine and sessions. One transaction per request or job: services flush, the boundary commits."""

from __future__ import annotations

import asyncio
import time
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


def libpq_dsn(url: str) -> str:
    """SQLAlchemy's postgresql+asyncpg://…?ssl=require as a DSN that asyncpg.connect and psycopg (libpq)
    understand (`postgresql://…?sslmode=require`)."""
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


class SlottedSession(AsyncSession):
    """A session that holds one of a semaphore's slots while it is open (`async with`)."""

    def __init__(self, *args: Any, slots: asyncio.Semaphore, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self._slots = slots

    async def __aenter__(self) -> Self:
        await self._slots.acquire()
        return self

    async def __aexit__(
        self, type_: type[BaseException] | None, value: BaseException | None, traceback: TracebackType | None
    ) -> None:
        try:
            await super().__aexit__(type_, value, traceback)
        finally:
            self._slots.release()


def slotted(sessions: async_sessionmaker[AsyncSession], slots: int) -> async_sessionmaker[AsyncSession]:
    """Sessions like `sessions` (same engine and options) of which at most `slots` are open at once: a busy
    path (the chat) then uses at most that many connections, however many requests it serves; the rest wait
    their turn for a few milliseconds instead of each holding a PostgreSQL backend (~20-30 MB each)."""
    return async_sessionmaker(class_=SlottedSession, slots=asyncio.Semaphore(slots), **sessions.kw)
