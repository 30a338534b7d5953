"""Indexing in this process: the job queue, the embedder, and (embedded default) in-process workers."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from codemill.datasources import indexer
from codemill.datasources.sync import sweep_clones
from codemill.jobs.queue import JobQueue
from codemill.kit.outbound import OutboundClient
from codemill.search.embeddings import Embedder
from codemill.search.factory import build_embedder
from codemill.settings import Settings

log = logging.getLogger(__name__)


class IndexingRuntime:
    """Built once per process (serve or worker); the embedder loads in start()."""

    def __init__(
        self,
        settings: Settings,
        database_url: str,
        sessions: async_sessionmaker[AsyncSession],
        http: httpx.AsyncClient,
        outbound: OutboundClient,
    ) -> None:
        self.settings = settings
        self.sessions = sessions
        self.http = http
        self.outbound = outbound
        self.queue = JobQueue(database_url, settings.jobs)
        indexer.register(self.queue)
        # Other domains' jobs share this queue and its workers; what they need goes in the workers' context.
        self.extra_context: dict[str, object] = {}
        # ... and what they must do when a process starts taking jobs (run once, before the workers start).
        self.worker_start_hooks: list[Callable[[], Awaitable[object]]] = []
        # ... and what runs beside the workers for as long as they do (the scheduler's ticks).
        self.worker_companions: list[Callable[[], Coroutine[Any, Any, None]]] = []
        self._companions: list[asyncio.Task[None]] = []
        self._embedder: Embedder | None = None
        self._worker: asyncio.Task[None] | None = None

    @property
    def embedder(self) -> Embedder:
        """The process's embedder (after start)."""
        if self._embedder is None:
            raise RuntimeError("indexing runtime not started")
        return self._embedder

    async def start(self, run_workers: bool) -> None:
        """Load the embedder, open the queue, and start in-process workers when asked."""
        self._embedder = await build_embedder(self.settings, self.http)
        async with self.sessions() as session:
            swept = await sweep_clones(session, self.settings)
        if swept:
            log.info("removed the clones of deleted datasources", extra={"datasources": swept})
        await self.queue.open()
        if run_workers:
            await self._run_start_hooks()
            self._start_companions()
            self._worker = asyncio.create_task(self._run_worker(install_signal_handlers=False), name="indexing-worker")

    def _context(self) -> dict[str, object]:
        env = indexer.IndexingEnv(self.settings, self.sessions, self.embedder, self.outbound)
        return {"indexing": env, **self.extra_context}

    async def _run_worker(self, install_signal_handlers: bool) -> None:
        try:
            await self.queue.run_worker(
                self.settings.jobs.concurrency, self._context(), install_signal_handlers=install_signal_handlers
            )
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("indexing worker stopped")

    async def _run_start_hooks(self) -> None:
        for hook in self.worker_start_hooks:
            try:
                await hook()
            except Exception:
                log.exception("a worker start hook failed")

    def _start_companions(self) -> None:
        self._companions = [asyncio.create_task(make(), name="worker-companion") for make in self.worker_companions]

    async def _stop_companions(self) -> None:
        for task in self._companions:
            task.cancel()
        for task in self._companions:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._companions = []

    async def run_worker(self) -> None:
        """`codemill worker`: process jobs until SIGTERM/SIGINT."""
        await self._run_start_hooks()
        self._start_companions()
        try:
            await self.queue.run_worker(self.settings.jobs.concurrency, self._context(), install_signal_handlers=True)
        finally:
            await self._stop_companions()

    async def close(self) -> None:
        """Stop the in-process worker and close the queue."""
        await self._stop_companions()
        if self._worker is not None:
            self._worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._worker
            self._worker = None
        await self.queue.close()
        if self._embedder is not None:
            await self._embedder.aclose()
