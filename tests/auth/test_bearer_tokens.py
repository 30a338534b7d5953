"""Forged, expired and foreign tokens are refused; real OIDC tokens map roles and projects."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable

import httpx
import jwt
import pytest

from codemill.auth.oidc import MIN_REFRESH_INTERVAL
from tests.conftest import SECRET_KEY, TestUser, unique
from tests.support.oidc import OIDCIssuer, SigningKey
from tests.support.server import LiveServer
from tests.support.waiting import wait_until


def _get_user(server: LiveServer, token: str) -> httpx.Response:
    return httpx.get(f"{server.url}/v1/user", headers={"Authorization": f"Bearer {token}"}, timeout=10)


def _assert_refused(response: httpx.Response) -> None:
    assert response.status_code == 401, response.text
    body = response.json()
    assert set(body["error"]) == {"message", "details", "help"}
    assert "Traceback" not in response.text


def _b64(data: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def test_missing_and_malformed_credentials(live_server: LiveServer) -> None:
    _assert_refused(httpx.get(f"{live_server.url}/v1/user", timeout=10))
    _assert_refused(_get_user(live_server, "not-a-jwt"))
    response = httpx.get(f"{live_server.url}/v1/user", headers={"Authorization": "Basic abc"}, timeout=10)
    _assert_refused(response)


def test_forged_local_tokens(live_server: LiveServer, make_user: Callable[..., TestUser]) -> None:
    user = make_user()
    now = int(time.time())
    claims = {"sub": user.id, "email": user.email, "iss": "codemill-local", "iat": now, "exp": now + 600, "jti": "x1"}
    # Wrong signature.
    _assert_refused(_get_user(live_server, jwt.encode(claims, "another-secret-key-of-enough-length!!", "HS256")))
    # Wrong issuer with the right key.
    _assert_refused(_get_user(live_server, jwt.encode({**claims, "iss": "someone-else"}, SECRET_KEY, "HS256")))
    # Expired.
    expired = {**claims, "iat": now - 7200, "exp": now - 3600}
    _assert_refused(_get_user(live_server, jwt.encode(expired, SECRET_KEY, "HS256")))
    # alg: none.
    unsigned = f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(claims)}."
    _assert_refused(_get_user(live_server, unsigned))
    # The genuine article works.
    assert _get_user(live_server, jwt.encode(claims, SECRET_KEY, "HS256")).status_code == 200


def test_forged_oidc_tokens(live_server: LiveServer, oidc_issuer: OIDCIssuer) -> None:
    email = f"{unique('oidc')}@example.com"
    # A key from another issuer (same kid space, never published).
    stranger = SigningKey()
    stranger.kid = oidc_issuer.keys[0].kid
    _assert_refused(_get_user(live_server, oidc_issuer.token(email, key=stranger)))
    # Wrong issuer claim.
    _assert_refused(_get_user(live_server, oidc_issuer.token(email, issuer="http://127.0.0.1:9/realms/evil")))
    # Wrong audience.
    _assert_refused(_get_user(live_server, oidc_issuer.token(email, audience="other-app")))
    # Expired.
    _assert_refused(_get_user(live_server, oidc_issuer.token(email, expires_in=-120)))
    # alg: none with the issuer's claims.
    genuine = jwt.decode(oidc_issuer.token(email), options={"verify_signature": False})
    unsigned = f"{_b64({'alg': 'none', 'typ': 'JWT', 'kid': oidc_issuer.keys[0].kid})}.{_b64(genuine)}."
    _assert_refused(_get_user(live_server, unsigned))
    # HS256 signed with the public key as a secret (algorithm confusion).
    public_pem = oidc_issuer.keys[0].jwk()["n"]
    confused = jwt.encode(genuine, public_pem, "HS256", headers={"kid": oidc_issuer.keys[0].kid})
    _assert_refused(_get_user(live_server, confused))
    # None of these created the user.
    admin_check = httpx.get(
        f"{live_server.url}/v1/user", headers={"Authorization": f"Bearer {oidc_issuer.token(email)}"}, timeout=10
    )
    assert admin_check.json()["email"] == email  # first valid token creates them now


def test_oidc_roles_projects_and_key_rotation(live_server: LiveServer, oidc_issuer: OIDCIssuer) -> None:
    email = f"{unique('kc')}@example.com"
    team, lead = unique("team"), unique("lead")
    token = oidc_issuer.token(email, roles=["developer"], applications=f"{team},{lead}", applications_admin=[lead])
    me = _get_user(live_server, token).json()
    assert me["email"] == email and me["is_admin"] is False
    assert {team, lead, email} <= set(me["applications"])
    assert me["applications_admin"] == [lead]
    # Unknown projects named in the token now exist, and the user sees them.
    detail = httpx.get(
        f"{live_server.url}/v1/projects/{team}", headers={"Authorization": f"Bearer {token}"}, timeout=10
    )
    assert detail.status_code == 200
    # A new signing key published in the JWKS is fetched on the unknown kid.
    new_key = oidc_issuer.rotate()
    admin_email = f"{unique('kcadmin')}@example.com"
    rotated = oidc_issuer.token(admin_email, roles=["admin"], key=new_key)
    # Forced JWKS refreshes are rate-limited (and an unknown kid is then remembered): wait until the server
    # may refetch. The margin covers the server reading the answer after it was served.
    wait_until(
        lambda: time.monotonic() - oidc_issuer.jwks_served_at > MIN_REFRESH_INTERVAL + 0.2,
        timeout=10,
        what="the JWKS refresh interval to pass",
    )
    assert _get_user(live_server, rotated).json()["is_admin"] is True


def test_logout_revokes_token(live_server: LiveServer, make_user: Callable[..., TestUser]) -> None:
    user = make_user()
    login = httpx.post(
        f"{live_server.url}/v1/local-auth/login", json={"email": user.email, "password": user.password}, timeout=10
    )
    token = login.json()["access_token"]
    assert _get_user(live_server, token).status_code == 200
    out = httpx.post(f"{live_server.url}/v1/local-auth/logout", headers={"Authorization": f"Bearer {token}"})
    assert out.json() == {"message": "Logged out successfully"}
    _assert_refused(_get_user(live_server, token))


def test_change_password(live_server: LiveServer, make_user: Callable[..., TestUser]) -> None:
    user = make_user()
    headers = {"Authorization": f"Bearer {user.client.token}"}
    wrong = httpx.post(
        f"{live_server.url}/v1/local-auth/change-password",
        headers=headers,
        json={"current_password": "nope-nope", "new_password": "brand-new-password"},
    )
    assert wrong.status_code == 401
    # Tokens carry whole seconds and the change invalidates tokens issued in a second before it.
    issued_at = jwt.decode(user.client.token, options={"verify_signature": False})["iat"]
    wait_until(lambda: int(time.time()) > issued_at, timeout=5, what="the clock to pass the token's second")
    changed = httpx.post(
        f"{live_server.url}/v1/local-auth/change-password",
        headers=headers,
        json={"current_password": user.password, "new_password": "brand-new-password"},
    )
    assert changed.status_code == 200, changed.text
    assert _get_user(live_server, changed.json()["access_token"]).status_code == 200
    _assert_refused(_get_user(live_server, user.client.token))
    old_login = httpx.post(
        f"{live_server.url}/v1/local-auth/login", json={"email": user.email, "password": user.password}
    )
    assert old_login.status_code == 401
    assert old_login.json()["error"]["message"] == "Invalid email or password"


@pytest.mark.parametrize("password", ["wrong-password", ""])
def test_login_failures_are_uniform(live_server: LiveServer, password: str) -> None:
    response = httpx.post(
        f"{live_server.url}/v1/local-auth/login", json={"email": "nobody@example.com", "password": password or "x"}
    )
    assert response.status_code == 401
    assert response.json()["error"]["message"] == "Invalid email or password"
