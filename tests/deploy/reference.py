"""The reference resource table, transcribed from the AI/Run CodeMie deployment architecture pages
(docs.codemie.ai, admin/deployment/{azure,gcp}/architecture, "Container Resource Requirements", sized for
500+ concurrent users). docs/deploy/sizing.md carries the same table and how each row maps to Codemill.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Row:
    """One row: pods (None for a DaemonSet), RAM and vCPU per pod, and Codemill's workloads for it."""

    component: str
    pods: str
    ram: str
    vcpu: str
    storage: str
    workloads: tuple[str, ...]  # (kind/name-suffix, ...) in the production render; () = no pod in Codemill


REFERENCE = (
    Row("CodeMie API", "2", "8Gi", "4.0", "–", ("Deployment/api",)),
    Row("CodeMie UI", "1", "128Mi", "0.1", "–", ("Deployment/ui",)),
    Row("Elasticsearch", "2", "16Gi", "4.0", "200 GB per pod", ()),
    Row("Kibana", "1", "1Gi", "1.0", "–", ()),
    Row("Mermaid-server", "1", "512Mi", "1.0", "–", ("Deployment/mermaid",)),
    Row("PostgreSQL", "Managed service in cloud", "–", "–", "30-50 GB", ()),
    Row("Keycloak + DB", "1 + 1", "4Gi", "2.0", "1 GB", ("Deployment/keycloak", "StatefulSet/keycloak-db")),
    Row("Oauth2-proxy", "1", "128Mi", "0.1", "–", ("Deployment/oauth2-proxy",)),
    Row("NATS + Auth Callout", "1 + 1", "512Mi", "1.0", "–", ("Deployment/nats", "Deployment/nats-callout")),
    Row("MCP Connect", "1", "1Gi", "0.5", "–", ("Deployment/mcp-connect",)),
    Row("Fluent Bit", "DaemonSet", "128Mi", "0.1", "–", ("DaemonSet/fluent-bit",)),
    Row("LLM Proxy", "1", "1Gi", "1.0", "–", ("Deployment/llm-proxy",)),
)
