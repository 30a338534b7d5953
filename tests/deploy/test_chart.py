"""The Helm chart, rendered by Helm's own engine with each profile: lint, schemas, security, probes."""

from __future__ import annotations

import fnmatch
import re
from typing import Any

import helm_python as helm
import kubernetes_validate
import pytest

from tests.deploy.chart import (
    CHART,
    KUBE_VERSION,
    NAMESPACE,
    PROFILES,
    RELEASE,
    ROOT,
    documents,
    profile_values,
    render,
    workloads,
)

SECRETISH = re.compile(r"(PASSWORD|SECRET|_KEY$|SEED|TOKEN|DATABASE_URL|APP_URL)", re.IGNORECASE)


def pod_spec(workload: dict[str, Any]) -> dict[str, Any]:
    spec: dict[str, Any] = workload["spec"]["template"]["spec"]
    return spec


def all_containers(workload: dict[str, Any]) -> list[dict[str, Any]]:
    spec = pod_spec(workload)
    return [*spec.get("initContainers", []), *spec["containers"]]


@pytest.mark.parametrize("profile", PROFILES)
def test_lint_strict_has_no_findings(profile: str) -> None:
    report = helm.lint(
        str(CHART), profile_values(profile), strict=True, namespace=NAMESPACE, kube_version=f"v{KUBE_VERSION}"
    )
    assert report["total_charts_linted"] == 1
    assert report["errors"] == []
    findings = [m for m in report["messages"] if m["severity"] >= 2]  # warnings count as errors
    assert findings == []


@pytest.mark.parametrize("profile", PROFILES)
def test_every_manifest_is_valid_for_the_kubernetes_version(profile: str) -> None:
    docs = documents(profile)
    assert docs
    for doc in docs:
        kubernetes_validate.validate(doc, KUBE_VERSION, strict=True)


def test_production_deploys_every_component_of_the_map() -> None:
    names = {(d["kind"], d["metadata"]["name"]) for d in documents("values-production.yaml")}
    expected = {
        ("Deployment", "api"), ("Service", "api"), ("HorizontalPodAutoscaler", "api"),
        ("PodDisruptionBudget", "api"), ("Deployment", "ui"), ("Deployment", "worker"),
        ("Job", "migrations"), ("Deployment", "nats"), ("Deployment", "nats-callout"),
        ("Service", "nats-external"), ("Deployment", "mermaid"), ("Deployment", "oauth2-proxy"),
        ("Deployment", "keycloak"), ("ConfigMap", "keycloak"), ("StatefulSet", "keycloak-db"),
        ("Deployment", "llm-proxy"), ("DaemonSet", "fluent-bit"), ("Deployment", "mcp-connect"),
    }  # fmt: skip
    missing = {(kind, f"{RELEASE}-{name}") for kind, name in expected} - names
    assert not missing
    assert ("Ingress", RELEASE) in names


def test_small_profile_is_small() -> None:
    kinds = {(d["kind"], d["metadata"]["name"]) for d in workloads("values-small.yaml")}
    assert kinds == {
        ("Deployment", f"{RELEASE}-api"), ("Deployment", f"{RELEASE}-worker"), ("Job", f"{RELEASE}-migrations"),
        ("Deployment", f"{RELEASE}-nats"), ("Deployment", f"{RELEASE}-nats-callout"),
    }  # fmt: skip


def test_migrations_run_as_pre_install_and_pre_upgrade_hook() -> None:
    job = next(w for w in workloads("values-production.yaml") if w["kind"] == "Job")
    hooks = set(job["metadata"]["annotations"]["helm.sh/hook"].split(","))
    assert hooks == {"pre-install", "pre-upgrade"}
    assert pod_spec(job)["containers"][0]["args"] == ["migrate"]
    account = pod_spec(job)["serviceAccountName"]
    sa = next(
        d
        for d in documents("values-production.yaml")
        if d["kind"] == "ServiceAccount" and d["metadata"]["name"] == account
    )
    assert "pre-install" in sa["metadata"]["annotations"]["helm.sh/hook"]  # exists before the Job runs


@pytest.mark.parametrize("profile", PROFILES)
def test_every_container_has_probes_resources_and_a_locked_down_context(profile: str) -> None:
    for workload in workloads(profile):
        spec = pod_spec(workload)
        assert spec["securityContext"]["seccompProfile"]["type"] == "RuntimeDefault"
        for container in all_containers(workload):
            where = f"{workload['metadata']['name']}/{container['name']}"
            ctx = container["securityContext"]
            assert ctx["allowPrivilegeEscalation"] is False, where
            assert ctx["capabilities"]["drop"] == ["ALL"], where
            assert ctx.get("privileged", False) is False, where
            for bound in ("requests", "limits"):
                assert {"cpu", "memory"} <= set(container["resources"][bound]), where
            if container in spec.get("initContainers", []):
                continue
            assert "livenessProbe" in container, where
            assert "readinessProbe" in container, where


@pytest.mark.parametrize("profile", PROFILES)
def test_only_documented_exceptions_run_as_root_or_write_their_root_filesystem(profile: str) -> None:
    for workload in workloads(profile):
        name = workload["metadata"]["name"].removeprefix(f"{RELEASE}-")
        skips = " ".join(workload["metadata"].get("annotations", {}).values())
        for container in all_containers(workload):
            ctx = container["securityContext"]
            runs_as_root = pod_spec(workload)["securityContext"].get("runAsUser") == 0
            if runs_as_root:
                assert name == "fluent-bit" and "CKV_K8S_23=" in skips
            if not ctx["readOnlyRootFilesystem"]:
                assert name == "keycloak" and "CKV_K8S_22=" in skips


@pytest.mark.parametrize("profile", PROFILES)
def test_secrets_are_referenced_never_inline(profile: str) -> None:
    docs = documents(profile)
    assert not [d for d in docs if d["kind"] == "Secret"], "the chart must not render Secrets"
    for workload in workloads(profile):
        for container in all_containers(workload):
            for env in container.get("env", []):
                if SECRETISH.search(env["name"]):
                    assert "valueFrom" in env and "value" not in env, (
                        f"{workload['metadata']['name']}: {env['name']} must come from a Secret"
                    )


@pytest.mark.parametrize("profile", PROFILES)
def test_every_pod_is_selected_by_a_network_policy(profile: str) -> None:
    policies = [d for d in documents(profile) if d["kind"] == "NetworkPolicy"]
    for workload in workloads(profile):
        labels = workload["spec"]["template"]["metadata"]["labels"]
        selected = [
            p for p in policies
            if p["spec"]["podSelector"]["matchLabels"].items() <= labels.items()
        ]  # fmt: skip
        assert selected, f"no NetworkPolicy selects {workload['metadata']['name']}"


def test_network_policies_allow_what_the_api_needs_and_only_scrapes_into_the_worker() -> None:
    by_name = {d["metadata"]["name"]: d for d in documents("values-production.yaml") if d["kind"] == "NetworkPolicy"}
    worker_in = by_name[f"{RELEASE}-worker"]["spec"]["ingress"]
    assert [p["port"] for rule in worker_in for p in rule["ports"]] == [9464], "only Prometheus, on /metrics"
    nats_ports = {p["port"] for rule in by_name[f"{RELEASE}-nats"]["spec"]["ingress"] for p in rule["ports"]}
    assert 4222 in nats_ports
    api_peers = [rule["from"] for rule in by_name[f"{RELEASE}-nats"]["spec"]["ingress"]]
    assert any(
        peer.get("podSelector", {}).get("matchLabels", {}).get("app.kubernetes.io/component") == "api"
        for peers in api_peers for peer in peers
    )  # fmt: skip


def test_production_wires_components_to_each_other() -> None:
    api = next(w for w in workloads("values-production.yaml") if w["metadata"]["name"] == f"{RELEASE}-api")
    env = {e["name"]: e for e in pod_spec(api)["containers"][0]["env"]}
    assert env["CODEMILL_LLM__BASE_URL"]["value"] == f"http://{RELEASE}-llm-proxy:4000/v1"
    assert env["CODEMILL_MERMAID__URL"]["value"] == f"http://{RELEASE}-mermaid:3000"
    assert env["CODEMILL_MCP_CONNECT__URL"]["value"] == f"http://{RELEASE}-mcp-connect:3000"
    assert env["CODEMILL_OIDC__ISSUER"]["value"].endswith("/auth/realms/codemill")
    assert env["CODEMILL_DATABASE_URL"]["valueFrom"]["secretKeyRef"]["name"] == "codemill-app"
    # The nats-callout Deployment answers the auth callout; the API pods leave it to it.
    assert env["CODEMILL_NATS__SERVE_CALLOUT"]["value"] == "false"
    ingress = next(
        d for d in documents("values-production.yaml") if d["kind"] == "Ingress" and d["metadata"]["name"] == RELEASE
    )
    assert "nginx.ingress.kubernetes.io/auth-url" in ingress["metadata"]["annotations"]


def test_keycloak_imports_the_realm_of_deploy_keycloak() -> None:
    import json

    canonical = json.loads((ROOT / "deploy" / "keycloak" / "codemill-realm.json").read_text())
    chart_copy = json.loads((CHART / "files" / "codemill-realm.json").read_text())
    assert chart_copy == canonical, "deploy/helm/codemill/files/codemill-realm.json must equal deploy/keycloak/"
    config_map = next(
        d for d in documents("values-production.yaml")
        if d["kind"] == "ConfigMap" and d["metadata"]["name"] == f"{RELEASE}-keycloak"
    )  # fmt: skip
    realm = json.loads(config_map["data"]["codemill-realm.json"])
    assert realm["realm"] == "codemill"
    assert not any(idp["enabled"] for idp in realm["identityProviders"])


@pytest.mark.parametrize(
    ("option", "alias"),
    [
        ("clientOwnTenant", "entra-own-tenant"),
        ("crossTenant", "entra-cross-tenant"),
        ("providerTenant", "entra-provider-tenant"),
    ],
)
def test_entra_option_enables_exactly_its_identity_provider(option: str, alias: str) -> None:
    import json

    values = profile_values("values-production.yaml")
    values["keycloak"]["entra"] = {"enabled": True, "option": option, "tenantId": "t", "clientId": "c"}
    rendered = dict(helm.Chart.load(CHART).render(values, name=RELEASE, namespace=NAMESPACE))
    text = rendered["codemill/templates/keycloak.yaml"]
    config_map = next(d for d in __import__("yaml").safe_load_all(text) if d and d["kind"] == "ConfigMap")
    enabled = [
        i["alias"] for i in json.loads(config_map["data"]["codemill-realm.json"])["identityProviders"] if i["enabled"]
    ]
    assert enabled == [alias]


def test_render_is_deterministic() -> None:
    chart = helm.Chart.load(CHART)
    again = chart.render(profile_values(PROFILES[0]), name=RELEASE, namespace=NAMESPACE, is_install=True, revision=1)
    assert tuple(sorted(again.items())) == render(PROFILES[0])


def test_fluent_bit_does_not_ship_its_own_logs() -> None:
    daemon_set = next(w for w in workloads("values-production.yaml") if w["kind"] == "DaemonSet")
    pod_prefix = daemon_set["metadata"]["name"]
    config = next(
        d
        for d in documents("values-production.yaml")
        if d["kind"] == "ConfigMap" and d["metadata"]["name"] == pod_prefix
    )["data"]["fluent-bit.conf"]
    settings = dict(
        line.split(None, 1) for line in config.splitlines() if line.strip() and not line.strip().startswith(("[", "#"))
    )
    own = f"/var/log/containers/{pod_prefix}-x7k2p_{NAMESPACE}_fluent-bit-0123abcd.log"
    api = f"/var/log/containers/api-5d9c7-x7k2p_{NAMESPACE}_api-0123abcd.log"
    assert fnmatch.fnmatch(own, settings["Path"]) and fnmatch.fnmatch(api, settings["Path"])
    assert fnmatch.fnmatch(own, settings["Exclude_Path"])
    assert not fnmatch.fnmatch(api, settings["Exclude_Path"])


@pytest.mark.parametrize(("component", "port_name"), [("api", "http"), ("worker", "metrics"), ("mcp-connect", "http")])
def test_pods_are_scraped_at_metrics_on_a_port_they_serve(component: str, port_name: str) -> None:
    pod = next(w for w in workloads("values-production.yaml") if w["metadata"]["name"] == f"{RELEASE}-{component}")
    annotations = pod["spec"]["template"]["metadata"]["annotations"]
    container = pod_spec(pod)["containers"][0]
    port = next(p for p in container["ports"] if p["name"] == port_name)["containerPort"]
    assert annotations["prometheus.io/scrape"] == "true"
    assert annotations["prometheus.io/path"] == "/metrics"
    assert annotations["prometheus.io/port"] == str(port)
    if component == "worker":  # the worker has no HTTP app: the setting makes it serve /metrics on that port
        env = {e["name"]: e.get("value") for e in container["env"]}
        assert env["CODEMILL_OBSERVABILITY__METRICS_PORT"] == str(port)


def test_public_nats_listener_requires_tls_and_the_in_cluster_one_is_private() -> None:
    docs = documents("values-production.yaml")
    config = next(d for d in docs if d["kind"] == "ConfigMap" and d["metadata"]["name"] == f"{RELEASE}-nats")["data"]
    assert "allow_non_tls" not in config["nats-edge.conf"] and "tls {" in config["nats-edge.conf"]
    assert "tls {" not in config["nats.conf"]
    external = next(d for d in docs if d["kind"] == "Service" and d["metadata"]["name"] == f"{RELEASE}-nats-external")
    assert external["spec"]["selector"]["app.kubernetes.io/component"] == "nats-edge"
    policies = {d["metadata"]["name"]: d for d in docs if d["kind"] == "NetworkPolicy"}
    inside = policies[f"{RELEASE}-nats"]["spec"]["ingress"]
    assert not any("ipBlock" in peer for rule in inside for peer in rule["from"]), "plain NATS must stay in-cluster"
    edge = policies[f"{RELEASE}-nats-edge"]["spec"]["ingress"]
    assert any("ipBlock" in peer for rule in edge for peer in rule["from"])


def test_fluent_bit_parses_codemills_json_lines() -> None:
    config = next(
        d for d in documents("values-production.yaml")
        if d["kind"] == "ConfigMap" and d["metadata"]["name"] == f"{RELEASE}-fluent-bit"
    )["data"]  # fmt: skip
    kubernetes_filter = config["fluent-bit.conf"].split("Name                kubernetes", 1)[1].split("[", 1)[0]
    assert "Merge_Log           On" in kubernetes_filter  # the JSON line becomes the record's fields
    assert "Merge_Parser        json" in kubernetes_filter
    assert "Name        json" in config["parsers.conf"] and "Format      json" in config["parsers.conf"]
    # The parser's time field is the one Codemill writes.
    import logging

    from codemill.kit.logs import JsonFormatter

    line = JsonFormatter().format(logging.LogRecord("codemill", logging.INFO, __file__, 1, "hello", (), None))
    assert "Time_Key    ts" in config["parsers.conf"] and '"ts": "' in line.replace('":"', '": "')


def test_cross_tenant_option_restricts_codemill_to_the_client_tenants() -> None:
    import json

    values = profile_values("values-production.yaml")
    values["keycloak"]["entra"] = {
        "enabled": True, "option": "crossTenant", "tenantId": "provider", "clientId": "c",
        "allowedTenants": ["client-a", "client-b"],
    }  # fmt: skip
    rendered = dict(helm.Chart.load(CHART).render(values, name=RELEASE, namespace=NAMESPACE))
    api = next(
        d for d in __import__("yaml").safe_load_all(rendered["codemill/templates/api.yaml"])
        if d and d["kind"] == "Deployment"
    )  # fmt: skip
    env = {e["name"]: e.get("value") for e in pod_spec(api)["containers"][0]["env"]}
    assert json.loads(env["CODEMILL_OIDC__ALLOWED_TENANTS"]) == ["client-a", "client-b"]
    realm = json.loads((ROOT / "deploy" / "keycloak" / "codemill-realm.json").read_text())
    mappers = [m for m in realm["identityProviderMappers"] if m["identityProviderAlias"] == "entra-cross-tenant"]
    assert any(m["config"].get("claim") == "tid" and m["config"].get("user.attribute") == "tid" for m in mappers)
    client = next(c for c in realm["clients"] if c["clientId"] == "codemill")
    assert any(m["config"].get("claim.name") == "tid" for m in client["protocolMappers"])
    # Own-tenant installs are not restricted by Codemill (Entra itself admits only that tenant).
    assert "CODEMILL_OIDC__ALLOWED_TENANTS" not in {
        e["name"] for e in pod_spec(workloads("values-production.yaml")[0])["containers"][0].get("env", [])
    }


def test_cert_manager_issues_the_edge_certificate_for_the_public_name() -> None:
    values = profile_values("values-production.yaml")
    values["nats"]["external"] = {
        "enabled": True, "host": "plugins.example.com", "certManager": {"issuerName": "letsencrypt"},
    }  # fmt: skip
    rendered = dict(helm.Chart.load(CHART).render(values, name=RELEASE, namespace=NAMESPACE))
    docs = [d for d in __import__("yaml").safe_load_all(rendered["codemill/templates/nats.yaml"]) if d]
    certificate = next(d for d in docs if d["kind"] == "Certificate")
    assert certificate["spec"]["dnsNames"] == ["plugins.example.com"]
    assert certificate["spec"]["issuerRef"] == {"name": "letsencrypt", "kind": "ClusterIssuer"}
    edge = next(d for d in docs if d["kind"] == "Deployment" and d["metadata"]["name"] == f"{RELEASE}-nats-edge")
    mounted = {v["name"]: v for v in pod_spec(edge)["volumes"]}
    assert mounted["tls"]["secret"]["secretName"] == certificate["spec"]["secretName"]
