"""/v1/mcp-configs through the CodeMie SDK: the catalogue's entries, their visibility and who may change them."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from codemie_sdk import CodeMieClient
from codemie_sdk.models.mcp_config import (
    MCPConfigCloneRequest,
    MCPConfigCreateRequest,
    MCPConfigUpdateRequest,
    MCPServerConfigData,
    MCPVariableDefinition,
)
from requests import HTTPError

from tests.conftest import TestUser, unique


def _entry(name: str, public: bool = False) -> MCPConfigCreateRequest:
    return MCPConfigCreateRequest(
        name=name,
        description="Reads tickets",
        categories=["Tickets"],
        config=MCPServerConfigData(command="npx", args=["-y", "tickets-mcp"], env={"TICKETS_URL": "https://t.example"}),
        is_public=public,
    )


def test_system_entries_ship_and_run_on_the_default_allow_list(admin_client: CodeMieClient) -> None:
    system = [c for c in admin_client.mcp_configs.list(per_page=100) if c.is_system]
    by_name = {c.name: c for c in system}
    assert {"Time", "Filesystem (read-only)"} <= set(by_name)
    time_entry = by_name["Time"]
    assert time_entry.config is not None and time_entry.config.command == "python"
    assert time_entry.config.args == ["-m", "codemill.mcp.servers.time"]
    assert time_entry.is_public and time_entry.is_active
    fs = by_name["Filesystem (read-only)"]
    assert [v.name for v in fs.required_env_vars] == ["ALLOWED_DIR"]


def test_a_user_creates_lists_updates_and_deletes_a_private_entry(make_user: Callable[..., TestUser]) -> None:
    owner, other = make_user("mcp-owner"), make_user("mcp-other")
    name = unique("Tickets")
    created = owner.client.mcp_configs.create(_entry(name))
    assert created.name == name and created.user_id == owner.id and not created.is_public and not created.is_system
    assert created.config is not None and created.config.env == {"TICKETS_URL": "https://t.example"}

    assert [c.id for c in owner.client.mcp_configs.list(search=name)] == [created.id]
    assert owner.client.mcp_configs.list(search=name.upper())[0].id == created.id  # search ignores case
    assert other.client.mcp_configs.list(search=name) == []
    with pytest.raises(HTTPError) as hidden:
        other.client.mcp_configs.get(created.id)
    assert hidden.value.response.status_code == 404

    updated = owner.client.mcp_configs.update(
        created.id,
        MCPConfigUpdateRequest(
            description="Reads and files tickets",
            required_env_vars=[MCPVariableDefinition(name="TICKETS_TOKEN", description="API token")],
        ),
    )
    assert updated.description == "Reads and files tickets" and updated.name == name
    assert [v.name for v in updated.required_env_vars] == ["TICKETS_TOKEN"]
    owner.client.mcp_configs.delete(created.id)
    with pytest.raises(HTTPError) as gone:
        owner.client.mcp_configs.get(created.id)
    assert gone.value.response.status_code == 404


def test_pagination_and_category_filter(make_user: Callable[..., TestUser]) -> None:
    user = make_user("mcp-pages")
    prefix = unique("Paged")
    ids = [user.client.mcp_configs.create(_entry(f"{prefix}-{i}")).id for i in range(5)]
    first = user.http.get("/v1/mcp-configs", params={"search": prefix, "per_page": 2, "page": 0}).json()
    last = user.http.get("/v1/mcp-configs", params={"search": prefix, "per_page": 2, "page": 2}).json()
    assert first["total"] == 5 and len(first["configs"]) == 2 and len(last["configs"]) == 1
    seen = [c.id for p in range(3) for c in user.client.mcp_configs.list(page=p, per_page=2, search=prefix)]
    assert sorted(seen) == sorted(ids)
    tickets = user.http.get("/v1/mcp-configs", params={"category": "Tickets", "search": prefix}).json()
    assert tickets["total"] == 5
    assert user.http.get("/v1/mcp-configs", params={"category": "Nope", "search": prefix}).json()["total"] == 0
    assert "Tickets" in user.http.get("/v1/mcp-configs/categories").json()


def test_public_and_system_entries_are_the_admins(
    make_user: Callable[..., TestUser], admin_client: CodeMieClient
) -> None:
    user = make_user("mcp-public")
    with pytest.raises(HTTPError) as denied:
        user.client.mcp_configs.create(_entry(unique("Public"), public=True))
    assert denied.value.response.status_code == 403
    public = admin_client.mcp_configs.create(_entry(unique("Public"), public=True))
    assert user.client.mcp_configs.get(public.id).is_public
    with pytest.raises(HTTPError) as not_theirs:
        user.client.mcp_configs.update(public.id, MCPConfigUpdateRequest(description="mine now"))
    assert not_theirs.value.response.status_code == 403

    clone = admin_client.mcp_configs.clone(
        public.id,
        MCPConfigCloneRequest(name=unique("Clone"), config=MCPServerConfigData(command="uvx", args=["tickets"])),
    )
    assert clone.id != public.id and clone.is_public and not clone.is_system
    with pytest.raises(HTTPError) as clone_denied:
        user.client.mcp_configs.clone(
            public.id, MCPConfigCloneRequest(name="x", config=MCPServerConfigData(command="uvx"))
        )
    assert clone_denied.value.response.status_code == 403

    system = next(c for c in admin_client.mcp_configs.list(per_page=100) if c.is_system)
    with pytest.raises(HTTPError) as kept:
        admin_client.mcp_configs.delete(system.id)
    assert kept.value.response.status_code == 403


def test_bad_input_names_the_field(make_user: Callable[..., TestUser]) -> None:
    user = make_user("mcp-bad")
    both = user.http.post(
        "/v1/mcp-configs", json={"name": "x", "config": {"command": "npx", "url": "https://a.example/mcp"}}
    )
    assert both.status_code == 422 and "exactly one of 'command' or 'url'" in both.text
    nameless = user.http.post("/v1/mcp-configs", json={"config": {"command": "npx"}})
    assert nameless.status_code == 422 and "name" in nameless.text
