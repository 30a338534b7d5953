"""`codemill serve | worker | migrate | doctor | nats-callout | mcp-connect | mermaid | admin …`."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import signal
import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import uvicorn

from codemill.admin_cli import create_user, rotate_keys, set_password
from codemill.analytics.job_gauges import refresh_job_gauges
from codemill.bootstrap import Database, bootstrap_admin, open_database
from codemill.db.engine import make_engine, make_sessionmaker
from codemill.diagrams.server import serve_mermaid
from codemill.doctor.__main__ import add_arguments as add_doctor_arguments
from codemill.doctor.__main__ import run_from_arguments as run_doctor_from_arguments
from codemill.errors import CodemillError
from codemill.integrations.keyring import keyring_loader
from codemill.integrations.plugin_keys import PluginKeyStore
from codemill.kit.logs import configure_logging
from codemill.kit.metrics import serve_metrics
from codemill.kit.tracing import configure_tracing
from codemill.main import WORKER_DATABASE_URL_ENV, create_app
from codemill.mcp.embedded import EmbeddedMCPConnect
from codemill.plugins.callout import run_callout
from codemill.plugins.embedded import EmbeddedNats
from codemill.plugins.nats_config import resolve_credentials
from codemill.resources import PluginKeysFromIntegrations, Resources, local_secret_key
from codemill.settings import Settings, unknown_variables

# The long-running commands refuse to start with a CODEMILL_* variable no setting reads.
SERVICES = frozenset({"serve", "worker", "migrate", "nats-callout", "mcp-connect", "mermaid"})

log = logging.getLogger("codemill.serve")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="codemill", description="Codemill: AI assistants platform")
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="run the API and the UI (embedded PostgreSQL unless a URL is set)")
    serve.add_argument("--host", default=None, help="bind address (default: CODEMILL_HOST or 127.0.0.1)")
    serve.add_argument("--port", type=int, default=None, help="port (default: CODEMILL_PORT or 8080)")
    serve.add_argument(
        "--workers", type=int, default=None, help="API worker processes (default: CODEMILL_WORKERS or the cores)"
    )

    sub.add_parser("migrate", help="apply database migrations")

    doctor = sub.add_parser("doctor", help="check each configured component and print the fixes")
    add_doctor_arguments(doctor)

    worker = sub.add_parser("worker", help="run background jobs (datasource indexing); any number of machines")
    worker.add_argument(
        "--concurrency", type=int, default=None, help="jobs at once (default: CODEMILL_JOBS__CONCURRENCY)"
    )

    sub.add_parser(
        "nats-callout",
        help="answer the NATS auth callout for plugin keys (production; `serve` answers it too by default)",
    )

    bridge = sub.add_parser("mcp-connect", help="run MCP Connect: the bridge to MCP servers (POST /bridge)")
    bridge.add_argument("--host", default="127.0.0.1", help="bind address (default 127.0.0.1)")
    bridge.add_argument("--port", type=int, default=3000, help="port (default 3000)")

    mermaid = sub.add_parser("mermaid", help="run a Mermaid server (mermaid.ink's API) on the local renderer")
    mermaid.add_argument("--host", default="127.0.0.1", help="bind address (default 127.0.0.1)")
    mermaid.add_argument("--port", type=int, default=3000, help="port (default 3000)")

    admin = sub.add_parser("admin", help="administration")
    admin_sub = admin.add_subparsers(dest="admin_command", required=True)
    create = admin_sub.add_parser("create-user", help="create a local user")
    create.add_argument("--email", required=True)
    create.add_argument("--password", required=True)
    create.add_argument("--name", default=None)
    create.add_argument("--admin", action="store_true", help="make the user a platform admin")
    set_pw = admin_sub.add_parser("set-password", help="set a local user's password")
    set_pw.add_argument("--email", required=True)
    set_pw.add_argument("--password", required=True)
    rotate = admin_sub.add_parser(
        "rotate-keys", help="re-encrypt every integration and assistant secret under the current master key"
    )
    rotate.add_argument(
        "--new-master-key",
        action="store_true",
        help="embedded only: generate a new master key first (the old one is kept for decryption)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Console entry point."""
    args = _parser().parse_args(argv)
    unknown = unknown_variables(os.environ)
    if unknown and args.command in SERVICES:
        # A misspelt variable would otherwise be ignored and the default used without a word.
        print(f"error: unknown setting(s) in the environment: {', '.join(unknown)}", file=sys.stderr)
        print("fix: correct or remove them (docs/configuration.md lists every CODEMILL_* variable)", file=sys.stderr)
        return 2
    settings = Settings()
    configure_logging(settings.log_level)
    try:
        if args.command == "serve":
            return _serve(settings, args)
        if args.command == "migrate":
            open_database(settings, migrate=True).close(stop_adopted=False)
            print("migrations applied", file=sys.stderr)
            return 0
        if args.command == "worker":
            return _worker(settings, args)
        if args.command == "nats-callout":
            return _nats_callout(settings)
        if args.command == "admin":
            return _admin(settings, args)
        if args.command == "mcp-connect":
            return _mcp_connect(settings, args)
        if args.command == "mermaid":
            serve_mermaid(settings.mermaid, args.host, args.port)
            return 0
        if args.command == "doctor":
            return asyncio.run(run_doctor_from_arguments(settings, args))
    except CodemillError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2
    return 1


def _serve(settings: Settings, args: argparse.Namespace) -> int:
    host = args.host or settings.host
    port = args.port or settings.port
    workers = max(1, args.workers or settings.workers or os.cpu_count() or 1)
    database = open_database(settings)  # started (embedded) and migrated once, for every worker
    mcp_connect = EmbeddedMCPConnect(settings)
    # uvicorn re-raises the SIGTERM it caught once it has shut down; turn it into SystemExit so the
    # `finally` below still stops the embedded PostgreSQL cleanly.
    signal.signal(signal.SIGTERM, _exit_on_signal)
    embedded_bridge = settings.mcp_connect.url is None and settings.mcp_connect.embedded
    shared: SharedServices | None = None
    try:
        if embedded_bridge:
            mcp_connect.start()  # before the app: it reads the bridge's URL and token from settings
        asyncio.run(bootstrap_admin(settings, database.url))
        if embedded_bridge:
            mcp_connect.wait_ready()  # started while the admin was being ensured
        options: dict[str, Any] = {
            "host": host,
            "port": port,
            "log_config": None,
            "access_log": False,
            "proxy_headers": settings.proxy_auth.enabled,
            "forwarded_allow_ips": ",".join(settings.proxy_auth.trusted_proxies)
            if settings.proxy_auth.enabled
            else None,
            "timeout_graceful_shutdown": 10,
        }
        if workers == 1:
            uvicorn.run(create_app(settings, database.url), **options)
        else:
            shared = SharedServices.start(settings, database.url)
            os.environ.update(shared.worker_environment())
            print(f"codemill serve: {workers} worker processes on {host}:{port}", file=sys.stderr, flush=True)
            uvicorn.run("codemill.main:app_from_environment", factory=True, workers=workers, **options)
    finally:
        if shared is not None:
            shared.stop()
        mcp_connect.stop()
        database.close(stop_adopted=True)
    return 0


@dataclass
class SharedServices:
    """What `codemill serve --workers N` runs once, in the parent, for all its workers.

    The embedded NATS server (in the main thread: it dies with the thread that starts it), and, on one
    event loop in a background thread, the NATS auth callout and the in-process job workers. The workers
    run neither; the database was started and migrated and the admin ensured before they start.
    """

    settings: Settings
    database_url: str
    nats: EmbeddedNats | None = None
    callout: bool = False
    jobs: bool = False
    thread: threading.Thread | None = None
    loop: asyncio.AbstractEventLoop | None = None
    stopping: asyncio.Event | None = None
    ready: threading.Event = field(default_factory=threading.Event)

    @classmethod
    def start(cls, settings: Settings, database_url: str) -> SharedServices:
        """Make the shared keys, start NATS (embedded) and the background loop."""
        local_secret_key(settings)  # generated files, made once here rather than raced for by the workers
        loader = keyring_loader(settings)
        if loader is not None:
            loader()
        shared = cls(settings, database_url)
        if settings.nats.url is None:
            shared.nats = EmbeddedNats(settings)
            shared.nats.start()
        shared.callout = settings.nats.serve_callout
        shared.jobs = settings.run_workers_in_process
        if shared.callout or shared.jobs:
            shared.thread = threading.Thread(target=asyncio.run, args=(shared._run(),), name="codemill-shared")
            shared.thread.start()
            shared.ready.wait(60)
        return shared

    def worker_environment(self) -> dict[str, str]:
        """The settings every worker gets on top of the parent's."""
        env = {
            WORKER_DATABASE_URL_ENV: self.database_url,
            "CODEMILL_NATS__SERVE_CALLOUT": "false",
            "CODEMILL_JOBS__IN_PROCESS": "false",
        }
        if self.nats is not None:
            env["CODEMILL_NATS__SHARED_EMBEDDED"] = "true"
        bridge = self.settings.mcp_connect
        if bridge.url is not None:
            env["CODEMILL_MCP_CONNECT__URL"] = bridge.url
        if bridge.token is not None:
            env["CODEMILL_MCP_CONNECT__TOKEN"] = bridge.token.get_secret_value()
        return env

    async def _run(self) -> None:
        self.loop, self.stopping = asyncio.get_running_loop(), asyncio.Event()
        resources = Resources.build(self.settings, self.database_url)
        callout: asyncio.Task[None] | None = None
        try:
            if self.callout:
                callout = asyncio.create_task(run_callout(self.settings, resources.plugin_keys), name="nats-callout")
            if self.jobs:
                await resources.indexing.start(run_workers=True)
        except Exception:
            log.exception("the shared background services did not start")
        finally:
            self.ready.set()
        try:
            await self.stopping.wait()
        finally:
            if callout is not None:
                callout.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await callout
            await resources.indexing.close()
            await resources.http.aclose()
            await resources.outbound.aclose()
            await resources.engine.dispose()

    def stop(self) -> None:
        """Stop the background loop, then NATS."""
        if self.thread is not None and self.loop is not None and self.stopping is not None:
            self.loop.call_soon_threadsafe(self.stopping.set)
            self.thread.join(30)
        if self.nats is not None:
            self.nats.stop()


def _worker(settings: Settings, args: argparse.Namespace) -> int:
    if args.concurrency is not None:
        settings.jobs.concurrency = max(1, args.concurrency)
    database = open_database(settings)

    async def run() -> None:
        resources = Resources.build(settings, database.url)
        configure_tracing(settings.observability)  # workflow runs trace their agents here
        gauges: asyncio.Task[None] | None = None
        if settings.observability.metrics_port:
            serve_metrics(settings.observability.metrics_port)
            gauges = asyncio.create_task(_refresh_job_gauges_forever(resources), name="job-gauges")
        try:
            await resources.indexing.start(run_workers=False)
            print(
                f"codemill worker: processing jobs (concurrency {settings.jobs.concurrency})",
                file=sys.stderr,
                flush=True,
            )
            await resources.indexing.run_worker()
        finally:
            if gauges is not None:
                gauges.cancel()
            await resources.close()

    try:
        asyncio.run(run())
    finally:
        database.close(stop_adopted=False)
    return 0


async def _refresh_job_gauges_forever(resources: Resources, every: float = 15.0) -> None:
    """Keep the worker's job-queue gauges current for scrapes of its /metrics."""
    while True:
        try:
            async with resources.sessions() as session:
                await refresh_job_gauges(session)
        except Exception:  # a metrics refresh must never stop the worker
            logging.getLogger(__name__).exception("job gauges refresh failed")
        await asyncio.sleep(every)


def _nats_callout(settings: Settings) -> int:
    """Serve `$SYS.REQ.USER.AUTH` with the integrations' plugin keys until stopped (any number of copies)."""
    credentials = resolve_credentials(settings)  # fail now, with the missing settings named
    database = open_database(settings, migrate=False)
    signal.signal(signal.SIGTERM, _exit_on_signal)
    if settings.observability.metrics_port:
        serve_metrics(settings.observability.metrics_port)

    async def run() -> None:
        engine = make_engine(database.url, pool_size=5)
        verifier = PluginKeysFromIntegrations(PluginKeyStore(make_sessionmaker(engine)))
        print(f"codemill nats-callout: answering plugin keys on {credentials.url}", file=sys.stderr, flush=True)
        try:
            await run_callout(settings, verifier)
        finally:
            await engine.dispose()

    try:
        asyncio.run(run())
    except KeyboardInterrupt:
        pass
    finally:
        database.close(stop_adopted=False)
    return 0


def _mcp_connect(settings: Settings, args: argparse.Namespace) -> int:
    """The MCP Connect bridge until stopped (any number of copies; stdio servers stay per copy)."""
    if settings.mcp_connect.token is None:
        print("codemill mcp-connect: no CODEMILL_MCP_CONNECT__TOKEN set; /bridge accepts any caller", file=sys.stderr)
    # Imported here: the mcp SDK (~30 MB) stays out of the API processes, which never run MCP clients.
    from codemill.mcp.bridge.app import serve_bridge

    serve_bridge(settings, args.host, args.port)
    return 0


def _exit_on_signal(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)


def _admin(settings: Settings, args: argparse.Namespace) -> int:

    database: Database = open_database(settings)
    try:
        if args.admin_command == "create-user":
            asyncio.run(create_user(settings, database.url, args.email, args.password, args.name, args.admin))
            print(f"user {args.email} created", file=sys.stderr)
        elif args.admin_command == "set-password":
            asyncio.run(set_password(settings, database.url, args.email, args.password))
            print(f"password of {args.email} set", file=sys.stderr)
        elif args.admin_command == "rotate-keys":
            print(asyncio.run(rotate_keys(settings, database.url, args.new_master_key)), file=sys.stderr)
    finally:
        database.close(stop_adopted=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
