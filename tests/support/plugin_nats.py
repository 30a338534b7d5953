"""The live servers' NATS: one server with auth callout, shared the way production API replicas share
a NATS cluster (each `codemill serve` answers the callout, listens and calls plugins on it)."""

from __future__ import annotations

from codemill.plugins import NatsCredentials


def nats_env(credentials: NatsCredentials) -> dict[str, str]:
    """The CODEMILL_NATS__* settings that point a server at this NATS as an external one."""
    env = {
        "CODEMILL_NATS__URL": credentials.url,
        "CODEMILL_NATS__BACKEND_USER": credentials.backend_user,
        "CODEMILL_NATS__BACKEND_PASSWORD": credentials.backend_password,
        "CODEMILL_NATS__CALLOUT_USER": credentials.callout_user,
        "CODEMILL_NATS__CALLOUT_PASSWORD": credentials.callout_password,
        "CODEMILL_NATS__CALLOUT_ISSUER_SEED": credentials.issuer_seed,
    }
    if credentials.system_user and credentials.system_password:
        env["CODEMILL_NATS__SYSTEM_USER"] = credentials.system_user
        env["CODEMILL_NATS__SYSTEM_PASSWORD"] = credentials.system_password
    return env
