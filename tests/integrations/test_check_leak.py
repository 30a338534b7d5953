"""The credential test never sends a stored secret to a URL the caller chose (issue: secret exfiltration).

For every credential type the test endpoint can check: a project member may not test a project
integration at all (it is the project admins' to manage), and even its manager must send the secrets
again to test it against a changed URL or endpoint. A capture server stands in for the attacker's host.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import pytest

from tests.conftest import TestUser, unique
from tests.integrations.targets import basic_credentials, serve
from tests.integrations.test_api import assert_not_logged, shared_project
from tests.support.server import LiveServer

# credential type → (its stored values, secret keys, the key that names the endpoint)
CASES: dict[str, tuple[dict[str, str], list[str], str]] = {
    "Git": ({"url": "https://git.example.com/team/repo.git"}, ["token"], "url"),
    "Jira": ({"url": "https://jira.example.com", "username": "jane@example.com"}, ["token"], "url"),
    "Confluence": ({"url": "https://wiki.example.com", "username": "jane@example.com"}, ["token"], "url"),
    "AzureDevOps": ({"url": "https://dev.azure.com", "organization": "acme"}, ["token"], "url"),
    "LiteLLM": ({"url": "https://llm.example.com/v1"}, ["api_key"], "url"),
    "AWS": ({"aws_region": "us-east-1"}, ["aws_access_key_id", "aws_secret_access_key"], "aws_endpoint_url"),
}


class Capture:
    """Everything the attacker's host received: headers and bodies, as text."""

    def __init__(self) -> None:
        self.seen: list[str] = []
        self.lock = threading.Lock()

    def app(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length).decode(errors="replace") if length else ""
        headers = {k: str(v) for k, v in environ.items() if k.startswith("HTTP_")}
        basic = basic_credentials(environ)  # Git, Jira and Confluence send tokens base64-encoded
        with self.lock:
            self.seen.append(f"{environ.get('PATH_INFO')} {headers} {basic} {body}")
        start_response("401 Unauthorized", [("Content-Type", "application/json")])
        return [b'{"message": "no"}']

    def text(self) -> str:
        with self.lock:
            return "\n".join(self.seen)


@pytest.fixture
def capture() -> Iterator[tuple[Capture, str]]:
    found = Capture()
    with serve(found.app) as url:
        yield found, url


def _values(values: dict[str, str]) -> list[dict[str, str]]:
    return [{"key": k, "value": v} for k, v in values.items()]


@pytest.mark.parametrize("credential_type", sorted(CASES))
def test_stored_secret_never_reaches_a_caller_chosen_endpoint(
    credential_type: str,
    make_user: Callable[..., TestUser],
    live_server: LiveServer,
    capture: tuple[Capture, str],
) -> None:
    attacker_host, attacker_url = capture
    stored_plain, secret_keys, endpoint_key = CASES[credential_type]
    admin, member = make_user("leakadmin"), make_user("leakmember")
    project = shared_project(admin, member)
    stored_secrets = {key: f"stored-{key}-{secrets.token_hex(12)}" for key in secret_keys}
    created = admin.http.post(
        "/v1/settings/project",
        json={
            "project_name": project,
            "alias": unique("leak"),
            "credential_type": credential_type,
            "setting_type": "project",
            "credential_values": _values({**stored_plain, **stored_secrets}),
        },
    )
    assert created.status_code == 200, created.text
    setting_id = created.json()["id"]
    redirect = {endpoint_key: attacker_url + ("/team/repo.git" if credential_type == "Git" else "")}

    # A member may use the integration in tools, but not test it, with or without a changed endpoint.
    for override in (redirect, {}):
        refused = member.http.post(
            "/v1/settings/test/",
            json={"credential_type": credential_type, "setting_id": setting_id, "credential_values": _values(override)},
        )
        assert refused.status_code == 403, refused.text

    # The project's admin may test it as stored, but not send its stored secrets elsewhere.
    redirected = admin.http.post(
        "/v1/settings/test/",
        json={"credential_type": credential_type, "setting_id": setting_id, "credential_values": _values(redirect)},
    )
    assert redirected.status_code == 422, redirected.text
    error = redirected.json()["error"]
    assert "Enter the secret values again" in error["message"]
    assert error["details"] == {"changed": [endpoint_key], "missing": sorted(secret_keys)}
    assert attacker_host.text() == "", "the attacker's host was contacted"

    # With the caller's own complete secrets the changed endpoint is tested, with those secrets only.
    own = {key: f"own-{key}-{secrets.token_hex(6)}" for key in secret_keys}
    complete = admin.http.post(
        "/v1/settings/test/",
        json={
            "credential_type": credential_type,
            "setting_id": setting_id,
            "credential_values": _values({**redirect, **own}),
        },
    )
    assert complete.status_code == 400, complete.text  # the capture host refuses every call
    received = attacker_host.text()
    assert received, f"the check with complete values did not reach the changed endpoint: {complete.text}"
    assert any(value in received for value in own.values()), "the capture cannot see secrets; the test proves nothing"
    for value in stored_secrets.values():
        assert value not in received
    assert_not_logged(live_server, *stored_secrets.values(), *own.values())
