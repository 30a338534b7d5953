"""Line coverage of src/codemill per package, and the gate on the total (`make pytest` runs it).

.venv/bin/python scripts/coverage_report.py --fail-under 85   # after a pytest run with --cov=codemill
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

import coverage


def per_package(report: dict[str, dict[str, dict[str, int]]]) -> dict[str, tuple[int, int]]:
    """(statements, covered) for each top-level package of codemill (modules at its root count as `codemill`)."""
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for name, entry in report.items():
        parts = Path(name).parts
        inner = parts[parts.index("codemill") + 1 :] if "codemill" in parts else parts
        package = inner[0] if len(inner) > 1 else "codemill"
        totals[package][0] += entry["summary"]["num_statements"]
        totals[package][1] += entry["summary"]["covered_lines"]
    return {k: (v[0], v[1]) for k, v in sorted(totals.items())}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--fail-under", type=float, default=0.0)
    args = parser.parse_args()
    cov = coverage.Coverage()
    cov.load()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "coverage.json"
        cov.json_report(outfile=str(out))
        report = json.loads(out.read_text(encoding="utf-8"))
    rows = per_package(report["files"])
    print(f"{'package':<16} {'lines':>7} {'covered':>8} {'%':>6}")
    for package, (statements, covered) in rows.items():
        print(f"{package:<16} {statements:>7} {covered:>8} {100 * covered / max(statements, 1):>6.1f}")
    total = float(report["totals"]["percent_covered"])
    print(f"{'total':<16} {report['totals']['num_statements']:>7} {report['totals']['covered_lines']:>8} {total:>6.1f}")
    if total < args.fail_under:
        print(f"line coverage {total:.1f}% is under the gate of {args.fail_under:g}%", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
