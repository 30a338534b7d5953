"""docs/api-coverage.md stays true: it equals a fresh generation from Codemill's OpenAPI and the route lists."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "route_coverage.py"


def run_generator(*args: str) -> subprocess.CompletedProcess[str]:
    """The generator as `make api-coverage` runs it, in this interpreter."""
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args], cwd=ROOT, capture_output=True, text=True, timeout=600, check=False
    )


def test_checked_in_coverage_page_is_current() -> None:
    result = run_generator("--check")
    assert result.returncode == 0, result.stderr


def test_check_refuses_a_stale_page(tmp_path: Path) -> None:
    page = (ROOT / "docs" / "api-coverage.md").read_text(encoding="utf-8")
    summary = re.search(r"^\*\*(\d+) of (\d+)\*\* CodeMie routes are implemented\.$", page, re.MULTILINE)
    assert summary is not None
    implemented, total = int(summary[1]), int(summary[2])
    stale = tmp_path / "api-coverage.md"
    # A page claiming one more implemented route than the code has is refused, with the difference shown.
    claimed = f"**{implemented + 1} of {total}** CodeMie routes are implemented."
    stale.write_text(page.replace(summary[0], claimed, 1), encoding="utf-8")
    result = run_generator("--check", "--output", str(stale))
    assert result.returncode == 1
    assert "is stale" in result.stderr
    assert f"-{claimed}" in result.stderr
    assert f"+{summary[0]}" in result.stderr
