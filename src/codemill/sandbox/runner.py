"""Running Python in the sandbox: files in, a script run by launcher.py in its own namespaces, files out.

The API process only prepares a temporary working directory, starts the launcher as a separate process
(its own session, so a timeout kills the whole tree), reads its output (bounded) and collects the files
the program left. A tool channel (channel.py), when given, listens on a unix socket inside the working
directory: the only way out of a sandbox that has no network.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from codemill.errors import Unavailable
from codemill.sandbox.channel import CHANNEL_DIR, ToolChannel, serve_channel
from codemill.sandbox.launcher import UNAVAILABLE_EXIT, UNAVAILABLE_MARK
from codemill.settings import SandboxSettings

LAUNCHER = Path(__file__).with_name("launcher.py")
# What a run may bring back into the API process (each file is also bounded by the file size limit).
COLLECT_MAX_FILES = 1000
COLLECT_MAX_BYTES = 64 * 1_048_576
HELP = (
    "The code sandbox needs unprivileged user namespaces: enable them with "
    "`sysctl -w kernel.unprivileged_userns_clone=1` (Debian/Ubuntu), `sysctl -w user.max_user_namespaces=15000`, "
    "and on Ubuntu 24.04 `sysctl -w kernel.apparmor_restrict_unprivileged_userns=0`; in a container, run it "
    "without a seccomp profile that blocks unshare (docs/toolkits.md, Code executor)."
)


def installation_root(python: str) -> str:
    """The directory an interpreter is installed in (a virtualenv's root for its bin/python)."""
    return os.path.dirname(os.path.dirname(os.path.abspath(python)))


class SandboxUnavailable(Unavailable):
    """The machine cannot make the sandbox's namespaces: nothing runs unsandboxed."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"The code sandbox is not available on this server: {reason}", help=HELP)


@dataclass(slots=True)
class SandboxResult:
    """How a run ended: exit code, output, the files left in the working directory, the limit it hit."""

    exit_code: int
    stdout: str
    stderr: str
    files: dict[str, bytes] = field(default_factory=dict)
    limit: str | None = None
    seconds: float = 0.0
    # Files left in the working directory but not brought back (past the collection caps).
    skipped: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether the program ended normally with status 0."""
        return self.exit_code == 0 and self.limit is None


class Sandbox:
    """Runs Python programs in the namespaces sandbox with the configured limits."""

    def __init__(self, settings: SandboxSettings, data_dir: Path) -> None:
        self.settings = settings
        self.hidden = [data_dir.resolve(), *(p.resolve() for p in settings.hidden_paths)]

    async def run(
        self,
        script: str,
        files: Mapping[str, bytes],
        *,
        channel: ToolChannel | None = None,
    ) -> SandboxResult:
        """Write `files` into a fresh working directory, run `script` (one of them) and collect the results."""
        workdir = Path(tempfile.mkdtemp(prefix="codemill-sandbox-"))
        try:
            for name, content in files.items():
                target = workdir / name
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(content)
            server = await serve_channel(workdir, channel) if channel is not None else None
            try:
                result = await self._launch(workdir, script, channel)
            finally:
                if server is not None:
                    server.close()
            result.files, result.skipped = _collect(workdir)
            return result
        finally:
            shutil.rmtree(workdir, ignore_errors=True)

    async def _launch(self, workdir: Path, script: str, channel: ToolChannel | None) -> SandboxResult:
        s = self.settings
        config = {
            "hidden": [str(p) for p in self.hidden],
            "workdir": str(workdir),
            "private_tmp": str(workdir.parent),
            "script": script,
            "python": str(s.python or sys.executable),
            # The interpreter's installation (a virtualenv's root) stays reachable even under the private tmp.
            "keep": [installation_root(str(s.python or sys.executable))],
            "limits": {
                "cpu_seconds": s.cpu_seconds,
                "memory_mb": s.memory_mb,
                "file_mb": s.file_mb,
                "max_processes": s.max_processes,
                "max_open_files": s.max_open_files,
            },
            "env": {"PYTHONPATH": CHANNEL_DIR, **({"CODEMILL_TOOL_TOKEN": channel.token} if channel else {})},
        }
        started = time.perf_counter()
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-I",
            str(LAUNCHER),
            json.dumps(config),
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            start_new_session=True,
            env={"PATH": os.environ.get("PATH", "/usr/bin:/bin")},
        )
        assert process.stdout is not None and process.stderr is not None
        cap = s.max_output_chars
        reading = asyncio.gather(_read_capped(process.stdout, cap), _read_capped(process.stderr, cap))
        timed_out = False
        try:
            await asyncio.wait_for(process.wait(), timeout=s.wall_seconds)
        except TimeoutError:
            timed_out = True
            _kill_tree(process.pid)
            await process.wait()
        stdout, stderr = await reading
        code = process.returncode if process.returncode is not None else -1
        if code == UNAVAILABLE_EXIT and UNAVAILABLE_MARK in stderr:
            raise SandboxUnavailable(stderr.split(UNAVAILABLE_MARK, 1)[1].strip())
        limit = f"time limit of {s.wall_seconds:g} s (wall clock) reached" if timed_out else _limit_hit(code, stderr, s)
        return SandboxResult(code, stdout, stderr, limit=limit, seconds=time.perf_counter() - started)


def _limit_hit(code: int, stderr: str, s: SandboxSettings) -> str | None:
    """Which limit ended the program, judged from its status and last error."""
    if code in (128 + signal.SIGXCPU, 128 + signal.SIGKILL) and code != 0:
        if code == 128 + signal.SIGXCPU or "MemoryError" not in stderr:
            return f"CPU time limit of {s.cpu_seconds} s reached"
    tail = stderr[-2000:]
    if "MemoryError" in tail or "Cannot allocate memory" in tail:
        return f"memory limit of {s.memory_mb} MiB reached"
    if "File too large" in tail or code == 128 + signal.SIGXFSZ:
        return f"file size limit of {s.file_mb} MiB reached"
    if "Resource temporarily unavailable" in tail and "fork" in tail.lower():
        return f"process limit of {s.max_processes} reached"
    if "Too many open files" in tail:
        return f"open files limit of {s.max_open_files} reached"
    return None


def _kill_tree(pid: int) -> None:
    # The launcher leads its own session; killing the group ends PID 1 of the sandbox, and with it the rest.
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


async def _read_capped(stream: asyncio.StreamReader, cap: int) -> str:
    """The stream's text up to `cap` characters (read to the end, so the program never blocks on a pipe)."""
    kept = bytearray()
    dropped = 0
    while chunk := await stream.read(65536):
        room = max(cap * 4 - len(kept), 0)
        kept += chunk[:room]
        dropped += len(chunk) - min(len(chunk), room)
    text = kept.decode("utf-8", errors="replace")
    if len(text) > cap or dropped:
        text = f"{text[:cap]}\n[output cut at {cap} characters]"
    return text


def _collect(workdir: Path) -> tuple[dict[str, bytes], list[str]]:
    """The regular files left in the working directory (not the channel's directory, not symlinks), up to
    COLLECT_MAX_FILES files and COLLECT_MAX_BYTES in all; the names of those left behind."""
    found: dict[str, bytes] = {}
    skipped: list[str] = []
    total = 0
    for path in sorted(workdir.rglob("*")):
        relative = path.relative_to(workdir).as_posix()
        if relative == CHANNEL_DIR or relative.startswith(f"{CHANNEL_DIR}/"):
            continue
        if not path.is_file() or path.is_symlink():
            continue
        size = path.stat().st_size
        if len(found) >= COLLECT_MAX_FILES or total + size > COLLECT_MAX_BYTES:
            skipped.append(relative)
            continue
        found[relative] = path.read_bytes()
        total += size
    return found, skipped
