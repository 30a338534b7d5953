"""Bad input gets a clear 4xx in the one error shape, and nothing is written."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from tests.conftest import TestUser, unique
from tests.support.server import LiveServer


def _error(response: httpx.Response, status: int) -> dict[str, object]:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and {"message", "details", "help"} <= set(body["error"])
    assert "Traceback" not in response.text
    return body["error"]  # type: ignore[no-any-return]


def _project_names(user: TestUser) -> set[str]:
    return {p["name"] for p in user.http.get("/v1/projects", params={"per_page": 100}).json()["data"]}


def test_malformed_json_and_wrong_types(make_user: Callable[..., TestUser]) -> None:
    user = make_user()
    before = _project_names(user)
    raw = user.http.post("/v1/projects", content=b'{"name": ', headers={"content-type": "application/json"})
    assert "Malformed JSON" in str(_error(raw, 422)["message"])
    wrong = user.http.post("/v1/projects", json={"name": 123, "display_name": ["x"]})
    message = str(_error(wrong, 422)["message"])
    assert "name" in message and "display_name" in message
    missing = user.http.post("/v1/projects", json={"description": "no name"})
    assert "name" in str(_error(missing, 422)["message"])
    bad_query = user.http.get("/v1/projects", params={"page": "minus-one"})
    assert "page" in str(_error(bad_query, 422)["message"])
    assert _project_names(user) == before


def test_unknown_ids(make_user: Callable[..., TestUser], admin_http: httpx.Client) -> None:
    user = make_user()
    _error(user.http.get(f"/v1/projects/{unique('nope')}"), 404)
    _error(admin_http.get("/v1/admin/users/00000000-0000-0000-0000-000000000000"), 404)
    name = unique("ids")
    user.http.post("/v1/projects", json={"name": name}).raise_for_status()
    _error(user.http.post(f"/v1/projects/{name}/assignment", json={"user_id": "no-such-user"}), 404)
    _error(user.http.put(f"/v1/projects/{name}/assignment/no-such-user", json={"is_project_admin": True}), 404)
    members = user.http.get(f"/v1/projects/{name}").json()["members"]
    assert [m["user_id"] for m in members] == [user.id]
    _error(user.http.get("/v1/no-such-endpoint"), 404)


def test_oversized_body(make_user: Callable[..., TestUser]) -> None:
    user = make_user()
    before = _project_names(user)
    huge = {"name": unique("big"), "description": "x" * (5 * 1024 * 1024)}
    _error(user.http.post("/v1/projects", json=huge), 413)
    assert _project_names(user) == before


def test_unauthenticated_write_changes_nothing(live_server: LiveServer, admin_http: httpx.Client) -> None:
    name = unique("anon")
    response = httpx.post(f"{live_server.url}/v1/projects", json={"name": name}, timeout=10)
    _error(response, 401)
    _error(admin_http.get(f"/v1/projects/{name}"), 404)


def test_non_admin_cannot_use_admin_endpoints(make_user: Callable[..., TestUser]) -> None:
    user = make_user()
    _error(user.http.post("/v1/admin/users", json={"email": "x@example.com", "password": "long-enough-1"}), 403)
    _error(user.http.get("/v1/admin/applications"), 403)
    _error(user.http.get("/v1/admin/users"), 403)
