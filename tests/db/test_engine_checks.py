"""The pool checks connections that sat idle: a server that dropped them costs no request an error."""

from __future__ import annotations

import psycopg.conninfo
import pytest
from sqlalchemy import text
from sqlalchemy.dialects.postgresql.asyncpg import AsyncAdapt_asyncpg_connection

from codemill.db import engine as engine_module
from codemill.db.engine import libpq_dsn, make_engine


async def test_idle_connections_killed_by_the_server_are_replaced(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    eng = make_engine(database_url, pool_size=2, max_overflow=0)
    try:
        async with eng.connect() as conn:
            first = (await conn.execute(text("select pg_backend_pid()"))).scalar_one()
        # The server ends the pooled connection (a restart, a failover, an idle timeout on a proxy).
        other = make_engine(database_url, pool_size=1, max_overflow=0)
        async with other.connect() as conn:
            await conn.execute(text("select pg_terminate_backend(:pid)"), {"pid": first})
        await other.dispose()
        monkeypatch.setattr(engine_module, "IDLE_CHECK_SECONDS", 0.0)  # every pooled connection counts as idle
        async with eng.connect() as conn:
            again = (await conn.execute(text("select pg_backend_pid()"))).scalar_one()
            assert (await conn.execute(text("select 1"))).scalar_one() == 1
        assert again != first
    finally:
        await eng.dispose()


async def test_busy_connections_are_not_checked(database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    eng = make_engine(database_url, pool_size=1, max_overflow=0)
    pings: list[int] = []
    original = AsyncAdapt_asyncpg_connection.ping
    monkeypatch.setattr(AsyncAdapt_asyncpg_connection, "ping", lambda self: pings.append(1) or original(self))
    try:
        for _ in range(4):
            async with eng.connect() as conn:
                await conn.execute(text("select 1"))
        assert pings == []  # reused within seconds: no extra round trip
        monkeypatch.setattr(engine_module, "IDLE_CHECK_SECONDS", 0.0)
        async with eng.connect() as conn:
            await conn.execute(text("select 1"))
        assert pings == [1]  # idle (here: at once): checked
    finally:
        await eng.dispose()


def test_a_sqlalchemy_url_becomes_a_dsn_asyncpg_and_psycopg_accept() -> None:
    url = "postgresql+asyncpg://codemill:p%40ss@db.example.com:5432/codemill?ssl=require&application_name=x"
    assert (
        libpq_dsn(url) == "postgresql://codemill:p%40ss@db.example.com:5432/codemill?sslmode=require&application_name=x"
    )
    psycopg.conninfo.conninfo_to_dict(libpq_dsn(url))  # libpq parses it (`ssl=` it would refuse)
    assert libpq_dsn("postgresql+asyncpg://u@h/d") == "postgresql://u@h/d"
