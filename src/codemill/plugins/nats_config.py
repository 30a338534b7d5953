"""Who talks to the plugin engine's NATS and how: credentials, and the embedded server's config file."""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from codemill.errors import CodemillError
from codemill.plugins.nkey_jwt import SigningKey
from codemill.settings import Settings

SECRETS_FILE = "secrets.json"
ENDPOINT_FILE = "endpoint.json"


class NatsNotConfigured(CodemillError):
    status = 503
    code = "nats_not_configured"


@dataclass(frozen=True)
class NatsCredentials:
    """Everything a Codemill process needs to reach the plugin engine: URL, users, callout issuer."""

    url: str
    plugins_account: str
    auth_account: str
    backend_user: str
    backend_password: str
    callout_user: str
    callout_password: str
    issuer_seed: str
    system_user: str | None = None
    system_password: str | None = None
    user_jwt_ttl_seconds: int = 0

    @property
    def issuer(self) -> SigningKey:
        """The account nkey that signs callout replies."""
        return SigningKey.from_seed(self.issuer_seed)

    @property
    def has_system_user(self) -> bool:
        return bool(self.system_user and self.system_password)


def nats_dir(settings: Settings) -> Path:
    """The embedded server's directory under the data directory."""
    return settings.data_dir / "nats"


def load_or_create_embedded_secrets(directory: Path) -> dict[str, str]:
    """The embedded server's generated passwords and issuer seed, kept (0600) across restarts."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / SECRETS_FILE
    if path.is_file():
        data = json.loads(path.read_text())
        if isinstance(data, dict) and all(isinstance(v, str) for v in data.values()):
            return data
    data = {
        "backend_password": secrets.token_urlsafe(24),
        "callout_password": secrets.token_urlsafe(24),
        "system_password": secrets.token_urlsafe(24),
        "issuer_seed": SigningKey.generate("account").seed,
    }
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(data, handle)
    return data


def credentials_for_embedded(settings: Settings, url: str) -> NatsCredentials:
    """Credentials of the embedded server under the data directory, reached at url."""
    nats = settings.nats
    generated = load_or_create_embedded_secrets(nats_dir(settings))
    return NatsCredentials(
        url=url,
        plugins_account=nats.plugins_account,
        auth_account=nats.auth_account,
        backend_user=nats.backend_user,
        backend_password=generated["backend_password"],
        callout_user=nats.callout_user,
        callout_password=generated["callout_password"],
        issuer_seed=generated["issuer_seed"],
        system_user=nats.system_user or "codemill-system",
        system_password=generated["system_password"],
        user_jwt_ttl_seconds=nats.user_jwt_ttl_seconds,
    )


def resolve_credentials(settings: Settings) -> NatsCredentials:
    """Credentials from settings (external NATS) or from the running embedded server's files."""
    nats = settings.nats
    if nats.url is None:
        endpoint = nats_dir(settings) / ENDPOINT_FILE
        if not endpoint.is_file():
            raise NatsNotConfigured(
                "The embedded NATS server is not running",
                help="Start `codemill serve`, or set CODEMILL_NATS__URL to an external NATS.",
            )
        return credentials_for_embedded(settings, json.loads(endpoint.read_text())["url"])
    missing = [
        name
        for name, value in (
            ("backend_password", nats.backend_password),
            ("callout_password", nats.callout_password),
            ("callout_issuer_seed", nats.callout_issuer_seed),
        )
        if value is None
    ]
    if missing:
        raise NatsNotConfigured(
            "External NATS needs credentials",
            details={"missing": [f"CODEMILL_NATS__{name.upper()}" for name in missing]},
        )
    assert nats.backend_password and nats.callout_password and nats.callout_issuer_seed
    return NatsCredentials(
        url=nats.url,
        plugins_account=nats.plugins_account,
        auth_account=nats.auth_account,
        backend_user=nats.backend_user,
        backend_password=nats.backend_password.get_secret_value(),
        callout_user=nats.callout_user,
        callout_password=nats.callout_password.get_secret_value(),
        issuer_seed=nats.callout_issuer_seed.get_secret_value(),
        system_user=nats.system_user,
        system_password=nats.system_password.get_secret_value() if nats.system_password else None,
        user_jwt_ttl_seconds=nats.user_jwt_ttl_seconds,
    )


def _quote(value: str) -> str:
    return json.dumps(value)


def render_server_config(
    credentials: NatsCredentials, *, directory: Path, port: int, max_payload: int = 8 * 1024 * 1024
) -> str:
    """A nats-server config with auth callout: AUTH (callout), PLUGINS (backend + plugin users), SYS.

    The same shape serves production: an operator copies it with their own passwords and issuer.
    """
    sys_users = ""
    auth_users = [credentials.callout_user, credentials.backend_user]
    if credentials.has_system_user:
        assert credentials.system_user and credentials.system_password
        sys_users = (
            f"users: [{{user: {_quote(credentials.system_user)}, password: {_quote(credentials.system_password)}}}]"
        )
        auth_users.append(credentials.system_user)
    return f"""# Generated by Codemill at each start; edits are overwritten.
server_name: "codemill-embedded"
listen: "127.0.0.1:{port if port else -1}"
pid_file: {_quote(str(directory / "nats-server.pid"))}
ports_file_dir: {_quote(str(directory))}
log_file: {_quote(str(directory / "nats-server.log"))}
logtime: true
max_payload: {max_payload}
accounts {{
  {credentials.auth_account} {{
    users: [{{user: {_quote(credentials.callout_user)}, password: {_quote(credentials.callout_password)}}}]
  }}
  {credentials.plugins_account} {{
    users: [{{user: {_quote(credentials.backend_user)}, password: {_quote(credentials.backend_password)}}}]
  }}
  SYS {{ {sys_users} }}
}}
system_account: SYS
authorization {{
  auth_callout {{
    issuer: {_quote(credentials.issuer.public_key)}
    account: {credentials.auth_account}
    auth_users: [{", ".join(_quote(user) for user in auth_users)}]
  }}
}}
"""
