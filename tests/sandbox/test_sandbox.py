"""The sandbox on this machine: separate process, no network, no data directory, limits that stop runaway code."""

from __future__ import annotations

import asyncio
import shutil
import socket
import subprocess
import sys
import tempfile
import textwrap
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from codemill.sandbox.channel import ChannelRefusal, ToolChannel
from codemill.sandbox.runner import Sandbox
from codemill.settings import SandboxSettings


def program(code: str) -> dict[str, bytes]:
    return {"main.py": textwrap.dedent(code).encode()}


@pytest.fixture
def data_dir() -> Iterator[Path]:
    """Outside the temporary directory (which the sandbox replaces anyway), as a real data directory is."""
    secret = Path(tempfile.mkdtemp(prefix="codemill-test-data-", dir="/var/tmp"))
    (secret / "master.key").write_text("the-master-key")
    yield secret
    shutil.rmtree(secret, ignore_errors=True)


@pytest.fixture
def sandbox(data_dir: Path) -> Sandbox:
    limits = SandboxSettings(cpu_seconds=2, memory_mb=256, wall_seconds=90, file_mb=1, max_output_chars=2000)
    return Sandbox(limits, data_dir)


@pytest.fixture
def listener() -> Iterator[tuple[int, list[bytes]]]:
    """A TCP server on loopback that records anything reaching it."""
    server = socket.create_server(("127.0.0.1", 0))
    seen: list[bytes] = []

    def accept() -> None:
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            seen.append(conn.recv(100) or b"connected")
            conn.close()

    threading.Thread(target=accept, daemon=True).start()
    yield server.getsockname()[1], seen
    server.close()


async def test_a_program_runs_and_leaves_its_files(sandbox: Sandbox) -> None:
    result = await sandbox.run(
        "main.py",
        {
            **program("import os\nprint(open('in.txt').read().upper(), os.getpid())\nopen('out.txt','w').write('42')"),
            "in.txt": b"hello",
        },
    )
    assert result.ok, result.stderr
    # Its own PID namespace: the program is the child of the namespace's PID 1.
    assert result.stdout.split() == ["HELLO", "2"]
    assert result.files["out.txt"] == b"42" and "in.txt" in result.files


async def test_no_network_not_even_loopback(sandbox: Sandbox, listener: tuple[int, list[bytes]]) -> None:
    port, seen = listener
    result = await sandbox.run(
        "main.py",
        program(f"""
            import socket
            for host in ("127.0.0.1", "1.1.1.1"):
                try:
                    socket.create_connection((host, {port}), timeout=3).sendall(b"escaped")
                    print(host, "reached")
                except OSError as exc:
                    print(host, "refused", exc.errno)
            print([name for _, name in socket.if_nameindex()])
        """),
    )
    assert result.ok, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("127.0.0.1 refused") and lines[1].startswith("1.1.1.1 refused")
    assert lines[2] == "['lo']"
    assert seen == []


async def test_the_data_directory_cannot_be_read(sandbox: Sandbox, data_dir: Path) -> None:
    result = await sandbox.run(
        "main.py",
        program(f"""
            import os
            for attempt in (lambda: os.listdir({str(data_dir)!r}), lambda: open({str(data_dir / "master.key")!r}).read()):
                try:
                    print("read", attempt())
                except OSError as exc:
                    print("refused", type(exc).__name__)
            import ctypes
            libc = ctypes.CDLL(None, use_errno=True)
            print("umount", libc.umount2({str(data_dir).encode()!r}, 2), ctypes.get_errno())
            print("uid", os.getuid(), "env", sorted(os.environ))
        """),
    )
    assert result.ok, result.stderr
    assert "the-master-key" not in result.stdout
    lines = result.stdout.splitlines()
    assert lines[:2] == ["refused PermissionError", "refused PermissionError"]
    # No capability is left to take the cover off (EPERM).
    assert lines[2] == "umount -1 1"
    assert lines[3].startswith("uid 1000 env ") and "CODEMILL" not in lines[3]


async def test_runaway_cpu_is_stopped_with_a_clear_message(sandbox: Sandbox) -> None:
    result = await sandbox.run("main.py", program("while True:\n    pass\n"))
    assert not result.ok and result.limit == "CPU time limit of 2 s reached"


async def test_memory_limit(sandbox: Sandbox) -> None:
    result = await sandbox.run("main.py", program("blocks = [bytearray(50_000_000) for _ in range(20)]\n"))
    assert result.limit == "memory limit of 256 MiB reached"


async def test_file_size_limit(sandbox: Sandbox) -> None:
    result = await sandbox.run("main.py", program("open('big', 'wb').write(b'x' * 3_000_000)\n"))
    assert result.limit == "file size limit of 1 MiB reached"


async def test_wall_clock_limit_ends_the_whole_tree(data_dir: Path) -> None:
    sandbox = Sandbox(SandboxSettings(wall_seconds=1.5), data_dir)
    # A program that outlives the limit (its sleep is what the limit ends).
    result = await sandbox.run(
        "main.py", program("import os, time\nif os.fork() == 0:\n    os.setsid()\ntime.sleep(60)\n")
    )
    assert result.limit == "time limit of 1.5 s (wall clock) reached"


async def test_output_is_capped(sandbox: Sandbox) -> None:
    result = await sandbox.run("main.py", program("print('y' * 100_000)"))
    assert result.ok and result.stdout.endswith("[output cut at 2000 characters]")


async def test_tool_calls_go_through_the_channel_and_its_handler(sandbox: Sandbox) -> None:
    async def handler(name: str, args: dict[str, Any]) -> str:
        if name != "calculator":
            raise ChannelRefusal(f"The tool {name} is not available to this script.")
        return str(eval(str(args["expression"]), {}))  # the test's own stand-in handler, fixed input

    channel = ToolChannel(handler)
    result = await sandbox.run(
        "main.py",
        program("""
            from codemill_tools import call_tool, ToolRefused
            print(call_tool("calculator", expression="6*7"))
            try:
                call_tool("generic_jira_tool", method="GET")
            except ToolRefused as exc:
                print("refused:", exc)
        """),
        channel=channel,
    )
    assert result.ok, result.stderr
    assert result.stdout.splitlines() == ["42", "refused: The tool generic_jira_tool is not available to this script."]
    assert channel.calls == [("calculator", True), ("generic_jira_tool", False)]
    assert ".codemill/tools.sock" not in result.files


def test_without_namespaces_it_fails_loudly(tmp_path: Path, data_dir: Path) -> None:
    """Where user namespaces cannot be made (here: a namespace whose limit for new ones is 0), nothing runs."""
    script = tmp_path / "attempt.py"
    script.write_text(
        textwrap.dedent(f"""
            import asyncio
            from pathlib import Path
            from codemill.sandbox.runner import Sandbox, SandboxUnavailable
            from codemill.settings import SandboxSettings
            Path("/proc/sys/user/max_user_namespaces").write_text("0")
            try:
                asyncio.run(Sandbox(SandboxSettings(), Path({str(data_dir)!r})).run("main.py", {{"main.py": b"print(1)"}}))
                print("ran")
            except SandboxUnavailable as exc:
                print(exc.status, exc.message)
                print(exc.help)
        """)
    )
    done = subprocess.run(
        ["unshare", "--user", "--map-root-user", sys.executable, str(script)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    message, help_text = done.stdout.splitlines()[:2]
    assert message.startswith("503 The code sandbox is not available on this server: unshare"), done.stderr
    assert "kernel.unprivileged_userns_clone=1" in help_text


async def test_what_comes_back_is_bounded(sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("codemill.sandbox.runner.COLLECT_MAX_FILES", 3)
    result = await sandbox.run(
        "main.py",
        program("""
            import os
            for n in range(5):
                open(f"f{n}.txt", "w").write(str(n))
            os.symlink("/etc/hostname", "link.txt")
        """),
    )
    assert result.ok, result.stderr
    assert sorted(result.files) == ["f0.txt", "f1.txt", "f2.txt"]
    assert result.skipped == ["f3.txt", "f4.txt", "main.py"]


async def test_other_runs_and_host_processes_are_out_of_sight(sandbox: Sandbox) -> None:
    other = asyncio.create_task(  # another run, kept alive (by its sleep) while this one looks around
        sandbox.run("main.py", {**program("import time\ntime.sleep(8)"), "their-secret.txt": b"theirs"})
    )
    result = await sandbox.run(
        "main.py",
        program("""
            import os
            # Only this run's directory (and, when Codemill runs from under /tmp, its interpreter's installation).
            runs = [d for d in os.listdir(os.path.dirname(os.getcwd())) if d.startswith("codemill-sandbox-")]
            print(runs == [os.path.basename(os.getcwd())])
            print(sorted(int(p) for p in os.listdir("/proc") if p.isdigit()))
        """),
    )
    await other
    assert result.ok, result.stderr
    assert result.stdout.splitlines() == ["True", "[1, 2]"]
