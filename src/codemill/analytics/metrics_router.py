"""GET /metrics: Prometheus text (registered before the UI's catch-all; unauthenticated, as scrapers expect)."""

from __future__ import annotations

from fastapi import APIRouter, Response
from sqlalchemy.pool import QueuePool

from codemill.analytics.job_gauges import refresh_job_gauges
from codemill.auth.dependencies import Engine, Session
from codemill.kit.metrics import CONTENT_TYPE, exposition, metrics

router = APIRouter(tags=["metrics"])


@router.get("/metrics", response_class=Response, response_model=None, include_in_schema=False)
async def prometheus_metrics(session: Session, engine: Engine) -> Response:
    """Counters and histograms of this process, with the job queue and database pool read now."""
    observed = metrics()
    pool = engine.pool
    if isinstance(pool, QueuePool):
        observed.db_pool_size.set(pool.size())
        observed.db_pool_checked_out.set(pool.checkedout())
        observed.db_pool_overflow.set(max(pool.overflow(), 0))
    await refresh_job_gauges(session)
    return Response(exposition(), media_type=CONTENT_TYPE)
