"""Terraform outputs (`terraform output -json`) against the chart values the release was installed with.

Each output names the value it feeds (see deploy/terraform/*/outputs.tf); a mismatch is the classic
"plugins cannot connect" or "wrong identity" fault after re-creating infrastructure.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from codemill.doctor.report import CheckResult

# output name -> (path in the chart values, how to derive the wanted value from the output)
SCALARS: dict[str, tuple[str, ...]] = {
    "codemill_url": ("config", "publicUrl"),
    "nats_public_url": ("config", "natsPublicUrl"),
    "nats_public_ip": ("nats", "external", "loadBalancerIP"),
}
ANNOTATIONS: dict[str, tuple[tuple[str, ...], str | None]] = {
    "helm_nats_service_annotations": (("nats", "external", "annotations"), None),
    "workload_identity_client_id": (("serviceAccount", "annotations"), "azure.workload.identity/client-id"),
    "workload_service_account": (("serviceAccount", "annotations"), "iam.gke.io/gcp-service-account"),
}
FIX = (
    "copy the Terraform outputs into your values file (docs/deploy/README.md maps each output to its value) "
    "and `helm upgrade`; or re-run `terraform output -json` if the infrastructure changed"
)


def merged_values(files: Sequence[Path]) -> dict[str, Any]:
    """Helm's merge of -f files: later files override earlier ones, maps merged deeply."""
    merged: dict[str, Any] = {}
    for path in files:
        _merge(merged, yaml.safe_load(path.read_text()) or {})
    return merged


def _merge(into: dict[str, Any], other: dict[str, Any]) -> None:
    for key, value in other.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            _merge(into[key], value)
        else:
            into[key] = value


def _get(values: dict[str, Any], path: tuple[str, ...]) -> Any:
    node: Any = values
    for key in path:
        node = node.get(key) if isinstance(node, dict) else None
    return node


def compare(outputs: dict[str, Any], values: dict[str, Any]) -> list[str]:
    """Each disagreement, as `output = X but values path = Y`."""
    plain = {
        name: (item.get("value") if isinstance(item, dict) and "value" in item else item)
        for name, item in outputs.items()
    }
    problems = []
    for name, path in SCALARS.items():
        wanted = plain.get(name)
        if wanted is None:
            continue
        have = _get(values, path)
        if name == "codemill_url" and not have and _get(values, ("ingress", "host")):
            have = f"https://{_get(values, ('ingress', 'host'))}"
        if str(have or "").rstrip("/") != str(wanted).rstrip("/"):
            problems.append(f"output {name} = {wanted!r} but values {'.'.join(path)} = {have!r}")
    for name, (path, key) in ANNOTATIONS.items():
        wanted = plain.get(name)
        if wanted is None:
            continue
        have = _get(values, path) or {}
        expected = wanted if key is None else {key: wanted}
        for annotation, value in expected.items():
            if have.get(annotation) != value:
                problems.append(
                    f"output {name}: {annotation}={value!r} but values {'.'.join(path)} has {have.get(annotation)!r}"
                )
    return problems


def check_terraform(outputs_file: Path | None, values_files: Sequence[Path]) -> CheckResult:
    if outputs_file is None:
        return CheckResult.skipped("terraform", "skipped (no --terraform-outputs given)")
    if not values_files:
        return CheckResult.failed(
            "terraform", "Terraform outputs given without the chart values", "add --values <values file> (repeatable)"
        )
    try:
        outputs = json.loads(outputs_file.read_text())
        values = merged_values(values_files)
    except (OSError, ValueError, yaml.YAMLError) as exc:
        return CheckResult.failed(
            "terraform", f"cannot read the inputs: {exc}", "pass `terraform output -json > f.json`"
        )
    if not isinstance(outputs, dict):
        return CheckResult.failed("terraform", "the outputs file is not `terraform output -json`", FIX)
    problems = compare(outputs, values)
    if problems:
        return CheckResult.failed("terraform", "; ".join(problems), FIX)
    checked = [name for name in (*SCALARS, *ANNOTATIONS) if name in outputs]
    return CheckResult.ok("terraform", f"values match the outputs ({', '.join(checked) or 'none to compare'})")
