"""Run `codemill serve` as a real subprocess on a free port, as users run it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from codemill.kit.net import free_port
from tests.support.waiting import wait_until

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class LiveServer:
    """A running Codemill server."""

    url: str
    port: int
    process: subprocess.Popen[bytes]
    log_path: Path
    env: dict[str, str] = field(repr=False)

    def log(self) -> str:
        """Everything the server printed so far."""
        return self.log_path.read_text(errors="replace")

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 30.0) -> None:
        """Stop the server (SIGTERM: graceful; SIGKILL: as a crash)."""
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)


def answers_or_exited(process: subprocess.Popen[bytes], health_url: str) -> bool:
    """Whether the process answers 200 on its health URL; True too once it has exited (nothing more to wait for)."""
    if process.poll() is not None:
        return True
    try:
        return httpx.get(health_url, timeout=1.0).status_code == 200
    except httpx.HTTPError:
        return False


def start_server(env_overrides: dict[str, str], log_path: Path, timeout: float = 90.0) -> LiveServer:
    """Start `codemill serve` with the given CODEMILL_* settings and wait until healthy (fail loudly)."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CODEMILL_")}
    # One worker unless a test asks for more (`codemill serve` defaults to one per core).
    env.update({"CODEMILL_LOG_LEVEL": "INFO", "CODEMILL_WORKERS": "1", **env_overrides})
    log_path.parent.mkdir(parents=True, exist_ok=True)
    out = log_path.open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "codemill", "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=out,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until(
            lambda: answers_or_exited(process, f"{url}/v1/healthcheck"), timeout=timeout, what="codemill serve healthy"
        )
    except AssertionError:
        process.kill()
        raise RuntimeError(f"codemill serve not healthy after {timeout}s:\n{log_path.read_text()[-4000:]}") from None
    if process.poll() is not None:
        raise RuntimeError(f"codemill serve exited with {process.returncode}:\n{log_path.read_text()[-4000:]}")
    return LiveServer(url, port, process, log_path, env)
