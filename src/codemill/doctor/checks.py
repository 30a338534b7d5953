"""The checks, by name, in the order the table shows them, and the doctor's inputs beyond the settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

CHECK_NAMES = (
    "dns",
    "tls",
    "ingress",
    "database",
    "pgvector",
    "migrations",
    "nats",
    "nats-callout",
    "nats-tls",
    "oidc",
    "llm",
    "embeddings",
    "mermaid",
    "mcp-connect",
    "terraform",
)
DATABASE_CHECKS = frozenset({"database", "pgvector", "migrations"})
NATS_CHECKS = frozenset({"nats", "nats-callout"})


@dataclass(frozen=True)
class DoctorInputs:
    """A private CA to trust, and the Terraform outputs and chart values to compare."""

    ca_file: Path | None = None
    terraform_outputs: Path | None = None
    values_files: tuple[Path, ...] = field(default_factory=tuple)
