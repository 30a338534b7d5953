"""The embedded default survives `kill -9`: the next start comes up with every row written before."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import psutil

from tests.conftest import ROOT, unique
from tests.support.server import LiveServer, start_server

ADMIN = {"email": "embedded-admin@example.com", "password": "embedded-pass-123"}


def _env(data_dir: Path) -> dict[str, str]:
    return {
        "CODEMILL_DATA_DIR": str(data_dir),
        "CODEMILL_BOOTSTRAP_ADMIN_EMAIL": ADMIN["email"],
        "CODEMILL_BOOTSTRAP_ADMIN_PASSWORD": ADMIN["password"],
    }


def _token(server: LiveServer, creds: dict[str, str] = ADMIN) -> str:
    response = httpx.post(f"{server.url}/v1/local-auth/login", json=creds, timeout=10)
    response.raise_for_status()
    return str(response.json()["access_token"])


def _create_project(server: LiveServer) -> str:
    name = unique("kept")
    headers = {"Authorization": f"Bearer {_token(server)}"}
    httpx.post(f"{server.url}/v1/projects", json={"name": name}, headers=headers, timeout=10).raise_for_status()
    return name


def _has_project(server: LiveServer, name: str) -> bool:
    headers = {"Authorization": f"Bearer {_token(server)}"}
    return httpx.get(f"{server.url}/v1/projects/{name}", headers=headers, timeout=10).status_code == 200


def _postgres_pid(data_dir: Path) -> int:
    return int((data_dir / "postgres" / "data" / "postmaster.pid").read_text().splitlines()[0])


def test_kill_9_of_the_server_then_restart(tmp_path: Path, artifacts_dir: Path) -> None:
    logs = artifacts_dir / "logs"
    server = start_server(_env(tmp_path), logs / "embedded-1.log")
    name = _create_project(server)
    pg_pid = _postgres_pid(tmp_path)
    server.stop(signal.SIGKILL)
    # The child PostgreSQL notices its parent died and shuts down cleanly.
    psutil.Process(pg_pid).wait(30) if psutil.pid_exists(pg_pid) else None

    again = start_server(_env(tmp_path), logs / "embedded-2.log")
    try:
        assert _has_project(again, name)
    finally:
        again.stop()
    assert not (tmp_path / "postgres" / "data" / "postmaster.pid").exists(), "clean stop removes the pid file"


def test_kill_9_of_everything_and_a_reused_pid(tmp_path: Path, artifacts_dir: Path) -> None:
    logs = artifacts_dir / "logs"
    server = start_server(_env(tmp_path), logs / "embedded-3.log")
    name = _create_project(server)
    pg_pid = _postgres_pid(tmp_path)
    # Power loss: PostgreSQL and the server die at once, leaving postmaster.pid behind.
    os.kill(pg_pid, signal.SIGKILL)
    server.stop(signal.SIGKILL)
    pid_file = tmp_path / "postgres" / "data" / "postmaster.pid"
    assert pid_file.exists()
    # Worse: the recorded pid now belongs to an unrelated live process.
    lines = pid_file.read_text().splitlines()
    lines[0] = str(os.getpid())
    pid_file.write_text("\n".join(lines) + "\n")

    again = start_server(_env(tmp_path), logs / "embedded-4.log")
    try:
        assert _has_project(again, name)
    finally:
        again.stop()


def test_admin_cli_creates_users_on_the_embedded_database(tmp_path: Path, artifacts_dir: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CODEMILL_")} | _env(tmp_path)
    cli = [sys.executable, "-m", "codemill", "admin"]
    creds = {"email": "cli-user@example.com", "password": "cli-password-1"}
    bad = subprocess.run(
        [*cli, "create-user", "--email", creds["email"], "--password", "short"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        check=False,
    )
    assert bad.returncode == 2 and b"error: Password must be at least 12 characters" in bad.stderr
    common = subprocess.run(
        [*cli, "create-user", "--email", creds["email"], "--password", "password1234"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        check=False,
    )
    assert common.returncode == 2 and b"error: Password is too common" in common.stderr
    subprocess.run(
        [*cli, "create-user", "--email", creds["email"], "--password", creds["password"]],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    subprocess.run(
        [*cli, "set-password", "--email", creds["email"], "--password", "changed-password-1"],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    server = start_server(_env(tmp_path), artifacts_dir / "logs" / "embedded-cli.log")
    try:
        assert _token(server, {"email": creds["email"], "password": "changed-password-1"})
    finally:
        server.stop()
