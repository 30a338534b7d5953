"""The production profile, rendered, against the reference resource table: requests, limits, replicas."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest

from tests.deploy.chart import RELEASE, ROOT, documents
from tests.deploy.reference import REFERENCE, Row

PRODUCTION = "values-production.yaml"
_UNITS = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40}


def memory_bytes(quantity: str) -> int:
    """'512Mi' -> bytes."""
    match = re.fullmatch(r"(\d+)(Ki|Mi|Gi|Ti)", str(quantity))
    assert match, f"memory quantity {quantity!r} is not in binary units"
    return int(match.group(1)) * _UNITS[match.group(2)]


def cpu_cores(quantity: str | int | float) -> Decimal:
    """'500m' / '4' / 4 -> cores."""
    text = str(quantity)
    return Decimal(text[:-1]) / 1000 if text.endswith("m") else Decimal(text)


def find(kind: str, suffix: str) -> dict[str, Any]:
    name = f"{RELEASE}-{suffix}"
    matches = [d for d in documents(PRODUCTION) if d["kind"] == kind and d["metadata"]["name"] == name]
    assert len(matches) == 1, f"{kind}/{name} is not rendered exactly once by the production profile"
    return matches[0]


def replicas(workload: dict[str, Any]) -> int | None:
    """Deployment/StatefulSet replicas; the HPA's minReplicas when the Deployment leaves them to it."""
    if workload["kind"] == "DaemonSet":
        return None
    if "replicas" in workload["spec"]:
        return int(workload["spec"]["replicas"])
    hpa = find("HorizontalPodAutoscaler", workload["metadata"]["name"].removeprefix(f"{RELEASE}-"))
    return int(hpa["spec"]["minReplicas"])


ROWS_WITH_PODS = [row for row in REFERENCE if row.workloads]


@pytest.mark.parametrize("row", ROWS_WITH_PODS, ids=[r.component for r in ROWS_WITH_PODS])
def test_production_matches_reference_row(row: Row) -> None:
    expected_pods = [None] if row.pods == "DaemonSet" else [int(p) for p in row.pods.split(" + ")]
    assert len(expected_pods) in (1, len(row.workloads))
    if len(expected_pods) == 1:
        expected_pods = expected_pods * len(row.workloads)
    for workload_ref, pods in zip(row.workloads, expected_pods, strict=True):
        kind, suffix = workload_ref.split("/")
        workload = find(kind, suffix)
        assert replicas(workload) == pods, f"{workload_ref}: replicas differ from the table ({row.pods})"
        containers = workload["spec"]["template"]["spec"]["containers"]
        assert len(containers) == 1, f"{workload_ref}: the table sizes one container per pod"
        resources = containers[0]["resources"]
        for bound in ("requests", "limits"):
            assert memory_bytes(resources[bound]["memory"]) == memory_bytes(row.ram), (
                f"{workload_ref}: memory {bound} {resources[bound]['memory']} != {row.ram}"
            )
            assert cpu_cores(resources[bound]["cpu"]) == Decimal(row.vcpu), (
                f"{workload_ref}: cpu {bound} {resources[bound]['cpu']} != {row.vcpu}"
            )


def test_keycloak_database_storage_matches_reference() -> None:
    claim = find("StatefulSet", "keycloak-db")["spec"]["volumeClaimTemplates"][0]
    assert claim["spec"]["resources"]["requests"]["storage"] == "1Gi"  # the table's "1 GB"


def test_api_keeps_at_least_the_reference_pods_under_autoscaling() -> None:
    hpa = find("HorizontalPodAutoscaler", "api")
    assert hpa["spec"]["minReplicas"] == 2
    assert hpa["spec"]["maxReplicas"] >= hpa["spec"]["minReplicas"]
    assert find("PodDisruptionBudget", "api")["spec"]["minAvailable"] == 1


def test_rows_without_pods_have_no_workload() -> None:
    """Elasticsearch and Kibana are replaced by PostgreSQL + pgvector and Codemill's own analytics."""
    kinds = {"Deployment", "StatefulSet", "DaemonSet"}
    names = {d["metadata"]["name"] for d in documents(PRODUCTION) if d["kind"] in kinds}
    for forbidden in ("elasticsearch", "kibana", "postgres"):
        assert not any(forbidden in name for name in names)


def test_sizing_doc_carries_the_same_table() -> None:
    text = (ROOT / "docs" / "deploy" / "sizing.md").read_text()
    for row in REFERENCE:
        line = f"| {row.component} | {row.pods} | {row.ram} | {row.vcpu} | {row.storage} |"
        assert line in text, f"docs/deploy/sizing.md lacks the reference row: {line}"
    assert "docs.codemie.ai" in text, "the sizing doc names the table's source"
