"""`python -m codemill.doctor [--only a,b] [--timeout s]`: what `codemill doctor` and the chart's probes run."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence

from codemill.doctor.checks import CHECK_NAMES
from codemill.doctor.run import run_doctor
from codemill.errors import CodemillError
from codemill.settings import Settings


def parser() -> argparse.ArgumentParser:
    """The doctor's arguments (shared with `codemill doctor`)."""
    p = argparse.ArgumentParser(prog="codemill doctor", description="check each configured component")
    p.add_argument("--only", default=None, help=f"comma-separated checks: {', '.join(CHECK_NAMES)}")
    p.add_argument("--timeout", type=float, default=5.0, help="seconds per network call (default 5)")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    only = args.only.split(",") if args.only else None
    try:
        return asyncio.run(run_doctor(Settings(), only=only, call_timeout=args.timeout))
    except CodemillError as exc:
        print(f"error: {exc.message} ({exc.help})" if exc.help else f"error: {exc.message}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
