"""Platform roles, default projects, idempotent membership and the admin's user list, through the SDK."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
import requests
from codemie_sdk import CodeMieClient

from tests.conftest import TestUser, unique


def status_of(call: Callable[[], object]) -> int:
    with pytest.raises(requests.HTTPError) as failure:
        call()
    return failure.value.response.status_code


def test_only_a_maintainer_grants_admin_or_maintainer(
    admin_client: CodeMieClient, admin_http: httpx.Client, make_user: Callable[..., TestUser]
) -> None:
    # The bootstrap admin is the platform's maintainer.
    assert admin_http.get("/v1/user").json()["is_maintainer"] is True
    admin = make_user("plain-admin", is_admin=True)
    target = make_user("target")

    refused = admin.http.put(f"/v1/admin/users/{target.id}", json={"is_admin": True})
    assert refused.status_code == 403 and refused.json()["error"]["message"] == "Access denied"
    assert admin.http.put(f"/v1/admin/users/{target.id}", json={"is_maintainer": True}).status_code == 403
    created = admin.http.post(
        "/v1/admin/users",
        json={"email": f"{unique('made')}@example.com", "password": "a-Long-password-1234", "is_admin": True},
    )
    assert created.status_code == 403
    # Other changes stay open to admins; the maintainer grants roles.
    assert admin.client.users.update_admin_user(target.id, name="Renamed").name == "Renamed"
    assert admin_client.users.update_admin_user(target.id, is_admin=True).is_admin is True
    assert admin_client.users.update_admin_user(target.id, is_maintainer=True).is_maintainer is True
    # A plain user is refused outright.
    plain = make_user("plain")
    assert plain.http.put(f"/v1/admin/users/{target.id}", json={"name": "x"}).status_code == 403


def test_default_project_falls_back_to_the_personal_one(
    admin_client: CodeMieClient, make_user: Callable[..., TestUser]
) -> None:
    user = make_user("defaults")
    defaults = [p.name for p in user.client.users.about_me().projects if p.is_default]
    assert defaults == [user.email]
    name = unique("dflt")
    user.client.projects.create_project(name=name)
    user.client.users.set_default_project(user.id, name)
    assert [p.name for p in user.client.users.about_me().projects if p.is_default] == [name]
    user.client.users.clear_default_project(user.id, name)
    assert [p.name for p in user.client.users.about_me().projects if p.is_default] == [user.email]
    detail = admin_client.users.get_admin_user(user.id)
    assert [p.name for p in detail.projects if p.is_default] == [user.email]


def test_membership_assignment_is_idempotent(admin_client: CodeMieClient, make_user: Callable[..., TestUser]) -> None:
    owner, member = make_user("idem-owner"), make_user("idem-member")
    name = unique("idem")
    owner.client.projects.create_project(name=name)
    owner.client.projects.assign_user_to_project(name, member.id, is_project_admin=False)
    owner.client.projects.assign_user_to_project(name, member.id, is_project_admin=True)
    assert name in member.client.users.about_me().applications_admin
    admin_client.users.assign_user_to_project(member.id, name, is_project_admin=False)
    assert name not in member.client.users.about_me().applications_admin
    missing = owner.http.post(f"/v1/projects/{name}/assignment", json={"user_id": "no-such-user"})
    assert missing.status_code == 404 and missing.json()["error"]["message"] == "User not found"


def test_admin_user_list_by_name_with_large_pages(
    admin_client: CodeMieClient, admin_http: httpx.Client, make_user: Callable[..., TestUser]
) -> None:
    tag = unique("ordered")
    made = [
        admin_client.admin.create_local_user(
            email=f"{tag}-{i}@example.com", username=f"{tag}-{i}", password="a-Long-password-1234", name=name
        )
        for i, name in enumerate(["Charlie", "alice", "Bob"])
    ]
    listed = admin_client.users.list_admin_users(search=tag, per_page=1000)
    assert [u.name for u in listed.data] == ["alice", "Bob", "Charlie"]
    assert {u.id for u in listed.data} == {m.id for m in made}
    plain = make_user("not-admin")
    assert plain.http.get("/v1/admin/users", params={"per_page": 10}).status_code == 403
    assert admin_client.users.list_admin_users(per_page=1000).pagination.per_page == 1000
    assert admin_http.get("/v1/admin/users", params={"per_page": 1001}).status_code == 422
