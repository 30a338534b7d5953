"""checkov over the rendered manifests (both profiles), the Dockerfile and the Terraform.

No check may fail; a skipped check must carry a written reason (checkov.io/skipN annotations in the
chart, `#checkov:skip=ID:reason` comments in the Dockerfile and the .tf files).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.deploy.chart import PROFILES, ROOT, render
from tests.deploy.tools import ensure_checkov

TERRAFORM = ROOT / "deploy" / "terraform"


@pytest.fixture(scope="module")
def checkov_reports(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    checkov = ensure_checkov()
    # One directory holding everything: checkov runs once over the three frameworks.
    work = tmp_path_factory.mktemp("checkov")
    manifests = work / "manifests"
    manifests.mkdir()
    for profile in PROFILES:
        for path, text in render(profile):
            if path.endswith(".yaml") and text.strip():
                (manifests / f"{Path(profile).stem}__{Path(path).name}").write_text(text)
    (work / "docker").mkdir()
    shutil.copy(ROOT / "Dockerfile", work / "docker" / "Dockerfile")
    shutil.copytree(TERRAFORM, work / "terraform")
    command = [
        str(checkov), "--skip-download", "--output", "json",
        "--framework", "kubernetes", "dockerfile", "terraform", "--directory", str(work),
    ]  # fmt: skip
    # No platform calls, no version checks: the run must work without network.
    env = {**os.environ, "BC_SKIP_MAPPING": "TRUE", "CHECKOV_RUN_SCA_PACKAGE_SCAN_V2": "false", "LOG_LEVEL": "WARNING"}
    env.pop("BC_API_KEY", None)
    result = subprocess.run(command, capture_output=True, text=True, env=env, cwd=work, timeout=600)
    assert result.returncode in (0, 1), result.stderr[-4000:]
    reports = json.loads(result.stdout)
    return reports if isinstance(reports, list) else [reports]


def _by_type(reports: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {report["check_type"]: report for report in reports}


def test_every_framework_was_scanned(checkov_reports: list[dict[str, Any]]) -> None:
    reports = _by_type(checkov_reports)
    assert {"kubernetes", "dockerfile", "terraform"} <= set(reports)
    for kind, report in reports.items():
        assert report["summary"]["passed"] > 0, f"checkov ran no {kind} check"
    scanned = {c["file_path"] for c in reports["terraform"]["results"]["passed_checks"]}
    assert any(f.startswith("/terraform/azure/") for f in scanned)
    assert any(f.startswith("/terraform/gcp/") for f in scanned)
    manifests = {c["file_path"] for c in reports["kubernetes"]["results"]["passed_checks"]}
    assert any("values-production__" in f for f in manifests) and any("values-small__" in f for f in manifests)


def test_no_failed_checks(checkov_reports: list[dict[str, Any]]) -> None:
    failed = [
        f"{report['check_type']}: {c['check_id']} {c['check_name']} -- {c['resource']} ({c['file_path']})"
        for report in checkov_reports
        for c in report["results"]["failed_checks"]
    ]
    assert failed == []


def test_every_skip_has_a_written_reason(checkov_reports: list[dict[str, Any]]) -> None:
    unexplained = []
    for report in checkov_reports:
        for check in report["results"]["skipped_checks"]:
            reason = (check.get("check_result") or {}).get("suppress_comment") or ""
            if len(reason.strip()) < 20 or reason.strip().lower().startswith("no comment"):
                unexplained.append(f"{check['check_id']} on {check['resource']}: {reason!r}")
    assert unexplained == []
