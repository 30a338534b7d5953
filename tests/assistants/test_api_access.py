"""Who sees and who changes an assistant: creator, project members and admins, platform admins, everyone else."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import requests
from codemie_sdk import CodeMieClient

from tests.assistants.support import create, update_request
from tests.conftest import TestUser, unique


def status_of(call: Callable[[], object]) -> int:
    try:
        call()
    except requests.HTTPError as err:
        return err.response.status_code
    return 200


def test_visibility_and_edit_rights(make_user: Callable[..., TestUser], admin_client: CodeMieClient) -> None:
    owner, member, project_admin, outsider = (make_user(p) for p in ("owner", "member", "padmin", "outsider"))
    project = unique("asst-team")
    owner.client.projects.create_project(name=project)
    owner.client.projects.assign_user_to_project(project, member.id, is_project_admin=False)
    owner.client.projects.assign_user_to_project(project, project_admin.id, is_project_admin=True)

    private_id = create(owner, project, shared=False)
    # Not shared: the plain member and outsiders do not see it; the project admin and platform admin do.
    assert status_of(lambda: member.client.assistants.get(private_id)) == 404
    assert private_id not in {a.id for a in member.client.assistants.list(per_page=100)}
    assert project_admin.client.assistants.get(private_id).user_abilities == ["read", "write", "delete"]
    assert admin_client.assistants.get(private_id).id == private_id

    shared_id = create(owner, project, shared=True)
    seen = member.client.assistants.get(shared_id)
    assert seen.user_abilities == ["read"]
    assert shared_id in {a.id for a in member.client.assistants.list(per_page=100)}
    assert member.client.assistants.list_versions(shared_id)[0].version_number == 1

    # Members who only see it may not change it (403); outsiders do not know it exists (404).
    change = update_request(owner, shared_id, system_prompt="Changed by someone")
    assert status_of(lambda: member.client.assistants.update(shared_id, change)) == 403
    assert status_of(lambda: member.client.assistants.delete(shared_id)) == 403
    assert member.http.post(f"/v1/assistants/{shared_id}/versions/1/rollback").status_code == 403
    for call in (
        lambda: outsider.client.assistants.get(shared_id),
        lambda: outsider.client.assistants.update(shared_id, change),
        lambda: outsider.client.assistants.delete(shared_id),
        lambda: outsider.client.assistants.list_versions(shared_id),
        lambda: outsider.client.assistants.compare_versions(shared_id, 1, 1),
    ):
        assert status_of(call) == 404
    assert shared_id not in {a.id for a in outsider.client.assistants.list(per_page=100)}

    # The project admin may change it; so may a platform admin.
    project_admin.client.assistants.update(shared_id, change)
    assert owner.client.assistants.get(shared_id).system_prompt == "Changed by someone"
    admin_client.assistants.update(shared_id, update_request(owner, shared_id, system_prompt="Admin edit"))
    assert owner.client.assistants.get(shared_id).version_count == 3

    # Published to the marketplace, everyone sees it but still only its editors change it.
    assert status_of(lambda: member.client.assistants.publish(shared_id)) == 403
    owner.client.assistants.publish(shared_id)
    assert outsider.client.assistants.get(shared_id).user_abilities == ["read"]
    market = outsider.client.assistants.list(scope="marketplace", per_page=100)
    assert shared_id in {a.id for a in market}
    assert status_of(lambda: outsider.client.assistants.update(shared_id, change)) == 403
    owner.client.assistants.unpublish(shared_id)
    assert status_of(lambda: outsider.client.assistants.get(shared_id)) == 404

    # Removing the member from the project removes their view of it.
    owner.client.projects.remove_user_from_project(project, member.id)
    assert status_of(lambda: member.client.assistants.get(shared_id)) == 404

    # The creator may delete; afterwards it is gone for everyone.
    owner.client.assistants.delete(shared_id)
    assert status_of(lambda: admin_client.assistants.get(shared_id)) == 404


def test_personal_project_assistants_are_private(make_user: Callable[..., TestUser]) -> None:
    alice, bob = make_user("alice"), make_user("bob")
    assistant_id = create(alice, shared=True)
    assert status_of(lambda: bob.client.assistants.get(assistant_id)) == 404
    slug = alice.client.assistants.get(assistant_id).slug
    assert slug is None
    # Creating in someone else's project is refused as if the project did not exist.
    with pytest.raises(requests.HTTPError) as refused:
        create(bob, alice.email)
    assert refused.value.response.status_code == 404
    assert refused.value.response.json()["error"]["message"] == "Project not found"
