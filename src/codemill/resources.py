"""Things built once from settings and shared by serve, worker and the CLI."""

from __future__ import annotations

import asyncio
import logging
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from codemill.auth.cache import AuthCache
from codemill.auth.local_tokens import LocalTokenService
from codemill.auth.oidc import OIDCVerifier
from codemill.auth.service import Authenticator
from codemill.automation import runs as automation_runs
from codemill.automation import scheduler
from codemill.conversations.checkpoints import ToolCallCheckpoints
from codemill.conversations.turn import mark_abandoned_turns
from codemill.datasources.runtime import IndexingRuntime
from codemill.db.engine import make_engine, make_sessionmaker, slotted
from codemill.db.notifications import Notifications
from codemill.db.raw import RawPool
from codemill.diagrams.renderer import MermaidRenderer
from codemill.diagrams.service import build_renderer
from codemill.integrations.keyring import build_cipher
from codemill.integrations.plugin_keys import PluginKeyStore
from codemill.integrations.sealing import CIPHER_INFO_KEY
from codemill.kit.crypto import SecretCipher
from codemill.kit.outbound import OutboundClient
from codemill.kit.tracing import configure_tracing, shutdown_tracing
from codemill.llm.catalogue import Catalogue, load_catalogue
from codemill.llm.gateway import LLMGateway
from codemill.mcp.client import MCPConnectClient
from codemill.plugins.engine import PluginEngine
from codemill.plugins.keys import PluginKeyIdentity, PluginKeyVerifier
from codemill.plugins.revocation_listener import RevocationListener
from codemill.sandbox.runner import Sandbox
from codemill.settings import Settings
from codemill.workflows import jobs as workflow_jobs

log = logging.getLogger(__name__)


def read_or_create_secret(path: Path, nbytes: int = 48) -> str:
    """A secret kept in a 0600 file under the data directory, generated once."""
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(nbytes)
    fd = path.open("x")
    try:
        path.chmod(0o600)
        fd.write(value)
    finally:
        fd.close()
    return value


def local_secret_key(settings: Settings) -> str:
    """The local-auth signing key: from settings, or generated into the data directory (embedded only)."""
    if settings.secret_key is not None:
        return settings.secret_key.get_secret_value()
    if not settings.embedded_database:
        raise ValueError(
            "CODEMILL_SECRET_KEY must be set when CODEMILL_DATABASE_URL is set (every replica must share it)"
        )
    return read_or_create_secret(settings.data_dir / "secret_key")


class PluginKeysFromIntegrations:
    """The plugins' PluginKeyVerifier port, answered by the integrations' plugin-key store."""

    def __init__(self, store: PluginKeyStore) -> None:
        self._store = store

    async def verify(self, key: str) -> PluginKeyIdentity | None:
        owner = await self._store.verify(key)
        return None if owner is None else PluginKeyIdentity(owner.key_id, owner.owner_id)


@dataclass
class Resources:
    """The process's shared resources."""

    settings: Settings
    database_url: str
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    http: httpx.AsyncClient
    auth_cache: AuthCache
    authenticator: Authenticator
    catalogue: Catalogue
    # Integrations: the guarded outbound client, the secrets cipher (None without a master key; it is
    # also put in every session's info for integrations.resolve), and plugin-key verification.
    outbound: OutboundClient = field(init=False)
    cipher: SecretCipher | None = field(init=False)
    plugin_keys: PluginKeyVerifier = field(init=False)
    # Chat: the LLM gateway (providers built once) and the streamed chat turns running now.
    llm: LLMGateway = field(init=False)
    chat_tasks: set[asyncio.Task[Any]] = field(init=False, default_factory=set)
    # Toolkits: chat turns paused until the user allows or denies a tool call.
    tool_call_checkpoints: ToolCallCheckpoints = field(init=False, default_factory=ToolCallCheckpoints)
    # Chat turns' sessions: at most `chat.database_slots` open at once, so a burst of chats queues for a few
    # milliseconds instead of failing on the pool's timeout or holding a PostgreSQL backend each.
    chat_sessions: async_sessionmaker[AsyncSession] = field(init=False)
    chat_db: RawPool = field(init=False)
    # Marks chat turns that a stopped server left in progress as interrupted (at start, then periodically).
    turn_sweeper: asyncio.Task[None] | None = field(init=False, default=None)
    # Workflow executions likewise (see workflows.engine): a burst of runs waits for connections in turn.
    workflow_db_slots: asyncio.Semaphore = field(init=False)
    # Datasources: the job queue, the embedder and (embedded default) in-process indexing workers.
    indexing: IndexingRuntime = field(init=False)
    # Plugins: the engine (NATS, the auth callout, the client that lists and calls plugin tools) and
    # the listener that closes a revoked key's live connections.
    plugins: PluginEngine = field(init=False)
    notifications: Notifications = field(init=False)
    plugin_revocations: RevocationListener = field(init=False)
    # MCP: the client of MCP Connect (the bridge runs the servers; this process never spawns one).
    mcp: MCPConnectClient = field(init=False)
    # Diagrams: the Mermaid server's client, or the local Chromium renderer (its browser starts on first use).
    mermaid: MermaidRenderer = field(init=False)
    # The code sandbox (code executor tool, workspace scripts): runs happen in separate processes.
    sandbox: Sandbox = field(init=False)

    def __post_init__(self) -> None:
        self.outbound = OutboundClient(self.settings.allow_private_network)
        self.cipher = build_cipher(self.settings)
        if self.cipher is not None:
            self.sessions.configure(info={CIPHER_INFO_KEY: self.cipher})
        self.plugin_keys = PluginKeysFromIntegrations(PluginKeyStore(self.sessions))
        self.llm = LLMGateway(self.settings.llm, self.catalogue, self.outbound)
        # Chat turns' own database steps (and their tools' gathering): a few connections serve them all.
        chat_slots = min(self.settings.chat.database_slots, self.settings.database_pool_size)
        self.chat_sessions = slotted(self.sessions, chat_slots)
        # And their raw statements (the turn's start, question, answer): as many connections, on their own pool.
        self.chat_db = RawPool(self.database_url, chat_slots, name="codemill-chat")
        self.workflow_db_slots = asyncio.Semaphore(max(2, self.settings.database_pool_size // 2))
        self.indexing = IndexingRuntime(self.settings, self.database_url, self.sessions, self.http, self.outbound)
        # Workflow executions run as jobs on the same queue and workers.
        workflow_jobs.register(self.indexing.queue)
        self.indexing.extra_context[workflow_jobs.CONTEXT_KEY] = self
        self.indexing.worker_start_hooks.append(lambda: workflow_jobs.requeue_orphans(self.sessions, self.settings))
        # Webhook and schedule runs too; processes that take jobs also fire due schedules.
        automation_runs.register(self.indexing.queue)
        self.indexing.extra_context[automation_runs.CONTEXT_KEY] = self
        if self.settings.automation.scheduler_enabled:
            self.indexing.worker_companions.append(lambda: scheduler.run_forever(self))
        self.plugins = PluginEngine(self.settings, self.plugin_keys, serve_callout=self.settings.nats.serve_callout)
        # One LISTEN connection for the process: auth-cache invalidations and plugin-key revocations.
        self.notifications = Notifications(self.database_url)
        self.auth_cache.follow(self.notifications)
        self.plugin_revocations = RevocationListener(self.notifications, self.plugins, self.sessions)
        self.mcp = MCPConnectClient(self.settings.mcp_connect)
        self.mermaid = build_renderer(self.settings.mermaid)
        self.sandbox = Sandbox(self.settings.sandbox, self.settings.data_dir)

    @property
    def plugin_engine_uri(self) -> str | None:
        """The NATS URL users' plugins connect to (PLUGIN_ENGINE_URI), once the engine runs."""
        return self.plugins.engine_uri

    @classmethod
    def build(cls, settings: Settings, database_url: str) -> Resources:
        """Build everything (no I/O yet)."""
        engine = make_engine(database_url, settings.database_pool_size)
        sessions = make_sessionmaker(engine)
        http = httpx.AsyncClient(timeout=httpx.Timeout(10.0), follow_redirects=False)
        cache = AuthCache()
        local = (
            LocalTokenService(
                local_secret_key(settings), settings.local_auth.issuer, settings.local_auth.token_ttl_seconds
            )
            if settings.local_auth.enabled
            else None
        )
        oidc = OIDCVerifier(settings.oidc, http) if settings.oidc.issuer else None
        authenticator = Authenticator(settings, sessions, cache, local, oidc)
        return cls(settings, database_url, engine, sessions, http, cache, authenticator, load_catalogue(settings))

    async def start(self) -> None:
        """Start background listeners."""
        configure_tracing(self.settings.observability)
        self.notifications.start()
        # The tokenizer (~37 MB) loads in the first chat turn (~0.2 s, once), not here: idle memory stays small.
        await self.indexing.start(run_workers=self.settings.run_workers_in_process)
        # Here, on the event-loop thread: the embedded NATS server dies with the thread that starts it.
        await self.plugins.start_soon()
        self.turn_sweeper = asyncio.create_task(self._sweep_abandoned_turns(), name="chat:abandoned-turns")

    async def _sweep_abandoned_turns(self) -> None:
        period = max(self.settings.chat.interrupted_after_seconds / 2, 0.5)
        while True:
            try:
                await mark_abandoned_turns(self.sessions, self.settings)
            except Exception:  # the database may be briefly away; the next round tries again
                log.exception("could not mark abandoned chat turns")
            await asyncio.sleep(period)

    async def stop_chats(self, grace_seconds: float = 5.0) -> None:
        """Cancel the chat turns still streaming (each stores its partial answer) and close the providers."""
        running = list(self.chat_tasks)
        for task in running:
            task.cancel()
        if running:
            await asyncio.wait(running, timeout=grace_seconds)
        await self.llm.close()

    async def close(self) -> None:
        """Release connections."""
        shutdown_tracing()
        await self.notifications.stop()
        if self.turn_sweeper is not None:
            self.turn_sweeper.cancel()
        await self.stop_chats()
        await self.chat_db.close()
        await self.plugin_revocations.stop()
        await self.plugins.stop()
        await self.indexing.close()
        await self.mcp.aclose()
        await self.mermaid.aclose()
        await self.http.aclose()
        await self.outbound.aclose()
        await self.engine.dispose()
