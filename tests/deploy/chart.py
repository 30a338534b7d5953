"""Render the Helm chart through Helm's own Go engine (helm-python-sdk): no helm binary, no network."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import helm_python as helm
import yaml

ROOT = Path(__file__).resolve().parents[2]
CHART = ROOT / "deploy" / "helm" / "codemill"
PROFILES = ("values-production.yaml", "values-small.yaml")
RELEASE = "codemill"
NAMESPACE = "codemill"
# The Kubernetes version the manifests are validated against (AKS and GKE both support it).
KUBE_VERSION = "1.31.0"


def profile_values(profile: str) -> dict[str, Any]:
    """The override values of one profile file."""
    loaded: dict[str, Any] = yaml.safe_load((CHART / profile).read_text()) or {}
    return loaded


@cache
def render(profile: str) -> tuple[tuple[str, str], ...]:
    """Rendered templates of the chart with one profile: ((template path, manifest text), ...)."""
    chart = helm.Chart.load(CHART)
    rendered = chart.render(profile_values(profile), name=RELEASE, namespace=NAMESPACE, is_install=True, revision=1)
    return tuple(sorted(rendered.items()))


def documents(profile: str) -> list[dict[str, Any]]:
    """Every Kubernetes object the profile renders (hooks included, notes excluded)."""
    docs: list[dict[str, Any]] = []
    for path, text in render(profile):
        if path.endswith("NOTES.txt"):
            continue
        for doc in yaml.safe_load_all(text):
            if doc:
                docs.append(doc)
    return docs


WORKLOAD_KINDS = {"Deployment", "StatefulSet", "DaemonSet", "Job"}


def workloads(profile: str) -> list[dict[str, Any]]:
    """The objects of the profile that run pods."""
    return [d for d in documents(profile) if d["kind"] in WORKLOAD_KINDS]
