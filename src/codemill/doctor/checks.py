"""The checks, by name, in the order the table shows them."""

from __future__ import annotations

CHECK_NAMES = (
    "database",
    "pgvector",
    "migrations",
    "nats",
    "nats-callout",
    "oidc",
    "llm",
    "embeddings",
    "mermaid",
    "mcp-connect",
)
DATABASE_CHECKS = frozenset({"database", "pgvector", "migrations"})
NATS_CHECKS = frozenset({"nats", "nats-callout"})
