"""Secrets at rest: never in clear in the database; `codemill admin rotate-keys` re-encrypts them all;
plugin keys are found by hash and revoked by deletion."""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import asyncpg
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from codemill.admin_cli import rotate_keys
from codemill.auth.principal import Principal
from codemill.db.embedded import EmbeddedPostgres
from codemill.db.engine import make_engine
from codemill.db.migrate import upgrade_to_head
from codemill.integrations import service
from codemill.integrations.plugin_keys import REVOKED_CHANNEL, PluginKeyStore
from codemill.integrations.schemas import CredentialValue, IntegrationIn
from codemill.integrations.sealing import CIPHER_INFO_KEY, open_secrets
from codemill.kit.crypto import Keyring, LocalKeyProvider, SecretCipher
from codemill.models import Integration, Project, User
from codemill.plugins.keys import PluginKeyIdentity
from codemill.resources import PluginKeysFromIntegrations
from codemill.settings import Settings
from tests.conftest import ROOT, TestUser, unique
from tests.support.server import LiveServer


def _cipher(current: str, *previous: str) -> SecretCipher:
    keyring = Keyring.from_secrets(current, list(previous))
    return SecretCipher(LocalKeyProvider(lambda: keyring))


def _post(user: TestUser, body: dict[str, object]) -> dict[str, object]:
    response = user.http.post("/v1/settings/user", json=body)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


async def test_database_holds_no_secret_in_clear(
    make_user: Callable[..., TestUser], db_session: AsyncSession, live_server: LiveServer
) -> None:
    user = make_user("atrest")
    stored = {
        "git": "ghp_" + secrets.token_hex(20),
        "aws_key": "AKIA" + secrets.token_hex(8).upper(),
        "aws_secret": secrets.token_urlsafe(30),
        "mcp": "mcp-" + secrets.token_hex(16),
    }
    ids = [
        _post(
            user,
            {
                "project_name": user.email,
                "alias": unique("g"),
                "credential_type": "Git",
                "credential_values": [
                    {"key": "url", "value": "https://git.example.com/a.git"},
                    {"key": "token", "value": stored["git"]},
                ],
            },
        )["id"],
        _post(
            user,
            {
                "project_name": user.email,
                "alias": unique("a"),
                "credential_type": "AWS",
                "credential_values": [
                    {"key": "aws_region", "value": "eu-west-1"},
                    {"key": "aws_access_key_id", "value": stored["aws_key"]},
                    {"key": "aws_secret_access_key", "value": stored["aws_secret"]},
                ],
            },
        )["id"],
        _post(
            user,
            {
                "project_name": user.email,
                "alias": unique("m"),
                "credential_type": "MCP",
                "credential_values": [{"key": "GITHUB_TOKEN", "value": stored["mcp"]}],
            },
        )["id"],
    ]
    plugin = _post(
        user, {"project_name": user.email, "alias": unique("p"), "credential_type": "Plugin", "credential_values": []}
    )
    stored["plugin"] = str(plugin["plugin_key"])
    ids.append(plugin["id"])

    rows = (await db_session.execute(text("SELECT * FROM integrations WHERE id = ANY(:ids)"), {"ids": ids})).mappings()
    raw = [dict(r) for r in rows]
    assert len(raw) == 4
    for row in raw:
        assert row["secret_key_id"] and row["secret_wrapped_key"] and row["secret_ciphertext"]
        as_text = repr(row)
        as_bytes = b"".join(v for v in row.values() if isinstance(v, bytes))
        for secret in stored.values():
            assert secret not in as_text and secret.encode() not in as_bytes
    # The whole table, as PostgreSQL prints it, too.
    dump = (await db_session.execute(text("SELECT string_agg(i::text, '\n') FROM integrations i"))).scalar_one()
    for secret in stored.values():
        assert secret not in dump
    assert {r["id"]: r["secret_keys"] for r in raw}[ids[2]] == ["GITHUB_TOKEN"]
    for secret in stored.values():
        assert secret not in live_server.log()


async def test_plugin_keys_are_found_by_hash_and_revoked_by_deletion(
    make_user: Callable[..., TestUser], db_session: AsyncSession, database_url: str
) -> None:
    user = make_user("pluginverify")
    created = _post(user, {"project_name": user.email, "alias": unique("p"), "credential_type": "Plugin"})
    key = str(created["plugin_key"])
    sessions = async_sessionmaker(db_session.bind, expire_on_commit=False)
    verifier = PluginKeysFromIntegrations(PluginKeyStore(sessions))
    assert await verifier.verify(key) == PluginKeyIdentity(str(created["id"]), user.id)
    assert await verifier.verify(key[:-1] + ("A" if key[-1] != "A" else "B")) is None
    assert await verifier.verify("not a key") is None
    # A client may bring its own well-formed key (as CodeMie's plugins CLI users do).
    own = secrets.token_urlsafe(24)
    mine = _post(
        user,
        {
            "project_name": user.email,
            "alias": unique("p"),
            "credential_type": "Plugin",
            "credential_values": [{"key": "plugin_key", "value": own}],
        },
    )
    assert (await verifier.verify(own)) == PluginKeyIdentity(str(mine["id"]), user.id)
    duplicate = user.http.post(
        "/v1/settings/user",
        json={
            "project_name": user.email,
            "alias": unique("p"),
            "credential_type": "Plugin",
            "credential_values": [{"key": "plugin_key", "value": own}],
        },
    )
    assert duplicate.status_code == 409
    # Deleting revokes: verify refuses the key, and every process hears which key id to disconnect.
    heard: asyncio.Queue[str] = asyncio.Queue()
    listener = await asyncpg.connect(database_url.replace("postgresql+asyncpg://", "postgresql://", 1))
    try:
        await listener.add_listener(REVOKED_CHANNEL, lambda *args: heard.put_nowait(args[-1]))
        assert user.http.delete(f"/v1/settings/user/{created['id']}").status_code == 200
        assert await asyncio.wait_for(heard.get(), 30) == created["id"]
    finally:
        await listener.close()
    assert await verifier.verify(key) is None


async def test_rotate_keys_reencrypts_every_secret(
    postgres: EmbeddedPostgres, server_env: dict[str, str], tmp_path: Path
) -> None:
    old, new = "rotation-old-key-0123456789abcdef0123456789", "rotation-new-key-0123456789abcdef0123456789"
    url = postgres.create_database(f"rotation_{secrets.token_hex(4)}")
    upgrade_to_head(url)
    engine = make_engine(url, pool_size=2)
    expected: dict[str, dict[str, str]] = {}
    try:
        sessions = async_sessionmaker(engine, expire_on_commit=False, info={CIPHER_INFO_KEY: _cipher(old)})
        async with sessions() as session:
            owner = User(email="rot@example.com", username="rot@example.com", name="rot")
            session.add_all([owner, Project(name="rotation")])
            await session.flush()
            admin = Principal(owner.id, owner.email, owner.username, "rot", True, "local")
            for n in range(5):
                token = f"tok-{n}-{secrets.token_hex(8)}"
                body = IntegrationIn(
                    project_name="rotation",
                    alias=f"git-{n}",
                    credential_type="Git",
                    credential_values=[
                        CredentialValue(key="url", value="https://g.example.com"),
                        CredentialValue(key="token", value=token),
                    ],
                )
                integration, _ = await service.create(session, admin, "user", body)
                expected[integration.id] = {"token": token}
            await session.commit()

        env = {k: v for k, v in os.environ.items() if not k.startswith("CODEMILL_")}
        env |= {
            "CODEMILL_DATABASE_URL": url,
            "CODEMILL_MASTER_KEY": new,
            "CODEMILL_PREVIOUS_MASTER_KEYS": json.dumps([old]),
            "CODEMILL_DATA_DIR": server_env["CODEMILL_DATA_DIR"],
        }
        done = subprocess.run(
            [sys.executable, "-m", "codemill", "admin", "rotate-keys"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        assert "re-encrypted 5 integrations" in done.stderr
        for token in (t["token"] for t in expected.values()):
            assert token not in done.stdout + done.stderr

        only_new = _cipher(new)
        async with async_sessionmaker(engine, expire_on_commit=False)() as session:
            rows = list((await session.execute(text("SELECT id FROM integrations"))).scalars())
            assert sorted(rows) == sorted(expected)
            for integration_id, secret in expected.items():
                integration = await session.get(Integration, integration_id)
                assert integration is not None
                assert integration.secret_key_id == only_new.provider.current_key_id()
                assert await open_secrets(only_new, integration) == secret

        # The old key can now be dropped: everything reads (and rotates again) with the new key alone.
        settings = Settings(database_url=url, master_key=new, data_dir=server_env["CODEMILL_DATA_DIR"])  # type: ignore[arg-type]
        assert "re-encrypted 5 integrations" in await rotate_keys(settings, url, new_master_key=False)

        # Embedded mode: the key lives in the data directory; --new-master-key makes a new one and rotates.
        data_dir = tmp_path / "embedded"
        data_dir.mkdir()
        (data_dir / "master_key").write_text(new)
        embedded = Settings(data_dir=data_dir)
        assert "re-encrypted 5 integrations" in await rotate_keys(embedded, url, new_master_key=True)
        newest = (data_dir / "master_key").read_text()
        assert newest != new and stat.S_IMODE((data_dir / "master_key").stat().st_mode) == 0o600
        async with async_sessionmaker(engine, expire_on_commit=False)() as session:
            for integration_id, secret in expected.items():
                integration = await session.get(Integration, integration_id)
                assert integration is not None and await open_secrets(_cipher(newest), integration) == secret
    finally:
        await engine.dispose()
