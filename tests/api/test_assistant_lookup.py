"""Assistants by slug within a project, and the premium flag on models, through the SDK."""

from __future__ import annotations

from collections.abc import Callable

from codemie_sdk import CodeMieClient

from tests.conftest import TestUser, unique
from tests.conversations.support import new_assistant


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


def test_models_say_whether_they_are_premium(admin_client: CodeMieClient) -> None:
    models = admin_client.llms.list()
    assert models and all(m.is_premium is not None for m in models)


def test_refusals_carry_codemies_help(make_user: Callable[..., TestUser]) -> None:
    user = make_user("refused")
    missing = user.http.get("/v1/assistants/id/no-such-assistant").json()["error"]
    assert (
        missing["message"] == "Assistant not found" and missing["help"] == "Please ensure the specified ID is correct"
    )
    forbidden = user.http.get("/v1/admin/conversations").json()["error"]
    assert forbidden["message"] == "Access denied"
    assert forbidden["help"].startswith("Please ensure you have the correct role or permissions")
