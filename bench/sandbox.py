"""The code sandbox's cost per run: namespaces, limits, a fresh Python, files in and out.

`python -m bench sandbox [runs]` (default 30): runs a trivial program (print), a program that reads and
writes a file, and one that calls a tool through the channel, one after another; prints p50/p95 of the
whole run as the API sees it (working directory made, process started, output read, files collected).

Target: a trivial run p50 <= 250 ms (Python's start-up dominates).
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import percentile, report
from codemill.sandbox.channel import ToolChannel
from codemill.sandbox.runner import Sandbox
from codemill.settings import SandboxSettings

PROGRAMS = {
    "print": ({"main.py": b"print(1)"}, False),
    "file in/out": ({"main.py": b"open('out.txt','w').write(open('in.txt').read())", "in.txt": b"x" * 100_000}, False),
    "tool call": ({"main.py": b"from codemill_tools import call_tool\nprint(call_tool('echo', text='hi'))"}, True),
}


async def _echo(name: str, args: dict[str, Any]) -> str:
    return str(args.get("text"))


async def _measure(runs: int) -> list[dict[str, Any]]:
    rows = []
    with tempfile.TemporaryDirectory(prefix="codemill-bench-sandbox-") as tmp:
        sandbox = Sandbox(SandboxSettings(), Path(tmp))
        for name, (files, with_channel) in PROGRAMS.items():
            took = []
            for _ in range(runs):
                started = time.perf_counter()
                result = await sandbox.run("main.py", files, channel=ToolChannel(_echo) if with_channel else None)
                took.append((time.perf_counter() - started) * 1000)
                assert result.ok, result.stderr
            rows.append({"program": name, "runs": runs, "p50_ms": percentile(took, 50), "p95_ms": percentile(took, 95)})
    return rows


def main() -> None:
    """Run and report."""
    numbers = [a for a in sys.argv[1:] if a.isdigit()]
    runs = int(numbers[0]) if numbers else 30
    report("sandbox", asyncio.run(_measure(runs)), {"print_p50_ms": 250})


if __name__ == "__main__":
    main()
