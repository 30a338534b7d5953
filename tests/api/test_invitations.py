"""Invitations and self-registration against a live server: invite → link → accept (the password policy
applies, naming the field) → sign in; links are single use and expire; only platform admins invite; the
link is mailed through the admins' Email integration (a small SMTP server stands in for the mail service);
self-registration is refused unless its setting is on."""

from __future__ import annotations

import email
import email.policy
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import Envelope, Session
from codemie_sdk import CodeMieClient
from codemie_sdk.models.integration import CredentialTypes, CredentialValues, Integration

from codemill.kit.net import free_port
from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, TestUser, sdk_client, unique
from tests.support.server import LiveServer, start_server

GOOD_PASSWORD = "maple orbit lantern quietly"


def _token_of(url: str) -> str:
    assert "/invite/" in url
    return url.rsplit("/invite/", 1)[1]


def _login(server: LiveServer, address: str, password: str) -> httpx.Response:
    return httpx.post(f"{server.url}/v1/local-auth/login", json={"email": address, "password": password}, timeout=30)


def _invite(admin_http: httpx.Client, address: str, **extra: object) -> dict[str, object]:
    response = admin_http.post("/v1/admin/users/invitations", json={"email": address, "name": "Ines", **extra})
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


def test_invite_accept_and_sign_in(live_server: LiveServer, admin_http: httpx.Client) -> None:
    address = f"{unique('invited')}@example.com"
    project = unique("invproj")
    assert admin_http.post("/v1/projects", json={"name": project, "description": "team"}).status_code == 201
    made = _invite(admin_http, address, projects=[{"project_name": project, "is_project_admin": True}])
    # No Email integration: the admin gets the link to pass on.
    assert made["email_sent"] is False and made["mail_configured"] is False
    assert "not configured" in str(made["message"])
    url = str(made["invite_url"])
    assert url.startswith(live_server.url + "/invite/")
    token = _token_of(url)

    # The invited user exists, inactive, and cannot sign in yet.
    user = admin_http.get(f"/v1/admin/users/{made['user_id']}").json()
    assert user["email"] == address and user["is_active"] is False
    assert _login(live_server, address, GOOD_PASSWORD).status_code == 401

    public = httpx.Client(base_url=live_server.url, timeout=30)
    status = public.get(f"/v1/auth/invitations/{token}").json()
    assert status["valid"] is True and status["email"] == address and status["name"] == "Ines"

    weak = public.post(f"/v1/auth/invitations/{token}/accept", json={"password": "password1234"})
    assert weak.status_code == 400
    assert weak.json()["error"]["details"]["field"] == "password"
    assert public.get(f"/v1/auth/invitations/{token}").json()["valid"] is True  # a refused password burns nothing

    accepted = public.post(f"/v1/auth/invitations/{token}/accept", json={"password": GOOD_PASSWORD})
    assert accepted.status_code == 200, accepted.text
    signed_in = accepted.json()
    assert signed_in["user"]["email"] == address and signed_in["user"]["is_active"] is True
    me = public.get("/v1/user", headers={"Authorization": f"Bearer {signed_in['access_token']}"})
    assert me.status_code == 200 and me.json()["email"] == address
    assert project in me.json()["applications_admin"] and address in me.json()["applications"]

    # Single use: the link is spent, and the password signs in.
    assert public.get(f"/v1/auth/invitations/{token}").json()["valid"] is False
    again = public.post(f"/v1/auth/invitations/{token}/accept", json={"password": "another maple orbit lantern"})
    assert again.status_code == 404
    assert _login(live_server, address, GOOD_PASSWORD).status_code == 200

    # An accepted user cannot be invited again.
    assert admin_http.post("/v1/admin/users/invitations", json={"email": address}).status_code == 409


def test_renewed_invitation_replaces_the_old_link(admin_http: httpx.Client, live_server: LiveServer) -> None:
    address = f"{unique('renew')}@example.com"
    first = _token_of(str(_invite(admin_http, address)["invite_url"]))
    second = _token_of(str(_invite(admin_http, address)["invite_url"]))
    public = httpx.Client(base_url=live_server.url, timeout=30)
    assert public.get(f"/v1/auth/invitations/{first}").json()["valid"] is False
    assert public.get(f"/v1/auth/invitations/{second}").json()["valid"] is True
    assert public.get("/v1/auth/invitations/not-a-token").json()["valid"] is False


def test_only_platform_admins_invite(make_user: Callable[..., TestUser], live_server: LiveServer) -> None:
    plain = make_user("plain")
    refused = plain.http.post("/v1/admin/users/invitations", json={"email": f"{unique('x')}@example.com"})
    assert refused.status_code == 403 and "error" in refused.json()
    anonymous = httpx.post(f"{live_server.url}/v1/admin/users/invitations", json={"email": "a@example.com"})
    assert anonymous.status_code == 401


class _Inbox:
    """aiosmtpd handler: keeps every message it accepts."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], email.message.EmailMessage]] = []

    async def handle_DATA(self, server: object, session: Session, envelope: Envelope) -> str:
        raw = envelope.content if isinstance(envelope.content, bytes) else str(envelope.content).encode()
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        assert isinstance(parsed, email.message.EmailMessage)
        self.messages.append((list(envelope.rcpt_tos), parsed))
        return "250 OK"


@pytest.fixture
def inbox() -> Iterator[tuple[_Inbox, int]]:
    handler = _Inbox()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler, port
    controller.stop()


def test_invitation_is_mailed_through_the_admins_email_integration(
    make_user: Callable[..., TestUser], live_server: LiveServer, inbox: tuple[_Inbox, int]
) -> None:
    handler, port = inbox
    admin = make_user("mailadmin", is_admin=True)
    created = admin.client.integrations.create(
        Integration(
            project_name=admin.email,
            alias=unique("smtp"),
            credential_type=CredentialTypes.EMAIL,
            is_global=True,
            credential_values=[CredentialValues(key="url", value=f"127.0.0.1:{port}")],
        )
    )
    try:
        address = f"{unique('mailed')}@example.com"
        made = _invite(admin.http, address)
        assert made["email_sent"] is True and made["mail_configured"] is True
        assert made["invite_url"] is None and made["message"] == f"Invitation sent to {address}"
        assert len(handler.messages) == 1
        recipients, message = handler.messages[0]
        assert recipients == [address]
        body = message.get_content()
        link = next(word for word in body.split() if "/invite/" in word)
        assert link.startswith(live_server.url + "/invite/")
        status = httpx.get(f"{live_server.url}/v1/auth/invitations/{_token_of(link)}").json()
        assert status == {**status, "valid": True, "email": address}
    finally:
        admin.http.delete(f"/v1/settings/user/{created['id']}")


@pytest.fixture(scope="module")
def open_server(server_env: dict[str, str], artifacts_dir: Path) -> Iterator[LiveServer]:
    """A second replica with self-registration on, and invitation links that expire at once."""
    server = start_server(
        {
            **server_env,
            "CODEMILL_USERS__SELF_REGISTRATION": "true",
            "CODEMILL_USERS__INVITATION_TTL_HOURS": "0",
            "CODEMILL_JOBS__IN_PROCESS": "false",
        },
        artifacts_dir / "logs" / "open-registration-server.log",
    )
    yield server
    server.stop()


def test_self_registration_is_refused_when_off(live_server: LiveServer) -> None:
    assert httpx.get(f"{live_server.url}/v1/auth/options").json() == {"local_auth": True, "self_registration": False}
    refused = httpx.post(
        f"{live_server.url}/v1/auth/register",
        json={"email": f"{unique('self')}@example.com", "name": "Sam", "password": GOOD_PASSWORD},
    )
    assert refused.status_code == 403
    assert refused.json()["error"]["message"] == "Self-registration is disabled"


def test_self_registration_when_on(open_server: LiveServer) -> None:
    assert httpx.get(f"{open_server.url}/v1/auth/options").json()["self_registration"] is True
    address = f"{unique('self')}@example.com"
    weak = httpx.post(
        f"{open_server.url}/v1/auth/register", json={"email": address, "name": "Sam", "password": "short"}
    )
    assert weak.status_code == 400 and weak.json()["error"]["details"]["field"] == "password"
    made = httpx.post(
        f"{open_server.url}/v1/auth/register", json={"email": address, "name": "Sam", "password": GOOD_PASSWORD}
    )
    assert made.status_code == 200, made.text
    assert made.json()["user"]["is_admin"] is False
    client: CodeMieClient = sdk_client(open_server, address, GOOD_PASSWORD)
    me = client.users.about_me()
    assert me.email == address and address in me.applications  # the personal project
    taken = httpx.post(
        f"{open_server.url}/v1/auth/register", json={"email": address, "name": "Sam", "password": GOOD_PASSWORD}
    )
    assert taken.status_code == 409


def test_expired_invitation_is_refused(open_server: LiveServer) -> None:
    admin = sdk_client(open_server, ADMIN_EMAIL, ADMIN_PASSWORD)
    with httpx.Client(base_url=open_server.url, headers={"Authorization": f"Bearer {admin.token}"}) as http:
        token = _token_of(str(_invite(http, f"{unique('late')}@example.com")["invite_url"]))
    status = httpx.get(f"{open_server.url}/v1/auth/invitations/{token}").json()
    assert status["valid"] is False and "expired" in status["message"]
    late = httpx.post(f"{open_server.url}/v1/auth/invitations/{token}/accept", json={"password": GOOD_PASSWORD})
    assert late.status_code == 404
