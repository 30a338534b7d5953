"""The embedded NATS runner: clean start and stop, stale pid files, and dying with its parent."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import nats
import psutil

from codemill.plugins.embedded import CONFIG_FILE, PID_FILE, EmbeddedNats
from codemill.plugins.nats_config import ENDPOINT_FILE, resolve_credentials
from codemill.settings import Settings
from tests.support.waiting import wait_until


def _gone(pid: int, seconds: float = 15.0) -> bool:
    """True once pid has exited (a zombie waiting for its reaper counts as exited)."""

    def exited() -> bool:
        try:
            return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
        except psutil.NoSuchProcess:
            return True

    try:
        return wait_until(exited, timeout=seconds, what=f"process {pid} to exit")
    except AssertionError:
        return False


async def test_starts_on_a_free_port_and_stops_cleanly(tmp_path: Path):
    settings = Settings(data_dir=tmp_path)
    server = EmbeddedNats(settings)
    credentials = server.start()
    pid = server.pid
    assert pid is not None
    try:
        # Other processes (a standalone `codemill nats-callout`) find it from the data directory.
        assert resolve_credentials(settings) == credentials
        assert oct((server.directory / CONFIG_FILE).stat().st_mode & 0o777) == "0o600"
        nc = await nats.connect(credentials.url, user=credentials.backend_user, password=credentials.backend_password)
        await nc.close()
    finally:
        server.stop()
    assert _gone(pid)
    assert not (server.directory / ENDPOINT_FILE).exists()
    assert not (server.directory / PID_FILE).exists()
    server.stop()  # twice is fine


def test_restarts_over_a_stale_pid_file(tmp_path: Path):
    settings = Settings(data_dir=tmp_path)
    directory = EmbeddedNats(settings).directory
    directory.mkdir(parents=True)
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    (directory / PID_FILE).write_text(finished.stdout.strip())
    with EmbeddedNats(settings) as server:
        assert server.pid is not None
        assert int((directory / PID_FILE).read_text()) == server.pid
    # A pid file naming an unrelated live process (this one) is dropped, the process left alone.
    (directory / PID_FILE).write_text(str(os.getpid()))
    with EmbeddedNats(settings) as server:
        assert server.pid != os.getpid()


def test_an_orphaned_server_on_the_same_data_dir_is_replaced(tmp_path: Path):
    settings = Settings(data_dir=tmp_path)
    orphan = EmbeddedNats(settings)
    orphan.start()
    orphan_pid = orphan.pid
    assert orphan_pid is not None
    successor = EmbeddedNats(settings)
    try:
        successor.start()
        assert _gone(orphan_pid)
        assert successor.pid != orphan_pid
    finally:
        successor.stop()
        orphan.stop()


def test_the_server_dies_with_its_parent(tmp_path: Path):
    script = textwrap.dedent(
        f"""
        import sys, time
        from pathlib import Path
        from codemill.plugins.embedded import EmbeddedNats
        from codemill.settings import Settings
        server = EmbeddedNats(Settings(data_dir=Path({str(tmp_path)!r})))
        server.start()
        print(server.pid, flush=True)
        time.sleep(300)  # the parent stays alive until the test kills it: its death is what is tested
        """
    )
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert parent.stdout is not None
        child_pid = int(parent.stdout.readline())
        assert psutil.pid_exists(child_pid)
        parent.send_signal(signal.SIGKILL)  # no cleanup code runs in the parent
        parent.wait(10)
        assert _gone(child_pid), "nats-server outlived its parent"
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()


def test_keeps_its_port_across_restarts(tmp_path: Path):
    settings = Settings(data_dir=tmp_path)
    with EmbeddedNats(settings) as first:
        url = first.url
    with EmbeddedNats(settings) as second:
        assert second.url == url  # the command a user was given still works
