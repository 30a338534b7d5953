"""The plugin engine as `codemill serve` runs it: embedded NATS (when no URL is set), the auth
callout, and the PluginClient, started and stopped together."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from codemill.plugins.callout import AuthCalloutService
from codemill.plugins.client import PluginClient
from codemill.plugins.embedded import EmbeddedNats
from codemill.plugins.errors import PluginError
from codemill.plugins.keys import PluginKeyVerifier
from codemill.plugins.nats_config import NatsCredentials, resolve_credentials
from codemill.plugins.revocation import disconnect_plugin_key
from codemill.settings import Settings

log = logging.getLogger(__name__)


class PluginEngine:
    """Start with `await engine.start()`; `engine.client` lists and calls tools; `revoke` closes a key."""

    def __init__(self, settings: Settings, verifier: PluginKeyVerifier, *, serve_callout: bool = True) -> None:
        self._settings = settings
        self._verifier = verifier
        self._serve_callout = serve_callout
        self._embedded: EmbeddedNats | None = None
        self._callout: AuthCalloutService | None = None
        self._client: PluginClient | None = None
        self._starting: asyncio.Task[None] | None = None
        self.credentials: NatsCredentials | None = None

    @property
    def settings(self) -> Settings:
        return self._settings

    @property
    def running(self) -> bool:
        """True once connected: tools can be listed and called."""
        return self._client is not None

    @property
    def client(self) -> PluginClient:
        if self._client is None:
            raise PluginError(
                "The plugin engine is not running",
                status=503,
                help="The server could not reach its NATS server; see its log.",
            )
        return self._client

    @property
    def public_url(self) -> str:
        """The NATS URL a user's plugin connects to (PLUGIN_ENGINE_URI)."""
        if self._settings.nats.public_url:
            return self._settings.nats.public_url
        if self.credentials is None:
            raise PluginError("The plugin engine is not started", status=503)
        return self.credentials.url

    @property
    def engine_uri(self) -> str | None:
        """The URL to tell users (PLUGIN_ENGINE_URI), or None while the engine is not running."""
        if not self.running:
            return None
        return self.public_url

    async def start_soon(self, wait_seconds: float = 10.0) -> None:
        """Start, waiting at most wait_seconds; the API serves meanwhile, plugins come once NATS answers.

        An external NATS that does not answer yet is retried for ever (nats-py's own reconnect loop).
        Call it from the event-loop thread, never from a worker thread: the embedded server is tied to
        the thread that starts it (PR_SET_PDEATHSIG) and must not die with a pool thread.
        """
        self._starting = asyncio.create_task(self._start_logged(), name="plugin-engine-start")
        done, _ = await asyncio.wait({self._starting}, timeout=wait_seconds)
        if not done:
            log.warning(
                "NATS does not answer yet; plugins become available once it does",
                extra={"url": self._settings.nats.url},
            )

    async def _start_logged(self) -> None:
        try:
            await self.start()
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.error("the plugin engine did not start: plugin tools are unavailable", extra={"error": str(exc)})
        else:
            log.info("plugin engine running", extra={"url": self.public_url})

    async def start(self) -> None:
        """Start (embedded NATS when no URL is set), serve the callout, connect the client."""
        try:
            if self._settings.nats.url is None and not self._settings.nats.shared_embedded:
                self._embedded = EmbeddedNats(self._settings)
                self.credentials = self._embedded.start()
            else:
                self.credentials = resolve_credentials(self._settings)
            if self._serve_callout:
                self._callout = AuthCalloutService(self.credentials, self._verifier)
                await self._callout.start()
            self._client = await PluginClient.connect(
                self.credentials,
                list_timeout=self._settings.nats.list_timeout_seconds,
                call_timeout=self._settings.nats.call_timeout_seconds,
            )
        except BaseException:
            await self._release()
            raise

    async def stop(self) -> None:
        """Stop everything started (safe when nothing was, or while still starting)."""
        if self._starting is not None:
            self._starting.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._starting
            self._starting = None
        await self._release()

    async def _release(self) -> None:
        if self._client is not None:
            await self._client.close()
            self._client = None
        if self._callout is not None:
            await self._callout.stop()
            self._callout = None
        if self._embedded is not None:
            self._embedded.stop()
            self._embedded = None

    async def revoke(self, key_id: str) -> int:
        """Close the live connections of a key the verifier already refuses; how many were closed."""
        system = self.client.system_connection
        if system is None:
            log.warning("no NATS system user: a revoked key stays connected until it reconnects")
            return 0
        assert self.credentials is not None
        return await disconnect_plugin_key(system, key_id, account=self.credentials.plugins_account)
