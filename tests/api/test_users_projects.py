"""Users and projects through the CodeMie SDK against a live server."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import requests
from codemie_sdk import CodeMieClient

from tests.conftest import ADMIN_EMAIL, TestUser, unique


def test_about_me_for_admin(admin_client: CodeMieClient) -> None:
    me = admin_client.users.about_me()
    assert me.email == ADMIN_EMAIL
    assert me.is_admin is True
    # Every user has a personal project named after their email.
    assert ADMIN_EMAIL in me.applications


def test_project_lifecycle_membership_and_isolation(make_user: Callable[..., TestUser]) -> None:
    owner, member, outsider = make_user("owner"), make_user("member"), make_user("outsider")
    name = unique("proj")

    created = owner.client.projects.create_project(name=name, description="Team project")
    assert created.name == name and created.project_type == "shared"

    listed = [p.name for p in owner.client.projects.list_projects(per_page=100).data]
    assert name in listed and owner.email in listed

    owner.client.projects.assign_user_to_project(name, member.id, is_project_admin=False)
    detail = owner.client.projects.get_project_detail(name)
    assert {m.user_id for m in detail.members} == {owner.id, member.id}
    assert detail.admin_count == 1
    # Beside CodeMie's fields, each member says who it is, so clients need not list every user.
    raw = {m["user_id"]: m for m in owner.http.get(f"/v1/projects/{name}").json()["members"]}
    assert raw[member.id]["email"] == member.email and raw[member.id]["name"]

    # The member now sees the project immediately (no stale principal cache).
    assert name in member.client.users.about_me().applications
    assert name in [p.name for p in member.client.projects.list_projects(per_page=100).data]

    # The outsider is refused: the project does not exist for them.
    with pytest.raises(requests.HTTPError) as refused:
        outsider.client.projects.get_project_detail(name)
    assert refused.value.response.status_code == 404
    assert name not in [p.name for p in outsider.client.projects.list_projects(per_page=100).data]
    with pytest.raises(requests.HTTPError) as refused_assign:
        outsider.client.projects.assign_user_to_project(name, outsider.id, is_project_admin=True)
    assert refused_assign.value.response.status_code == 404

    # A plain member may see but not manage.
    with pytest.raises(requests.HTTPError) as forbidden:
        member.client.projects.assign_user_to_project(name, outsider.id, is_project_admin=False)
    assert forbidden.value.response.status_code == 403

    # Promote, then the member can manage.
    owner.client.projects.update_user_project_assignment(name, member.id, is_project_admin=True)
    member.client.projects.assign_user_to_project(name, outsider.id, is_project_admin=False)
    assert name in outsider.client.users.about_me().applications

    # Remove, then refused again.
    owner.client.projects.remove_user_from_project(name, outsider.id)
    with pytest.raises(requests.HTTPError) as gone:
        outsider.client.projects.get_project_detail(name)
    assert gone.value.response.status_code == 404


def test_project_name_rules_and_duplicates(make_user: Callable[..., TestUser]) -> None:
    user = make_user()
    for bad, status in (("ab", 400), ("Has Spaces", 400), ("admin", 400)):
        with pytest.raises(requests.HTTPError) as err:
            user.client.projects.create_project(name=bad)
        assert err.value.response.status_code == status
        assert "error" in err.value.response.json()
    name = unique("dup")
    user.client.projects.create_project(name=name)
    with pytest.raises(requests.HTTPError) as dup:
        user.client.projects.create_project(name=name)
    assert dup.value.response.status_code == 409


def test_delete_project_rules(make_user: Callable[..., TestUser]) -> None:
    owner, member = make_user(), make_user()
    name = unique("del")
    owner.client.projects.create_project(name=name)
    owner.client.projects.assign_user_to_project(name, member.id, is_project_admin=False)
    with pytest.raises(requests.HTTPError) as busy:
        owner.client.projects.delete_project(name)
    assert busy.value.response.status_code == 409
    owner.client.projects.remove_user_from_project(name, member.id)
    assert owner.client.projects.delete_project(name).name == name
    with pytest.raises(requests.HTTPError) as personal:
        owner.client.projects.delete_project(owner.email)
    assert personal.value.response.status_code == 403


def test_bulk_assignment_and_csv_import(make_user: Callable[..., TestUser]) -> None:
    from codemie_sdk.models.project import BulkAssignmentUserItem

    owner, a, b = make_user(), make_user(), make_user()
    name = unique("bulk")
    owner.client.projects.create_project(name=name)
    result = owner.client.projects.bulk_assign_users_to_project(
        name, [BulkAssignmentUserItem(user_id=a.id, is_project_admin=False)]
    )
    assert [r.action for r in result.results] == ["assigned"]
    csv_data = f"email,role\n{a.email},administrator\n{b.email},user\n".encode()
    check = owner.client.projects.validate_users_from_csv(name, csv_data)
    assert all(row.error is None for row in check.users)
    imported = owner.client.projects.import_users_from_csv(name, csv_data)
    assert sorted(r.action for r in imported.results) == ["assigned", "updated"]
    bad = b"email,role\nnobody@example.com,user\n"
    with pytest.raises(requests.HTTPError) as err:
        owner.client.projects.import_users_from_csv(name, bad)
    assert err.value.response.status_code == 422
    removed = owner.client.projects.bulk_remove_users_from_project(name, [a.id, b.id])
    assert removed.total == 2


def test_admin_user_management(admin_client: CodeMieClient, make_user: Callable[..., TestUser]) -> None:
    user = make_user()
    listed = admin_client.users.list_admin_users(search=user.email)
    assert [u.email for u in listed.data] == [user.email]
    detail = admin_client.users.get_admin_user(user.id)
    assert detail.is_active and not detail.is_admin
    name = unique("adm")
    admin_client.admin.create_application(
        __import__("codemie_sdk.models.admin", fromlist=["x"]).ApplicationCreateRequest(name=name)
    )
    assert name in admin_client.admin.list_applications(name)
    admin_client.users.assign_user_to_project(user.id, name, is_project_admin=True)
    assert {p.project_name for p in admin_client.users.get_user_projects(user.id)} >= {name, user.email}
    assert name in user.client.users.about_me().applications_admin
    admin_client.users.set_default_project(user.id, name)
    assert any(p.is_default and p.name == name for p in user.client.users.about_me().projects)
    # Users clear their own default; someone else's default is for admins only.
    user.client.users.clear_default_project(user.id, name)
    assert not any(p.is_default and p.name == name for p in user.client.users.about_me().projects)
    with pytest.raises(requests.HTTPError) as not_theirs:
        user.client.users.set_default_project(admin_client.users.about_me().user_id, name)
    assert not_theirs.value.response.status_code == 403

    # A non-admin cannot manage users.
    with pytest.raises(requests.HTTPError) as forbidden:
        user.client.users.update_admin_user(admin_client.users.about_me().user_id, is_admin=False)
    assert forbidden.value.response.status_code == 403

    admin_client.users.deactivate_user(user.id)
    with pytest.raises(requests.HTTPError) as deactivated:
        user.client.users.about_me()
    assert deactivated.value.response.status_code == 401
    admin_client.users.reactivate_user(user.id)


def test_platform_endpoints(admin_client: CodeMieClient, live_server) -> None:  # type: ignore[no-untyped-def]
    models = admin_client.llms.list()
    assert any(m.base_name == "mock" for m in models)
    info = requests.get(f"{live_server.url}/v1/info", timeout=10).json()
    assert info["message"] == "Codemill"
    health = requests.get(f"{live_server.url}/v1/healthcheck", timeout=10).json()
    assert health["status"] == "healthy"
    assert requests.get(f"{live_server.url}/docs", timeout=10).status_code == 200


def test_membership_answers_keep_their_shape(make_user: Callable[..., TestUser]) -> None:
    """Bulk, CSV and admin membership answers, and the caller's UI data, field for field."""
    admin, member, other = make_user("shape-admin", is_admin=True), make_user("shape-member"), make_user("shape-other")
    name = unique("shape")
    admin.client.projects.create_project(name=name, description="d")

    bulk = admin.http.post(f"/v1/projects/{name}/assignments", json={"users": [{"user_id": member.id}]}).json()
    assert bulk == {
        "message": "Bulk assignment completed: 1 users processed",
        "project_name": name,
        "total": 1,
        "results": [{"user_id": member.id, "action": "assigned", "is_project_admin": False}],
    }
    removed = admin.http.delete(f"/v1/projects/{name}/assignments", params={"user_id": member.id}).json()
    assert removed["results"] == [{"user_id": member.id, "action": "removed", "is_project_admin": None}]

    csv = f"email,role\n{member.email},administrator\nnobody@example.com,user\n".encode()
    checked = admin.http.post(f"/v1/projects/{name}/import-users/validate", files={"file": ("u.csv", csv)}).json()
    assert checked == {
        "users": [
            {"email": member.email, "role": "administrator", "error": None},
            {"email": "nobody@example.com", "role": "user", "error": "no user with this email"},
        ]
    }
    good = f"email,role\n{member.email},administrator\n".encode()
    imported = admin.http.post(f"/v1/projects/{name}/import-users", files={"file": ("u.csv", good)}).json()
    assert imported["results"] == [{"user_id": member.id, "action": "assigned", "is_project_admin": True}]

    granted = admin.http.post(f"/v1/admin/users/{other.id}/projects", json={"project_name": name}).json()
    assert list(granted) == ["message", "project_name", "is_project_admin", "is_default", "date"]
    assert granted["message"] == "Project access granted" and granted["is_project_admin"] is False
    made_default = admin.http.put(f"/v1/admin/users/{other.id}/projects/{name}/default").json()
    assert made_default == {"message": "Default project set", "user_id": other.id, "project_name": name}
    revoked = admin.http.delete(f"/v1/admin/users/{other.id}/projects/{name}").json()
    assert revoked == {"message": "Project access revoked", "user_id": other.id, "project_name": name}
    apps = admin.http.get("/v1/admin/applications", params={"search": name}).json()
    assert apps == {"applications": [{"name": name, "displayName": None}]}

    data = member.http.get("/v1/user/data").json()
    assert list(data) == ["id", "user_id", "date", "update_date", "stt_support", "sidebar_view"]
    assert data["sidebar_view"] == "flat" and data["stt_support"] is False
    assert member.http.put("/v1/user/data", json={"sidebar_view": "folders"}).json()["sidebar_view"] == "folders"
