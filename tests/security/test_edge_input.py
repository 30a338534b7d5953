"""No input gets a 5xx: text PostgreSQL cannot store, numbers past the columns, oversized and chunked bodies."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

import httpx
import pytest

from tests.conftest import USER_PASSWORD, TestUser, unique
from tests.support.server import LiveServer


def _refused(response: httpx.Response, field: str, status: int = 422) -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and {"message", "details", "help"} <= set(body["error"])
    message = str(body["error"]["message"])
    assert field in message, message
    return message


def test_nul_is_refused_naming_the_field_wherever_it_comes(
    make_user: Callable[..., TestUser], live_server: LiveServer
) -> None:
    user = make_user("nul")
    name = unique("nul-project")
    # JSON body fields, nested ones too.
    _refused(user.http.post("/v1/projects", json={"name": f"{name}\x00x"}), "name")
    _refused(user.http.post("/v1/projects", json={"name": name, "description": "a\x00b"}), "description")
    _refused(
        user.http.post("/v1/conversations/folder", json={"folder": "inbox\x00"}),
        "folder",
    )
    # Path and query parameters.
    _refused(user.http.get("/v1/projects/x%00y"), "project_name")
    _refused(user.http.put("/v1/conversations/folder/a%00b", json={"folder": "b"}), "folder")
    _refused(user.http.get("/v1/assistants", params={"filters": '{"search": "a\x00"}'}), "filters")
    _refused(user.http.get("/v1/settings/user", params={"filters": "\x00"}), "filters")
    # The login email, as JSON.
    login = httpx.post(
        f"{live_server.url}/v1/local-auth/login", json={"email": f"{user.email}\x00", "password": USER_PASSWORD}
    )
    _refused(login, "email")
    # A file datasource: its name (a query parameter), a form field, an uploaded file's name.
    docs = unique("docs")
    files = [("files", ("a.txt", b"hello", "text/plain"))]
    query = {"name": docs, "project_name": user.email}
    create = "/v1/index/knowledge_base/file"
    _refused(user.http.post(create, params={**query, "name": "docs\x00"}, files=files), "name")
    _refused(user.http.post(create, params=query, data={"note": "x\x00"}, files=files), "note")
    # httpx escapes a NUL in a file name: write the multipart body by hand, as a hostile client would.
    raw = (
        b"--b\r\n"
        b'Content-Disposition: form-data; name="files"; filename="a\x00.txt"\r\n'
        b"Content-Type: text/plain\r\n\r\nhi\r\n--b--\r\n"
    )
    multipart = {"content-type": "multipart/form-data; boundary=b"}
    _refused(user.http.post(create, params=query, content=raw, headers=multipart), "filename")
    # Nothing was written.
    assert docs not in {d["name"] for d in user.http.get("/v1/index", params={"per_page": 100}).json()["data"]}
    names = {p["name"] for p in user.http.get("/v1/projects", params={"per_page": 100}).json()["data"]}
    assert not any(n.startswith(name) for n in names)
    assert user.http.get("/v1/conversations/folders/list").json() == []


def test_lone_surrogates_nan_and_huge_integers_in_json_are_422(make_user: Callable[..., TestUser]) -> None:
    user = make_user("json-edge")

    def post(raw: str) -> httpx.Response:
        return user.http.post("/v1/projects", content=raw.encode(), headers={"content-type": "application/json"})

    _refused(post('{"name": "x\\ud800y"}'), "name")
    _refused(post('{"name": "p", "description": NaN}'), "description")
    _refused(post('{"name": "p", "description": Infinity}'), "description")
    _refused(post('{"name": "p", "n": 123456789012345678901234567890}'), "n")
    # The validation handler itself renders NaN, Infinity and surrogates it echoes back.
    for raw in ('{"name": NaN}', '{"name": -Infinity}', '{"name": ["\\udfff"]}', '{"name\\ud800": 1}'):
        response = post(raw)
        assert response.status_code == 422, (raw, response.text)
        assert response.json()["error"]["message"]


def test_integers_past_int32_and_int64_are_422(make_user: Callable[..., TestUser]) -> None:
    user = make_user("bounds")
    huge = str(2**63)
    for path in ("/v1/projects", "/v1/assistants", "/v1/index", "/v1/settings/user"):
        _refused(user.http.get(path, params={"page": huge}), "page")
        _refused(user.http.get(path, params={"page": str(2**31)}), "page")
        assert user.http.get(path, params={"page": "5"}).status_code == 200
    assistant = user.http.post(
        "/v1/assistants",
        json={"name": unique("bounds"), "description": "d", "system_prompt": "s", "project": user.email},
    )
    assert assistant.status_code == 200, assistant.text
    assistant_id = user.http.get("/v1/assistants", params={"scope": "created_by_user"}).json()["data"][0]["id"]
    _refused(user.http.get(f"/v1/assistants/{assistant_id}/versions/{2**31}"), "version_number")
    _refused(user.http.get(f"/v1/assistants/{assistant_id}/versions/1/compare/{huge}"), "version2")
    _refused(user.http.get(f"/v1/assistants/{assistant_id}/versions", params={"page": huge}), "page")
    assert user.http.get(f"/v1/assistants/{assistant_id}/versions/{2**31 - 1}").status_code == 404
    _refused(user.http.delete(f"/v1/conversations/{unique('c')}/history/{huge}"), "history_index")
    _refused(user.http.post("/v1/admin/users", json={"email": "a@b.c", "password": "x", "project_limit": 2**40}), "")


def test_a_long_email_gets_its_personal_project(admin_http: httpx.Client) -> None:
    """305 characters: the personal project is named after the email, so its column must hold it."""
    email = f"{'x' * 280}-{unique('e')[-8:]}@example.com"
    assert len(email) > 300
    created = admin_http.post("/v1/admin/users", json={"email": email, "password": USER_PASSWORD})
    assert created.status_code == 200, created.text
    projects = admin_http.get(f"/v1/admin/users/{created.json()['id']}/projects").json()
    assert email in json.dumps(projects)


def test_deleting_a_missing_folder_is_404_like_renaming_it(make_user: Callable[..., TestUser]) -> None:
    user = make_user("folders")
    missing = unique("nofolder")
    _refused(user.http.put(f"/v1/conversations/folder/{missing}", json={"folder": "other"}), "Folder", 404)
    _refused(user.http.delete(f"/v1/conversations/folder/{missing}"), "Folder", 404)
    assert user.http.post("/v1/conversations/folder", json={"folder": missing}).status_code == 200
    assert user.http.delete(f"/v1/conversations/folder/{missing}").status_code == 200
    _refused(user.http.delete(f"/v1/conversations/folder/{missing}"), "Folder", 404)


def _chunks(total: int, size: int = 256 * 1024) -> Iterator[bytes]:
    yield b'{"name": "big", "description": "'
    sent = 0
    while sent < total:
        yield b"x" * size
        sent += size
    yield b'"}'


def test_an_oversized_chunked_body_is_413(make_user: Callable[..., TestUser]) -> None:
    """No Content-Length: the limit is found while reading, and the answer is still 413."""
    user = make_user("chunked")
    response = user.http.post(
        "/v1/projects", content=_chunks(5 * 1_048_576), headers={"content-type": "application/json"}
    )
    _refused(response, "too large", 413)
    upload = user.http.post(
        "/v1/index/knowledge_base/file",
        params={"name": unique("big"), "project_name": user.email},
        files=[("files", ("big.txt", _FileChunks(101 * 1_048_576), "text/plain"))],
    )
    _refused(upload, "too large", 413)


class _FileChunks:
    """A file-like body streamed in chunks (httpx sends multipart with a generator as chunked)."""

    def __init__(self, total: int) -> None:
        self.left = total

    def read(self, size: int = -1) -> bytes:
        step = min(self.left, 1_048_576 if size < 0 else size)
        self.left -= step
        return b"y" * step


def test_the_advertised_upload_count_is_enforced(make_user: Callable[..., TestUser], live_server: LiveServer) -> None:
    user = make_user("count")
    limit = int(httpx.get(f"{live_server.url}/v1/info").json()["fileDatasourceMaxUploadCount"])
    name = unique("many")
    files = [("files", (f"f{i}.txt", b"hello", "text/plain")) for i in range(limit + 1)]
    query = {"name": name, "project_name": user.email}
    too_many = user.http.post("/v1/index/knowledge_base/file", params=query, files=files)
    _refused(too_many, "Too many files", 413)
    created = user.http.post("/v1/index/knowledge_base/file", params=query, files=files[:2])
    assert created.status_code in (200, 201), created.text
    update = user.http.put("/v1/index/knowledge_base/file", params={**query, "description": "more"}, files=files)
    _refused(update, "Too many files", 413)


@pytest.mark.parametrize("kind", ["code", "jira"])
def test_another_users_integration_id_is_refused_when_a_datasource_is_created(
    make_user: Callable[..., TestUser], kind: str
) -> None:
    owner, other = make_user("integration-owner"), make_user("datasource-maker")
    credential = "Git" if kind == "code" else "Jira"
    values = [{"key": "url", "value": "http://127.0.0.1:9/repo.git" if kind == "code" else "http://127.0.0.1:9"}]
    values.append({"key": "token", "value": "secret-token"})
    made = owner.http.post(
        "/v1/settings/user",
        json={
            "project_name": owner.email,
            "alias": unique("theirs"),
            "credential_type": credential,
            "credential_values": values,
        },
    )
    assert made.status_code == 200, made.text
    theirs = made.json()["id"]
    name = unique("ds")
    if kind == "code":
        response = other.http.post(
            f"/v1/application/{other.email}/index",
            json={
                "name": name,
                "project_name": other.email,
                "link": "http://127.0.0.1:9/repo.git",
                "branch": "main",
                "setting_id": theirs,
            },
        )
    else:
        response = other.http.post(
            "/v1/index/knowledge_base/jira",
            json={"name": name, "project_name": other.email, "jql": "project = X", "setting_id": theirs},
        )
    _refused(response, "Integration not found", 404)
    assert response.json()["error"]["details"]["field"] == "setting_id"
    listed = other.http.get("/v1/index", params={"per_page": 100}).json()["data"]
    assert name not in {d["name"] for d in listed}


@pytest.mark.parametrize("endpoint", ["http://", "https:///sts", "http://:443/", "ftp://sts.example.com/", "//"])
def test_an_aws_endpoint_without_a_host_is_a_400_not_a_crash(make_user: Callable[..., TestUser], endpoint: str) -> None:
    user = make_user("aws-endpoint")
    values = {
        "aws_region": "us-east-1",
        "aws_access_key_id": "AKIAEXAMPLEEXAMPLE00",
        "aws_secret_access_key": "x" * 40,
        "aws_endpoint_url": endpoint,
    }
    response = user.http.post(
        "/v1/settings/test/",
        json={"credential_type": "AWS", "credential_values": [{"key": k, "value": v} for k, v in values.items()]},
    )
    _refused(response, "aws_endpoint_url", 400)
