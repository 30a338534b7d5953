"""The access matrix, generated from the live OpenAPI document.

Every operation whose path takes an id is called on a fresh object, made through the API by its
owner, as four callers: an outsider (first, while the object is intact), a member of the object's
project, a platform admin and the owner. The outsider never gets a 2xx nor the object's data; no
caller ever gets a 5xx. Then a platform admin makes the same call on ids that name nothing. Every
refusal has CodeMie's body ({"error": {"message", "details", "help"}}) and a 404 its wording ("Skill
not found"). An id-taking operation this file neither covers nor lists below fails the test, so a new
route cannot slip through unchecked.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from tests.conftest import USER_PASSWORD, TestUser, unique
from tests.support.server import LiveServer
from tests.support.waiting import wait_until

# Operations with an id that this matrix does not call, and why.
NOT_COVERED = {
    ("GET", "/v1/assistants/prebuilt/{slug}"): "the prebuilt catalogue ships with the server: public to every user",
    ("POST", "/v1/assistants/prebuilt/{slug}"): "creates the caller's own copy of a catalogue entry; no owner to leak",
    (
        "GET",
        "/v1/workflows/prebuilt/{slug}",
    ): "the prebuilt workflow templates ship with the server: public to every user",
    ("POST", "/v1/workflows/prebuilt/{slug}"): "creates the caller's own workflow from a template; no owner to leak",
    (
        "POST",
        "/v1/projects/{project_name}/import-users/validate",
    ): "multipart CSV: covered in tests/api (403 for non-admins)",
    ("POST", "/v1/projects/{project_name}/import-users"): "multipart CSV: covered in tests/api (403 for non-admins)",
    ("POST", "/v1/webhooks/{webhook_id}"): "no user token: the webhook's secret decides (tests/automation)",
    ("GET", "/v1/share/conversations/{token}"): "the token is the capability: any signed-in holder reads the "
    "shared view (tests/api/test_conversation_sharing.py covers revocation and the read-only view)",
    ("GET", "/v1/skills/events/{skill_slug}/stats"): "counts of the caller's own skill events (everyone's for "
    "platform admins): no object stands behind the slug",
    ("GET", "/v1/auth/invitations/{token}"): "public: the one-time invitation token is the credential "
    "(tests/api/test_invitations.py covers single use, expiry and unknown tokens)",
    ("POST", "/v1/auth/invitations/{token}/accept"): "public: the one-time invitation token is the credential "
    "(tests/api/test_invitations.py)",
    ("GET", "/v1/assistants/categories/{category_id}"): "categories are platform-wide and admin-managed, no owner "
    "(tests/api/test_assistant_marketplace.py: 403 for non-admins, 404 in CodeMie's words)",
    ("PUT", "/v1/assistants/categories/{category_id}"): "admin-managed: tests/api/test_assistant_marketplace.py",
    ("DELETE", "/v1/assistants/categories/{category_id}"): "admin-managed: tests/api/test_assistant_marketplace.py",
    ("GET", "/v1/skills/{skill_id}/companion-files/content"): "needs ?path=: tests/api/test_skills.py checks "
    "readers and outsiders (404)",
}

# CodeMie's not-found message: the kind of thing, capitalised, then "not found"; nothing else.
NOT_FOUND_WORDING = re.compile(r"[A-Z][\w-]*(?: [\w-]+)* not found|User is not assigned to this project")

# Operations that create what their id names when it does not exist yet (CodeMie's upserts).
UPSERTS = {("PUT", "/v1/conversations/{conversation_id}/history")}

# What the outsider may see instead of a 2xx: not found, forbidden, or a body refused before any lookup.
OUTSIDER_STATUSES = {403, 404, 422}


@dataclass
class World:
    """The objects one operation is called on, all made by `owner`; `marker` is in every name."""

    marker: str
    values: dict[str, str] = field(default_factory=dict)

    @property
    def secret(self) -> str:
        """Written into descriptions, prompts and messages; never in a URL, so any echo is a leak."""
        return f"secret-{self.marker[::-1]}"


@dataclass
class Cast:
    owner: TestUser
    member: TestUser
    outsider: TestUser
    admin: TestUser


@pytest.fixture(scope="module")
def cast(live_server: LiveServer, admin_http_module: httpx.Client) -> Iterator[Cast]:
    made: list[TestUser] = []

    def user(prefix: str, is_admin: bool = False) -> TestUser:
        email = f"{unique(prefix)}@example.com"
        created = admin_http_module.post(
            "/v1/admin/users", json={"email": email, "password": USER_PASSWORD, "is_admin": is_admin}
        )
        assert created.status_code == 200, created.text
        token = httpx.post(
            f"{live_server.url}/v1/local-auth/login", json={"email": email, "password": USER_PASSWORD}
        ).json()["access_token"]
        http = httpx.Client(base_url=live_server.url, headers={"Authorization": f"Bearer {token}"}, timeout=60)
        found = TestUser(created.json()["id"], email, USER_PASSWORD, None, http)  # type: ignore[arg-type]
        made.append(found)
        return found

    yield Cast(user("owner"), user("member"), user("outsider"), user("admin", is_admin=True))
    for one in made:
        one.http.close()


@pytest.fixture(scope="module")
def admin_http_module(live_server: LiveServer, admin_client: Any) -> Iterator[httpx.Client]:
    with httpx.Client(
        base_url=live_server.url, headers={"Authorization": f"Bearer {admin_client.token}"}, timeout=60
    ) as client:
        yield client


def _ok(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code < 300, f"{response.request.method} {response.request.url}: {response.text}"
    body: dict[str, Any] = response.json()
    return body


class Factories:
    """Small factories through the API: each makes one object as the owner and records its id."""

    def __init__(self, cast: Cast, world: World) -> None:
        self.cast, self.world, self.owner = cast, world, cast.owner.http

    def project(self) -> str:
        if "project_name" not in self.world.values:
            name = f"{self.world.marker}-p"
            _ok(self.owner.post("/v1/projects", json={"name": name, "description": self.world.secret}))
            _ok(self.owner.post(f"/v1/projects/{name}/assignment", json={"user_id": self.cast.member.id}))
            self.world.values["project_name"] = self.world.values["project"] = name
        return self.world.values["project_name"]

    def assistant(self) -> None:
        project = self.project()
        slug = f"{self.world.marker}-slug"
        saved = _ok(
            self.owner.post(
                "/v1/assistants",
                json={
                    "name": f"{self.world.marker}-a",
                    "description": self.world.secret,
                    "system_prompt": self.world.secret,
                    "project": project,
                    "slug": slug,
                    "shared": False,
                },
            )
        )
        self.world.values.update(assistant_id=saved["assistantId"], slug=slug)
        self.world.values.update(version_number="1", version1="1", version2="1")

    def datasource(self) -> None:
        project = self.project()
        name = f"{self.world.marker}-ds"
        created = _ok(
            self.owner.post(
                f"/v1/application/{project}/index",
                json={
                    "name": name,
                    "project_name": project,
                    "description": self.world.secret,
                    "link": "http://127.0.0.1:9/nothing.git",
                    "branch": "main",
                },
            )
        )
        self.world.values.update(datasource_id=created["id"], name=name)

    def integration(self, scope: str) -> None:
        body: dict[str, Any] = {
            "alias": f"{self.world.marker}-i",
            "credential_type": "Jira",
            "credential_values": [
                {"key": "url", "value": f"https://{self.world.marker}.example.com"},
                {"key": "token", "value": self.world.secret},
            ],
        }
        if scope == "project":
            body["project_name"] = self.project()
        else:
            body["project_name"] = self.cast.owner.email
        saved = _ok(self.owner.post(f"/v1/settings/{scope}", json=body))
        self.world.values["integration_id"] = saved["id"]

    def conversation(self) -> None:
        created = _ok(self.owner.post("/v1/conversations", json={}))
        conversation_id = created["id"]
        now = datetime.now(UTC).isoformat()
        history = [
            {"role": "User", "message": self.world.secret, "history_index": 0, "date": now},
            {"role": "Assistant", "message": self.world.secret, "history_index": 0, "date": now},
        ]
        _ok(self.owner.put(f"/v1/conversations/{conversation_id}/history", json={"history": history}))
        self.world.values.update(conversation_id=conversation_id, history_index="0")

    def workspace(self) -> None:
        """The owner's conversation's workspace, with a note and a script."""
        if "conversation_id" not in self.world.values:
            self.conversation()
        saved = _ok(self.owner.post("/v1/workspaces", json={"conversation_id": self.world.values["conversation_id"]}))
        for path, content in (("notes.txt", self.world.secret), ("job.py", "print('ran')")):
            _ok(self.owner.put(f"/v1/workspaces/{saved['id']}/files", json={"file_path": path, "content": content}))
        self.world.values["workspace_id"] = saved["id"]

    def share(self) -> None:
        """A share link of the owner's conversation."""
        self.conversation()
        saved = _ok(self.owner.post("/v1/share/conversations", json={"chat_id": self.world.values["conversation_id"]}))
        self.world.values["token"] = saved["token"]

    def feedback(self) -> None:
        """The owner's feedback on their conversation's first answer."""
        self.conversation()
        body = {
            "conversationId": self.world.values["conversation_id"],
            "messageIndex": 0,
            "assistant_id": "none",
            "request": self.world.secret,
            "response": self.world.secret,
            "mark": "wrong",
        }
        self.world.values["feedback_id"] = _ok(self.owner.post("/v1/feedback", json=body))["id"]

    def skill(self) -> None:
        """A project skill (its project's members read it)."""
        saved = _ok(
            self.owner.post(
                "/v1/skills",
                json={
                    "name": f"{self.world.marker}-s",
                    "description": self.world.secret,
                    "content": self.world.secret,
                    "project": self.project(),
                },
            )
        )
        self.world.values["skill_id"] = saved["id"]

    def folder(self) -> None:
        name = f"{self.world.marker}-f"
        _ok(self.owner.post("/v1/conversations/folder", json={"folder": name}))
        self.world.values["folder"] = name

    def workflow(self) -> None:
        project = self.project()
        yaml_config = _workflow_yaml(self.world.secret)
        saved = _ok(
            self.owner.post(
                "/v1/workflows",
                json={
                    "project": project,
                    "name": f"{self.world.marker}-w",
                    "description": self.world.secret,
                    "yaml_config": yaml_config,
                    "shared": False,
                },
            )
        )
        self.world.values["workflow_id"] = saved["id"]

    def execution(self) -> None:
        """A finished execution of the owner's workflow, and its one state."""
        self.workflow()
        base = f"/v1/workflows/{self.world.values['workflow_id']}/executions"
        started = _ok(self.owner.post(base, json={"user_input": self.world.secret}))
        execution_id = started["execution_id"]
        wait_until(
            lambda: (
                _ok(self.owner.get(f"{base}/{execution_id}"))["overall_status"] not in ("Not Started", "In Progress")
            ),
            timeout=60,
            what="the access matrix's workflow execution to finish",
        )
        states = _ok(self.owner.get(f"{base}/{execution_id}/states"))["data"]
        self.world.values.update(execution_id=execution_id, state_id=states[0]["id"])

    def mcp_config(self) -> None:
        saved = _ok(
            self.owner.post(
                "/v1/mcp-configs",
                json={
                    "name": f"{self.world.marker}-mcp",
                    "description": self.world.secret,
                    "config": {"command": "uvx", "args": [f"{self.world.marker}-server"]},
                },
            )
        )
        self.world.values["config_id"] = saved["id"]

    def stored_file(self) -> None:
        """A file the owner uploaded (its id is what downloads name)."""
        upload = self.owner.post(
            "/v1/files/", files={"file": (f"{self.world.marker}.txt", self.world.secret.encode(), "text/plain")}
        )
        self.world.values["file_name"] = str(_ok(upload)["file_url"])

    def api_key(self) -> None:
        saved = _ok(self.owner.post("/v1/api-keys", json={"name": f"{self.world.marker}-key"}))
        self.world.values["key_id"] = saved["id"]

    def budget(self) -> None:
        """Budgets are platform admins' objects: the admin makes one; everybody else is refused."""
        saved = _ok(
            self.cast.admin.http.post(
                "/v1/admin/budgets", json={"scope": "project", "subject": self.project(), "max_budget": 1000}
            )
        )
        self.world.values["budget_id"] = str(saved["id"])

    def budget_group(self) -> None:
        """A project budget group on the owner's project, made by the admin (the owner administers the project)."""
        saved = _ok(
            self.cast.admin.http.post(
                "/v1/admin/project-budget-groups",
                json={
                    "project_name": self.project(),
                    "name": f"{self.world.marker}-group",
                    "description": self.world.secret,
                    "total_amount": 100,
                    "budget_duration": "30d",
                    "categories": {"platform": {"pct": 100}},
                },
            )
        )
        self.world.values["group_id"] = str(saved["group_id"])

    def cost_center(self) -> None:
        saved = _ok(
            self.cast.admin.http.post(
                "/v1/admin/cost-centers", json={"name": f"{self.world.marker}-cc", "description": self.world.secret}
            )
        )
        self.world.values["cost_center_id"] = str(saved["id"])

    def subject_user(self) -> None:
        """Admin user routes: the object is a user (the member), and a project they belong to."""
        self.project()
        self.world.values["user_id"] = self.cast.member.id


def _workflow_yaml(task: str) -> str:
    return (
        "assistants:\n  - id: helper\n    system_prompt: You help.\n"
        "states:\n  - id: only\n    assistant_id: helper\n"
        f'    task: "Say {task}"\n    next: {{state_id: end}}\n'
    )


def _build(factories: Factories, path: str) -> None:
    params = set(re.findall(r"{(\w+)}", path))
    if path.startswith("/v1/admin/users") or path.startswith("/v1/projects/{project_name}/assignment/"):
        factories.subject_user()
    if "integration_id" in params:
        factories.integration("project" if "/settings/project/" in path else "user")
    if params & {"datasource_id", "name"}:
        factories.datasource()
    if "assistant_id" in params or path.startswith("/v1/assistants/slug/"):
        factories.assistant()
    if "conversation_id" in params:
        factories.conversation()
        factories.world.values["message_index"] = "0"
    if "token" in params:
        factories.share()
    if "feedback_id" in params:
        factories.feedback()
    if "skill_id" in params or path.endswith("/skills"):
        factories.skill()
    if "folder" in params:
        factories.folder()
    if path.startswith("/v1/workspaces/"):
        factories.workspace()
    if params & {"project_name", "project"}:
        factories.project()
    if params & {"execution_id", "state_id"}:
        factories.execution()
    elif "workflow_id" in params:
        factories.workflow()
    if "config_id" in params:
        factories.mcp_config()
    if "file_name" in params:
        factories.stored_file()
    if "key_id" in params:
        factories.api_key()
    if "budget_id" in params:
        factories.budget()
    if "cost_center_id" in params:
        factories.cost_center()
    if "group_id" in params:
        factories.budget_group()


def _body(method: str, path: str, world: World, cast: Cast) -> dict[str, Any] | list[Any] | None:
    """A valid body, so that refusals come from the access check rather than from validation."""
    marker = world.marker
    bodies: dict[tuple[str, str], dict[str, Any] | list[Any]] = {
        ("PUT", "/v1/admin/users/{user_id}"): {"name": f"renamed {marker}"},
        ("PUT", "/v1/admin/users/{user_id}/password"): {"new_password": "another-password-123"},
        ("POST", "/v1/admin/users/{user_id}/projects"): {"project_name": world.values.get("project_name", "")},
        ("PUT", "/v1/admin/users/{user_id}/projects/{project_name}"): {"is_project_admin": True},
        ("PATCH", "/v1/projects/{project_name}"): {"description": f"changed {marker}"},
        ("PUT", "/v1/projects/{project_name}/ownership"): {"user_id": cast.outsider.id},
        ("POST", "/v1/projects/{project_name}/assignment"): {"user_id": cast.outsider.id},
        ("PUT", "/v1/projects/{project_name}/assignment/{user_id}"): {"is_project_admin": True},
        ("POST", "/v1/projects/{project_name}/assignments"): {"users": [{"user_id": cast.outsider.id}]},
        ("DELETE", "/v1/projects/{project_name}/assignments"): {"user_ids": [cast.member.id]},
        ("PUT", "/v1/settings/user/{integration_id}"): {"credential_type": "Jira", "alias": f"{marker}-x"},
        ("PUT", "/v1/settings/project/{integration_id}"): {"credential_type": "Jira", "alias": f"{marker}-x"},
        ("POST", "/v1/index/{datasource_id}/search"): {"query": "anything"},
        ("POST", "/v1/application/{project}/index"): {
            "name": f"{marker}-new",
            "project_name": world.values.get("project", ""),
            "link": "http://127.0.0.1:9/other.git",
        },
        ("PUT", "/v1/application/{project}/index/{name}"): {"description": f"changed {marker}"},
        ("PUT", "/v1/assistants/{assistant_id}"): {
            "name": f"{marker}-changed",
            "system_prompt": "changed",
            "project": world.values.get("project", ""),
        },
        ("POST", "/v1/assistants/{assistant_id}/model"): {"text": "hello", "stream": False},
        ("POST", "/v1/assistants/slug/{slug}/model"): {"text": "hello", "stream": False},
        ("PUT", "/v1/conversations/folder/{folder}"): {"folder": f"{marker}-renamed"},
        ("PUT", "/v1/workspaces/{workspace_id}/files"): {"file_path": "more.txt", "content": marker},
        ("POST", "/v1/workspaces/{workspace_id}/execute"): {"script_path": "job.py"},
        ("PUT", "/v1/conversations/{conversation_id}"): {"name": f"renamed {marker}"},
        ("PUT", "/v1/conversations/{conversation_id}/history"): {
            "history": [{"role": "User", "message": "overwrite", "history_index": 0, "date": "2026-01-01T00:00:00Z"}]
        },
        ("PUT", "/v1/conversations/{conversation_id}/history/{history_index}"): {"message": "edited"},
        ("POST", "/v1/a2a/assistants/{assistant_id}"): {
            "jsonrpc": "2.0",
            "id": "1",
            "method": "tasks/get",
            "params": {"id": "no-such-task"},
        },
        ("PUT", "/v1/workflows/{workflow_id}"): {
            "project": world.values.get("project", ""),
            "name": f"{marker}-renamed",
            "description": "changed",
            "yaml_config": _workflow_yaml("changed"),
        },
        ("POST", "/v1/workflows/{workflow_id}/executions"): {"user_input": "again"},
        ("PUT", "/v1/workflows/{workflow_id}/executions/{execution_id}/resume"): {},
        ("PUT", "/v1/workflows/{workflow_id}/executions/{execution_id}/states/{state_id}/output"): {"output": "x"},
        ("POST", "/v1/workflows/{workflow_id}/executions/{execution_id}/thoughts"): [],
        ("PUT", "/v1/mcp-configs/{config_id}"): {"description": f"changed {marker}"},
        ("PUT", "/v1/skills/{skill_id}"): {"description": f"changed {marker}"},
        ("POST", "/v1/skills/{skill_id}/reactions"): {"reaction": "like"},
        ("POST", "/v1/assistants/{assistant_id}/reactions"): {"reaction": "like"},
        ("POST", "/v1/skills/{skill_id}/assistants/bulk-attach"): {
            "assistant_ids": [world.values.get("assistant_id", "none")]
        },
        ("POST", "/v1/assistants/{assistant_id}/skills"): {"skill_id": world.values.get("skill_id", "none")},
        ("POST", "/v1/conversations/{conversation_id}/feedback"): {"mark": "good", "rating": 5},
        ("PUT", "/v1/admin/users/{user_id}/conversations/{conversation_id}/feedback"): {"mark": "fine"},
        ("PUT", "/v1/admin/budgets/{budget_id}"): {"max_budget": 2000},
        ("PUT", "/v1/admin/project-budget-groups/{group_id}"): {"categories": {"platform": {"pct": 100}}},
        ("PUT", "/v1/admin/cost-centers/{cost_center_id}/projects"): {"projects": []},
    }
    return bodies.get((method, path))


# Query strings an operation needs (besides its path ids) to reach the access check.
QUERIES = {
    ("GET", "/v1/workspaces/{workspace_id}/files/content"): "?file_path=notes.txt",
    ("DELETE", "/v1/workspaces/{workspace_id}/files"): "?file_path=notes.txt",
}


def _call(client: httpx.Client, method: str, path: str, world: World, cast: Cast) -> httpx.Response:
    url = re.sub(r"{(\w+)}", lambda m: world.values[m.group(1)], path) + QUERIES.get((method, path), "")
    body = _body(method, path, world, cast)
    if body is None:
        return client.request(method, url)
    return client.request(method, url, json=body)


def _id_operations(live_server: LiveServer) -> list[tuple[str, str]]:
    document = httpx.get(f"{live_server.url}/openapi.json", timeout=120).json()
    return sorted(
        (method.upper(), path)
        for path, operations in document["paths"].items()
        if "{" in path
        for method in operations
        if method in ("get", "put", "post", "patch", "delete")
    )


def test_every_id_taking_operation_is_covered_or_listed(live_server: LiveServer) -> None:
    operations = _id_operations(live_server)
    assert len(operations) > 40
    unknown = [op for op in operations if op not in NOT_COVERED and not _coverable(op[1])]
    assert unknown == [], f"new id-taking operations: add a factory to the access matrix or list them: {unknown}"
    stale = [op for op in NOT_COVERED if op not in operations]
    assert stale == [], f"listed operations that no longer exist: {stale}"


_KNOWN_PARAMS = {
    "file_name",
    "user_id",
    "project_name",
    "project",
    "integration_id",
    "datasource_id",
    "name",
    "assistant_id",
    "slug",
    "version_number",
    "version1",
    "version2",
    "conversation_id",
    "history_index",
    "folder",
    "workflow_id",
    "execution_id",
    "state_id",
    "config_id",
    "key_id",
    "budget_id",
    "cost_center_id",
    "group_id",
    "workspace_id",
    "message_index",
    "token",
    "feedback_id",
    "skill_id",
}


def _coverable(path: str) -> bool:
    return set(re.findall(r"{(\w+)}", path)) <= _KNOWN_PARAMS and "/prebuilt/" not in path


def test_access_matrix(live_server: LiveServer, cast: Cast) -> None:
    operations = [op for op in _id_operations(live_server) if op not in NOT_COVERED]
    failures: list[str] = []
    calls = 0
    for number, (method, path) in enumerate(operations):
        world = World(marker=f"m{number}-{unique('x')[-8:]}")
        _build(Factories(cast, world), path)
        data_markers = [world.secret, *(v for k, v in world.values.items() if k.endswith("_id") and len(v) > 8)]
        for role in ("outsider", "member", "admin", "owner"):
            caller: TestUser = getattr(cast, role)
            response = _call(caller.http, method, path, world, cast)
            calls += 1
            where = f"{method} {path} as {role}: {response.status_code} {response.text[:300]}"
            if response.status_code >= 500:
                failures.append(where)
            if role == "outsider":
                if response.status_code not in OUTSIDER_STATUSES:
                    failures.append(f"outsider not refused: {where}")
                failures.extend(_wording_faults(response, where))
                leaked = [m for m in data_markers if m in response.text and m not in response.request.url.path]
                if leaked:
                    failures.append(f"outsider sees {leaked}: {where}")
            if (
                role == "owner"
                and method == "GET"
                and not path.startswith("/v1/admin/")
                and response.status_code >= 300
            ):
                failures.append(f"owner cannot read their own object (factory or call is wrong): {where}")
        # The same call on ids that name nothing, by a platform admin (whom no role check stops first).
        unknown = _unknown_ids(world)
        response = _call(cast.admin.http, method, path, unknown, cast)
        calls += 1
        where = f"{method} {path} on unknown ids: {response.status_code} {response.text[:300]}"
        if response.status_code < 400 and method != "GET" and (method, path) not in UPSERTS:
            failures.append(f"a change to nothing succeeded: {where}")
        failures.extend(_wording_faults(response, where))
    assert failures == [], "\n".join(failures)
    print(f"access matrix: {len(operations)} operations x 4 roles = {calls} calls")


def _unknown_ids(world: World) -> World:
    """The world with every id replaced by one that names nothing (numbers stay numbers)."""
    values = {k: "987654" if v.isdigit() else f"unknown-{world.marker}" for k, v in world.values.items()}
    return World(marker=world.marker, values=values)


def _wording_faults(response: httpx.Response, where: str) -> list[str]:
    """CodeMie's refusal: {"error": {"message", "details", "help"}}; a 404 says which kind of thing was "not
    found" (the id in details), a 403 or 404 carries help."""
    if response.status_code < 400:
        return []
    try:
        body = response.json()
    except ValueError:
        return [f"refusal is not JSON: {where}"]
    error = body.get("error") if isinstance(body, dict) else None
    if set(body) != {"error"} or not isinstance(error, dict) or set(error) != {"message", "details", "help"}:
        return [f"refusal not in CodeMie's error shape: {where}"]
    faults = []
    if not error["message"]:
        faults.append(f"refusal without a message: {where}")
    if response.status_code == 404 and not NOT_FOUND_WORDING.fullmatch(str(error["message"])):
        faults.append(f"404 not worded '<Thing> not found' (the id belongs in details): {where}")
    if response.status_code in (403, 404) and not error["help"]:
        faults.append(f"{response.status_code} without help: {where}")
    return faults
