"""Analytics at scale: the summary (and other reports) over generated usage, and the roll-up cost of a chat turn.

`python -m bench analytics [rows]` (default 10,000,000). A throwaway PostgreSQL gets `rows` usage rows spread
over 90 days (500 users in 50 projects, 4 assistants each, 8 models), generated with generate_series straight
into the raw table, with the hourly/daily roll-ups built from them in one pass (as the migration backfills).
Then the reports are read through the analytics service, as the API does, and a chat turn's usage rows
(two model calls) are inserted: the roll-up's cost is the trigger's time as PostgreSQL reports it.

Targets: summary over the last 30 days p99 <= 200 ms; roll-up cost per chat turn <= 1 ms.
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bench.common import percentile, report
from codemill.analytics import service
from codemill.auth.principal import Principal
from codemill.db.embedded import EmbeddedPostgres
from codemill.db.engine import make_engine
from codemill.db.migrate import upgrade_to_head
from codemill.models.base import new_id

DEFAULT_ROWS = 10_000_000
BATCH = 1_000_000
RUNS = 50
TURNS = 400
ADMIN = Principal("bench-admin", "admin@bench", "admin", "Admin", is_admin=True, auth_source="local")
USER = Principal(
    "bench-user-7", "u7@bench", "u7", "U7", is_admin=False, auth_source="local", projects={"project-7": True}
)

GENERATE = """
INSERT INTO llm_usage (id, created_at, user_id, project, assistant_id, source, model, provider, input_tokens,
                       output_tokens, cached_input_tokens, estimated, cost, latency_ms, status)
SELECT 'b' || g, now() - random() * interval '90 days', 'bench-user-' || (g % 500), 'project-' || (g % 500 % 50),
       'assistant-' || ((g % 500) * 4 + (g / 500) % 4), 'chat', 'model-' || (((g % 500) * 4 + (g / 500) % 4) % 8),
       'bench', (random() * 2000)::int, (random() * 500)::int, (random() * 100)::int, false, random() * 0.01,
       random() * 2000, CASE WHEN g % 50 = 0 THEN 'error' ELSE 'success' END
FROM generate_series(CAST(:first AS bigint), CAST(:last AS bigint)) AS g
"""
ROLLUP = """
INSERT INTO {table}
SELECT date_trunc('{grain}', created_at, 'UTC'), coalesce(user_id, ''), coalesce(project, ''),
       coalesce(assistant_id, ''), coalesce(workflow_id, ''), model, source, count(*),
       count(*) FILTER (WHERE status <> 'success'), sum(input_tokens), sum(output_tokens), sum(cached_input_tokens),
       sum(cost), sum(latency_ms)
FROM llm_usage GROUP BY 1, 2, 3, 4, 5, 6, 7
"""


async def _generate(engine: AsyncEngine, rows: int) -> dict[str, float]:
    started = time.perf_counter()
    async with engine.begin() as conn:
        # A throwaway database: generated users need no rows of their own, and the roll-ups are built in one pass.
        await conn.execute(text("ALTER TABLE llm_usage DROP CONSTRAINT fk_llm_usage_user_id_users"))
        await conn.execute(text("ALTER TABLE llm_usage DISABLE TRIGGER llm_usage_rollup"))
    for first in range(1, rows + 1, BATCH):
        async with engine.begin() as conn:
            await conn.execute(text(GENERATE), {"first": first, "last": min(first + BATCH - 1, rows)})
        print(f"  generated {min(first + BATCH - 1, rows):,} rows", file=sys.stderr, flush=True)
    generated = time.perf_counter() - started
    async with engine.begin() as conn:
        await conn.execute(text("SET LOCAL work_mem = '256MB'"))
        for table, grain in (("usage_hourly", "hour"), ("usage_daily", "day")):
            await conn.execute(text(ROLLUP.format(table=table, grain=grain)))
        await conn.execute(text("ALTER TABLE llm_usage ENABLE TRIGGER llm_usage_rollup"))
    async with engine.connect() as conn:
        await conn.execute(text("COMMIT"))
        await conn.execute(text("VACUUM ANALYZE usage_hourly"))
        await conn.execute(text("VACUUM ANALYZE usage_daily"))
        counts = {
            t: (await conn.execute(text(f"SELECT count(*) FROM {t}"))).scalar_one()
            for t in ("usage_hourly", "usage_daily")
        }
    return {"generate_s": generated, "rollups_s": time.perf_counter() - started - generated, **counts}


async def _read(
    sessions: async_sessionmaker[AsyncSession], name: str, principal: Principal, query: service.Query
) -> dict[str, object]:
    samples = []
    for _ in range(RUNS):
        async with sessions() as session:
            started = time.perf_counter()
            if name == "summaries":
                await service.summaries(session, principal, query)
            else:
                await service.tabular(session, principal, name, query)
            samples.append((time.perf_counter() - started) * 1000)
    who = "admin" if principal.is_admin else "project admin"
    return {
        "measure": f"{name} {query.time_period} ({who})",
        "p50_ms": percentile(samples, 50),
        "p99_ms": percentile(samples, 99),
    }


TURN_INSERT = """
EXPLAIN (ANALYZE, FORMAT JSON)
INSERT INTO llm_usage (id, created_at, user_id, project, assistant_id, conversation_id, source, model, provider,
                       input_tokens, output_tokens, estimated, cost, latency_ms, status)
SELECT gen_random_uuid()::text, now(), 'bench-user-1', 'project-1', 'assistant-4', :conversation, 'chat', 'model-4',
       'bench', 1200, 300, false, 0.004, 900.0, 'success'
FROM generate_series(1, 2)
"""


async def _turn_cost(engine: AsyncEngine) -> dict[str, object]:
    """A chat turn's usage write (two model calls, one statement, one transaction): its wall time, and the roll-up
    trigger's own time as PostgreSQL measures it (EXPLAIN ANALYZE reports each trigger's time)."""
    walls, triggers = [], []
    for _ in range(TURNS):
        started = time.perf_counter()
        async with engine.begin() as conn:
            plan = (await conn.execute(text(TURN_INSERT), {"conversation": new_id()})).scalar_one()
        walls.append((time.perf_counter() - started) * 1000)
        document = plan if isinstance(plan, list) else json.loads(plan)
        triggers.append(
            sum(t["Time"] for t in document[0].get("Triggers", []) if t["Trigger Name"] == "llm_usage_rollup")
        )
    return {
        "measure": "chat turn usage write",
        "p50_ms": percentile(walls, 50),
        "p99_ms": percentile(walls, 99),
        "rollup_p50_ms": percentile(triggers, 50),
        "rollup_p99_ms": percentile(triggers, 99),
    }


async def _run(rows: int) -> None:
    with tempfile.TemporaryDirectory(prefix="codemill-bench-analytics-") as tmp:
        postgres = EmbeddedPostgres(Path(tmp) / "pg")
        url = postgres.start()
        try:
            upgrade_to_head(url)
            engine = make_engine(url, 5)
            sessions = async_sessionmaker(engine, expire_on_commit=False)
            built = await _generate(engine, rows)
            results: list[dict[str, object]] = []
            for period in ("last_30_days", "last_7_days", "last_24_hours"):
                results.append(await _read(sessions, "summaries", ADMIN, service.Query(time_period=period)))
            results.append(await _read(sessions, "projects-spending", ADMIN, service.Query(time_period="last_30_days")))
            results.append(await _read(sessions, "users-spending", ADMIN, service.Query(time_period="last_90_days")))
            results.append(await _read(sessions, "summaries", USER, service.Query(time_period="last_30_days")))
            turn = await _turn_cost(engine)
            results.append({k: turn[k] for k in ("measure", "p50_ms", "p99_ms")})
            await engine.dispose()
        finally:
            postgres.stop()
    summary_p99 = results[0]["p99_ms"]
    report(
        "analytics",
        results,
        {
            "rows": rows,
            **{k: round(v, 2) if isinstance(v, float) else v for k, v in built.items()},
            "summary_30d_p99_ms": summary_p99,
            "summary_p99_target_ms": 200,
            "rollup_cost_per_turn_p50_ms": turn["rollup_p50_ms"],
            "rollup_cost_per_turn_p99_ms": turn["rollup_p99_ms"],
            "rollup_cost_target_ms": 1,
        },
    )


def main() -> None:
    """Run at the size given after the name (default 10M rows)."""
    args = [a for a in sys.argv[1:] if a.isdigit()]
    asyncio.run(_run(int(args[0]) if args else DEFAULT_ROWS))


if __name__ == "__main__":
    main()
