"""`python -m codemill.doctor [--only a,b] [--timeout s] [--json] ...`: what `codemill doctor` and the chart's probes run."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from pathlib import Path

from codemill.doctor.checks import CHECK_NAMES, DoctorInputs
from codemill.doctor.run import run_doctor
from codemill.errors import CodemillError
from codemill.settings import Settings


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The doctor's options (`codemill doctor` and `python -m codemill.doctor` share them)."""
    p.add_argument("--only", default=None, help=f"comma-separated checks: {', '.join(CHECK_NAMES)}")
    p.add_argument("--timeout", type=float, default=5.0, help="seconds per network call (default 5)")
    p.add_argument("--json", action="store_true", help="print JSON (for automation) instead of the table")
    p.add_argument("--ca-file", type=Path, default=None, help="PEM bundle to trust (a private CA) for the TLS checks")
    p.add_argument(
        "--terraform-outputs", type=Path, default=None, help="`terraform output -json` file to compare with --values"
    )
    p.add_argument(
        "--values", type=Path, action="append", default=[], help="the chart values file(s) of the release (repeatable)"
    )


def parser() -> argparse.ArgumentParser:
    """The doctor's arguments."""
    p = argparse.ArgumentParser(prog="codemill doctor", description="check each configured component")
    add_arguments(p)
    return p


async def run_from_arguments(settings: Settings, args: argparse.Namespace) -> int:
    """Run the doctor as the parsed options ask."""
    inputs = DoctorInputs(args.ca_file, args.terraform_outputs, tuple(args.values))
    only = args.only.split(",") if args.only else None
    return await run_doctor(settings, only=only, call_timeout=args.timeout, inputs=inputs, as_json=args.json)


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return asyncio.run(run_from_arguments(Settings(), args))
    except CodemillError as exc:
        print(f"error: {exc.message} ({exc.help})" if exc.help else f"error: {exc.message}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
