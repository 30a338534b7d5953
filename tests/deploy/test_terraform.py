"""Terraform for Azure and GCP: every file parses, every variable is typed and described, and the example
tfvars (public and private options) set only declared variables and every required one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import hcl2
import pytest

from tests.deploy.chart import ROOT

TERRAFORM = ROOT / "deploy" / "terraform"
CLOUDS = ("azure", "gcp")
EXAMPLES = ("public.tfvars", "private.tfvars")


OPTIONS = hcl2.SerializationOptions(with_comments=False, explicit_blocks=False, strip_string_quotes=True)


def parse(path: Path) -> dict[str, Any]:
    with path.open() as handle:
        parsed: dict[str, Any] = hcl2.load(handle, serialization_options=OPTIONS)
    return {key.strip('"'): value for key, value in parsed.items()}


def variables(cloud: str) -> dict[str, dict[str, Any]]:
    declared: dict[str, dict[str, Any]] = {}
    for tf in sorted((TERRAFORM / cloud).glob("*.tf")):
        for block in parse(tf).get("variable", []):
            for name, body in block.items():
                name = name.strip('"')
                assert name not in declared, f"{cloud}: variable {name} declared twice"
                declared[name] = body
    return declared


def test_both_clouds_have_modules() -> None:
    for cloud in CLOUDS:
        assert sorted(p.name for p in (TERRAFORM / cloud).glob("*.tf")), f"no .tf files for {cloud}"


@pytest.mark.parametrize("path", sorted(TERRAFORM.rglob("*.tf")), ids=lambda p: str(p.relative_to(TERRAFORM)))
def test_every_tf_file_parses(path: Path) -> None:
    parsed = parse(path)
    assert parsed, f"{path} parsed to nothing"


@pytest.mark.parametrize("cloud", CLOUDS)
def test_every_variable_has_a_type_and_a_description(cloud: str) -> None:
    declared = variables(cloud)
    assert len(declared) > 10
    for name, body in declared.items():
        assert body.get("type"), f"{cloud}: variable {name} has no type"
        description = body.get("description", "")
        assert isinstance(description, str) and len(description) > 10, f"{cloud}: variable {name} has no description"


@pytest.mark.parametrize("cloud", CLOUDS)
@pytest.mark.parametrize("example", EXAMPLES)
def test_example_tfvars_set_only_declared_variables_and_all_required_ones(cloud: str, example: str) -> None:
    declared = variables(cloud)
    values = parse(TERRAFORM / cloud / example)
    undeclared = sorted(set(values) - set(declared))
    assert undeclared == [], f"{cloud}/{example} sets undeclared variables: {undeclared}"
    required = sorted(name for name, body in declared.items() if "default" not in body)
    missing = sorted(set(required) - set(values))
    assert missing == [], f"{cloud}/{example} leaves required variables unset: {missing}"


@pytest.mark.parametrize("cloud", CLOUDS)
def test_examples_cover_the_public_and_the_private_option(cloud: str) -> None:
    assert parse(TERRAFORM / cloud / "public.tfvars")["private_cluster"] is False
    assert parse(TERRAFORM / cloud / "private.tfvars")["private_cluster"] is True


def _resource_types(cloud: str) -> set[str]:
    types: set[str] = set()
    for tf in (TERRAFORM / cloud).glob("*.tf"):
        for block in parse(tf).get("resource", []):
            types.update(name.strip('"') for name in block)
    return types


def test_azure_builds_what_the_reference_deployment_needs() -> None:
    types = _resource_types("azure")
    assert {
        "azurerm_kubernetes_cluster", "azurerm_postgresql_flexible_server",
        "azurerm_postgresql_flexible_server_configuration", "azurerm_key_vault", "azurerm_key_vault_secret",
        "azurerm_public_ip", "azurerm_dns_a_record", "azurerm_private_dns_a_record", "azurerm_bastion_host",
    } <= types  # fmt: skip
    extensions = [
        body for tf in (TERRAFORM / "azure").glob("*.tf")
        for block in parse(tf).get("resource", [])
        for body in block.get("azurerm_postgresql_flexible_server_configuration", {}).values()
        if body.get("name") == "azure.extensions"
    ]  # fmt: skip
    assert extensions and "VECTOR" in extensions[0]["value"]


def test_gcp_builds_what_the_reference_deployment_needs() -> None:
    types = _resource_types("gcp")
    assert {
        "google_compute_network", "google_compute_router_nat", "google_container_cluster",
        "google_container_node_pool", "google_sql_database_instance", "google_kms_crypto_key",
        "google_compute_address", "google_compute_instance", "google_dns_record_set",
    } <= types  # fmt: skip
