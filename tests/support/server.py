"""Run `codemill serve` as a real subprocess on a free port, as users run it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from codemill.kit.net import free_port

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
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"codemill serve exited with {process.returncode}:\n{log_path.read_text()[-4000:]}")
        try:
            if httpx.get(f"{url}/v1/healthcheck", timeout=1.0).status_code == 200:
                return LiveServer(url, port, process, log_path, env)
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"codemill serve not healthy after {timeout}s:\n{log_path.read_text()[-4000:]}")
