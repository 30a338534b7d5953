"""Assistants by slug within a project, and the premium flag on models, through the SDK."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
import yaml

from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, TestUser, sdk_client, unique
from tests.conversations.support import new_assistant
from tests.support.server import LiveServer, start_server


@pytest.fixture(scope="module")
def premium_server(
    server_env: dict[str, str], artifacts_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """A replica whose catalogue has a premium model beside two others (one marked not premium)."""
    catalogue = tmp_path_factory.mktemp("premium") / "models.yaml"
    models = [
        {"base_name": "mock", "api": "mock", "default": True},
        {"base_name": "mock-premium", "label": "Premium", "api": "mock", "is_premium": True},
        {"base_name": "mock-plain", "api": "mock", "is_premium": False},
    ]
    catalogue.write_text(yaml.safe_dump({"llm_models": models}))
    server = start_server(
        {**server_env, "CODEMILL_LLM__CATALOGUE": str(catalogue)}, artifacts_dir / "logs" / "premium.log"
    )
    yield server
    server.stop()


def test_slug_lookup_within_a_project(make_user: Callable[..., TestUser]) -> None:
    user, other = make_user("slugger"), make_user("other-slugger")
    slug = unique("helper")
    assistant_id = new_assistant(user, slug=slug)
    assert user.client.assistants.get_by_slug(slug).id == assistant_id
    found = user.http.get(f"/v1/assistants/slug/{slug}", params={"project": user.email})
    assert found.status_code == 200 and found.json()["id"] == assistant_id
    elsewhere = user.http.get(f"/v1/assistants/slug/{slug}", params={"project": other.email})
    assert elsewhere.status_code == 404 and elsewhere.json()["error"]["message"] == "Assistant not found"
    # Someone who cannot see it is told it does not exist, project or not.
    assert other.http.get(f"/v1/assistants/slug/{slug}", params={"project": user.email}).status_code == 404


def test_models_say_whether_they_are_premium(premium_server: LiveServer) -> None:
    client = sdk_client(premium_server, ADMIN_EMAIL, ADMIN_PASSWORD)
    models = client.llms.list()
    assert {m.base_name: m.is_premium for m in models} == {"mock": False, "mock-premium": True, "mock-plain": False}
    premium = next(m for m in models if m.is_premium)
    assert (premium.label, premium.deployment_name) == ("Premium", "mock-premium")
    # On the wire: a boolean on every entry, never left out (the SDK would read a missing one as null).
    raw = httpx.get(f"{premium_server.url}/v1/llm_models", headers={"Authorization": f"Bearer {client.token}"})
    assert raw.status_code == 200 and [e["is_premium"] for e in raw.json()] == [False, True, False]


def test_refusals_carry_codemies_help(make_user: Callable[..., TestUser]) -> None:
    user = make_user("refused")
    missing = user.http.get("/v1/assistants/id/no-such-assistant").json()["error"]
    assert (
        missing["message"] == "Assistant not found" and missing["help"] == "Please ensure the specified ID is correct"
    )
    forbidden = user.http.get("/v1/admin/conversations").json()["error"]
    assert forbidden["message"] == "Access denied"
    assert forbidden["help"].startswith("Please ensure you have the correct role or permissions")
