"""Assistant secrets at rest: sensitive prompt-variable values and MCP server env values, headers and tokens
are sealed with the integrations' cipher in the assistant and in every version; only chat and the MCP
launcher open them; `codemill admin rotate-keys` re-seals them with the integrations."""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from codemill.admin_cli import rotate_keys
from codemill.assistants import sealing, service
from codemill.assistants.schemas import AssistantRequest
from codemill.auth.principal import Principal
from codemill.db.embedded import EmbeddedPostgres
from codemill.db.engine import make_engine
from codemill.db.migrate import upgrade_to_head
from codemill.errors import Unavailable
from codemill.integrations.sealing import CIPHER_INFO_KEY
from codemill.llm.catalogue import load_catalogue
from codemill.models import Assistant, AssistantVersion, Project, User
from codemill.settings import Settings
from tests.assistants.support import cipher_for, server_cipher, update_request
from tests.conftest import TestUser
from tests.support.server import LiveServer


def _secrets() -> dict[str, str]:
    return {name: f"{name}-{secrets.token_hex(12)}" for name in ("variable", "env", "header", "token", "later")}


def _body(values: dict[str, str]) -> dict[str, Any]:
    return {
        "name": "sealed",
        "system_prompt": "Use {{ api_key }} for {{ team }}.",
        "llm_model_type": "mock",
        "prompt_variables": [
            {"key": "api_key", "default_value": values["variable"], "is_sensitive": True},
            {"key": "team", "default_value": "platform"},
        ],
        "mcp_servers": [
            {
                "name": "github",
                "config": {
                    "command": "npx",
                    "env": {"GITHUB_TOKEN": values["env"], "PORT": 8080},
                    "headers": {"Authorization": values["header"]},
                    "auth_token": values["token"],
                },
            }
        ],
    }


async def _raw_rows(session: AsyncSession, assistant_id: str) -> str:
    """The assistant's row and its versions' rows, as PostgreSQL prints them."""
    rows = await session.execute(
        text(
            "SELECT a::text FROM assistants a WHERE a.id = :id "
            "UNION ALL SELECT v::text FROM assistant_versions v WHERE v.assistant_id = :id"
        ),
        {"id": assistant_id},
    )
    return "\n".join(rows.scalars())


async def test_database_holds_no_assistant_secret_in_clear(
    make_user: Callable[..., TestUser], db_session: AsyncSession, live_server: LiveServer
) -> None:
    user = make_user("sealed")
    values = _secrets()
    made = user.http.post("/v1/assistants", json=_body(values))
    assert made.status_code == 200, made.text
    assistant_id = made.json()["assistantId"]

    # Round trip of the masks (the SDK's way), then a new secret through the API.
    user.client.assistants.update(assistant_id, update_request(user, assistant_id, description="masked round trip"))
    shown = user.http.get(f"/v1/assistants/id/{assistant_id}").json()
    shown["mcp_servers"][0]["config"]["env"]["NEW_SECRET"] = values["later"]
    changed = user.http.put(
        f"/v1/assistants/{assistant_id}",
        json={k: shown[k] for k in ("name", "system_prompt", "prompt_variables", "mcp_servers")},
    )
    assert changed.status_code == 200, changed.text

    dump = await _raw_rows(db_session, assistant_id)
    assert dump.count("\n") == 3  # the assistant and its three versions
    for secret in values.values():
        assert secret not in dump
    assert "platform" in dump  # values that are not secret stay readable
    for secret in values.values():
        assert secret not in live_server.log()

    # What is stored opens to what was sent, with the server's key and this assistant's id only.
    stored = await db_session.get(Assistant, assistant_id)
    assert stored is not None
    await db_session.refresh(stored)
    sealed_variable = stored.prompt_variables[0]["default_value"]
    assert sealing.is_sealed(sealed_variable)
    cipher = server_cipher()
    db_session.info[CIPHER_INFO_KEY] = cipher
    assert await sealing.prompt_values(db_session, stored) == {"api_key": values["variable"], "team": "platform"}
    config = (await sealing.mcp_servers_in_clear(db_session, stored))[0]["config"]
    assert config["env"] == {"GITHUB_TOKEN": values["env"], "PORT": 8080, "NEW_SECRET": values["later"]}
    assert config["headers"] == {"Authorization": values["header"]}
    assert config["auth_token"] == values["token"]
    with pytest.raises(sealing.SealedValueUnreadable):
        await sealing.open_value(cipher, "another-assistant", sealed_variable)
    with pytest.raises(sealing.SealedValueUnreadable):
        await sealing.open_value(cipher_for("some-other-master-key-0123456789abcdef"), assistant_id, sealed_variable)

    # Masked values sent back keep the very sealed strings stored: versions 1 and 2 differ in description only.
    comparison = user.client.assistants.compare_versions(assistant_id, 1, 2)
    assert comparison["changed_fields"] == ["description"]
    latest = user.client.assistants.compare_versions(assistant_id, 2, 3)
    assert latest["changed_fields"] == ["mcp_servers"]
    assert not any(secret in json.dumps(latest) for secret in values.values())


async def test_sealing_needs_a_master_key(db_session: AsyncSession) -> None:
    assistant = Assistant(id="no-key", prompt_variables=[{"key": "k", "default_value": "v", "is_sensitive": True}])
    assistant.mcp_servers = []
    with pytest.raises(Unavailable):
        await sealing.seal_assistant(db_session, assistant, kept=set())
    # Nothing secret: nothing to seal, no key needed.
    plain = Assistant(id="plain", prompt_variables=[{"key": "k", "default_value": "v"}], mcp_servers=[])
    await sealing.seal_assistant(db_session, plain, kept=set())
    assert plain.prompt_variables[0]["default_value"] == "v"


async def test_rotate_keys_reseals_assistant_secrets(
    postgres: EmbeddedPostgres, server_env: dict[str, str], tmp_path: Path
) -> None:
    old, new = "assistant-rotation-old-0123456789abcdef012345", "assistant-rotation-new-0123456789abcdef012345"
    url = postgres.create_database(f"arotation_{secrets.token_hex(4)}")
    upgrade_to_head(url)
    engine = make_engine(url, pool_size=2)
    values = _secrets()
    settings = Settings(database_url=url, master_key=old, data_dir=server_env["CODEMILL_DATA_DIR"])  # type: ignore[arg-type]
    try:
        async with async_sessionmaker(engine, expire_on_commit=False, info={CIPHER_INFO_KEY: cipher_for(old)})() as s:
            owner = User(email="arot@example.com", username="arot@example.com", name="arot")
            s.add_all([owner, Project(name="arotation")])
            await s.flush()
            admin = Principal(owner.id, owner.email, owner.username, "arot", True, "local")
            body = AssistantRequest.model_validate(_body(values) | {"project": "arotation"})
            assistant = await service.create(s, admin, load_catalogue(settings), body)
            await service.update(s, admin, load_catalogue(settings), assistant.id, body)
            # A row from before sealing existed: its secret in clear, which rotation seals.
            s.add(
                Assistant(
                    id="legacy",
                    name="legacy",
                    project="arotation",
                    prompt_variables=[{"key": "k", "default_value": "legacy-clear-secret", "is_sensitive": True}],
                )
            )
            await s.commit()
            assistant_id = assistant.id

        rotated = Settings(
            database_url=url,  # type: ignore[arg-type]
            master_key=new,  # type: ignore[arg-type]
            previous_master_keys=[old],  # type: ignore[list-item]
            data_dir=server_env["CODEMILL_DATA_DIR"],
        )
        report = await rotate_keys(rotated, url, new_master_key=False)
        assert "re-sealed the secrets of 2 assistants and 2 assistant versions" in report
        assert "clear: 1" in report
        for secret in (*values.values(), "legacy-clear-secret"):
            assert secret not in report

        only_new = cipher_for(new)
        async with async_sessionmaker(engine, expire_on_commit=False, info={CIPHER_INFO_KEY: only_new})() as s:
            dump = "\n".join((await s.execute(text("SELECT a::text FROM assistants a"))).scalars())
            dump += "\n".join((await s.execute(text("SELECT v::text FROM assistant_versions v"))).scalars())
            assert "legacy-clear-secret" not in dump and not any(v in dump for v in values.values())
            found = await s.get(Assistant, assistant_id)
            legacy = await s.get(Assistant, "legacy")
            assert found is not None and legacy is not None
            assert await sealing.prompt_values(s, found) == {"api_key": values["variable"], "team": "platform"}
            assert (await sealing.mcp_servers_in_clear(s, found))[0]["config"]["auth_token"] == values["token"]
            assert await sealing.prompt_values(s, legacy) == {"k": "legacy-clear-secret"}
            key_ids = {sealing.key_id_of(v) for v in sealing.stored_sealed_values(found)}
            assert key_ids == {only_new.provider.current_key_id()}
            for version in (await s.execute(text("SELECT id FROM assistant_versions"))).scalars():
                row = await s.get(AssistantVersion, version)
                assert row is not None
                config = row.config
                sealed = sealing.sealed_values(config["prompt_variables"], config["mcp_servers"])
                assert sealed and {sealing.key_id_of(v) for v in sealed} == {only_new.provider.current_key_id()}
                opened = [await sealing.open_value(only_new, assistant_id, v) for v in sealed]
                assert values["variable"] in opened and values["token"] in opened
    finally:
        await engine.dispose()
