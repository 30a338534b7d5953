"""Every checkov suppression in the chart, the Terraform and the Dockerfile is justified in docs/deploy/checkov.md."""

from __future__ import annotations

import re

from tests.deploy.chart import ROOT

ID = re.compile(r"\b(CKV2?_[A-Z0-9]+_\d+)[=:]")


def suppressed_ids() -> set[str]:
    files = [
        *(ROOT / "deploy" / "helm" / "codemill" / "templates").glob("*"),
        *(ROOT / "deploy" / "terraform").rglob("*.tf"),
        ROOT / "Dockerfile",
    ]
    found: set[str] = set()
    for path in files:
        for line in path.read_text().splitlines():
            if "checkov" in line or re.search(r'"CKV2?_[A-Z0-9]+_\d+=', line) or "CKV_" in line:
                found.update(ID.findall(line))
    return found


def test_every_suppression_is_explained_in_the_docs() -> None:
    documented = set(re.findall(r"CKV2?_[A-Z0-9]+_\d+", (ROOT / "docs" / "deploy" / "checkov.md").read_text()))
    ids = suppressed_ids()
    assert {"CKV_K8S_43", "CKV_AZURE_41", "CKV_GCP_6"} <= ids  # the scan of the sources works
    assert ids - documented == set()
