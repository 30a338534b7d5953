"""Login defences through the API: failed logins are throttled per account and per address (429 with
Retry-After, counted in PostgreSQL so another replica refuses too), an unknown email costs the same argon2
verification as a known one, and passwords meet the policy wherever they are set."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from argon2 import PasswordHasher
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from codemill.auth import passwords
from codemill.auth.cache import AuthCache
from codemill.auth.local_tokens import LocalTokenService
from codemill.auth.service import Authenticator
from codemill.auth.throttle import LoginThrottle
from codemill.bootstrap import generate_admin_password
from codemill.errors import Unauthorized
from codemill.kit.net import free_port
from codemill.settings import Settings
from tests.conftest import ADMIN_EMAIL, TestUser
from tests.support.server import ROOT, LiveServer, start_server
from tests.support.waiting import wait_until

ACCOUNT_LIMIT = 3
ADDRESS_LIMIT = 5


@pytest.fixture(scope="module")
def throttled_server(server_env: dict[str, str], artifacts_dir: Path) -> Iterator[LiveServer]:
    """A second replica on the same database with small limits and a one-second lock-out."""
    server = start_server(
        {
            **server_env,
            "CODEMILL_LOGIN__MAX_FAILURES_PER_ACCOUNT": str(ACCOUNT_LIMIT),
            "CODEMILL_LOGIN__MAX_FAILURES_PER_ADDRESS": str(ADDRESS_LIMIT),
            "CODEMILL_LOGIN__LOCKOUT_SECONDS": "1",
            "CODEMILL_JOBS__IN_PROCESS": "false",
        },
        artifacts_dir / "logs" / "throttled-server.log",
    )
    yield server
    server.stop()


def _client(server: LiveServer, address: str = "127.0.0.1") -> httpx.Client:
    """HTTP from a chosen loopback address (the whole of 127.0.0.0/8 reaches the server)."""
    return httpx.Client(base_url=server.url, transport=httpx.HTTPTransport(local_address=address), timeout=30)


def _login(http: httpx.Client, email: str, password: str) -> httpx.Response:
    return http.post("/v1/local-auth/login", json={"email": email, "password": password})


def _own_address() -> str:
    return f"127.0.{random.randint(1, 254)}.{random.randint(2, 254)}"


def test_an_account_is_locked_out_after_repeated_failures_on_every_replica(
    throttled_server: LiveServer, live_server: LiveServer, make_user: Callable[..., TestUser]
) -> None:
    user = make_user("locked")
    with _client(throttled_server, _own_address()) as http, _client(live_server) as other_replica:
        for _ in range(ACCOUNT_LIMIT):
            assert _login(http, user.email, "wrong-password-guess").status_code == 401
        refused = _login(http, user.email, user.password)  # even the right password, while locked out
        assert refused.status_code == 429, refused.text
        assert 1 <= int(refused.headers["Retry-After"]) <= 1
        assert refused.json()["error"]["details"]["retry_after_seconds"] == int(refused.headers["Retry-After"])
        # The count lives in PostgreSQL: the other replica refuses the account as well.
        assert _login(other_replica, user.email, user.password).status_code == 429

        # After the lock-out, the right password works again (polled; the lock-out is one second).
        def let_in() -> httpx.Response | None:
            answer = _login(http, user.email, user.password)
            return None if answer.status_code == 429 else answer

        response = wait_until(let_in, what="the end of the lock-out")
        assert response.status_code == 200, response.text


def test_an_address_is_locked_out_after_failures_on_many_accounts(throttled_server: LiveServer) -> None:
    address = _own_address()
    with _client(throttled_server, address) as http, _client(throttled_server, _own_address()) as elsewhere:
        for number in range(ADDRESS_LIMIT):
            assert _login(http, f"nobody-{number}@example.com", "wrong-password-guess").status_code == 401
        refused = _login(http, "somebody-else@example.com", "any-password-at-all")
        assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
        # Another address is not affected.
        assert _login(elsewhere, "somebody-else@example.com", "any-password-at-all").status_code == 401


def test_a_successful_login_clears_the_account_count(
    throttled_server: LiveServer, make_user: Callable[..., TestUser]
) -> None:
    user = make_user("clears")
    with _client(throttled_server, _own_address()) as http:
        for _ in range(2):  # 4 failures: below the address limit, above the account's without the clearing
            for _ in range(ACCOUNT_LIMIT - 1):
                assert _login(http, user.email, "wrong-password-guess").status_code == 401
            assert _login(http, user.email, user.password).status_code == 200


async def test_unknown_emails_take_the_same_argon2_path(
    engine: AsyncEngine, live_server: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    verified: list[str] = []

    class Recording(PasswordHasher):
        def verify(self, hash: str | bytes, password: str | bytes) -> Any:
            verified.append(str(hash))
            return super().verify(hash, password)

    monkeypatch.setattr(passwords, "_hasher", Recording())
    settings = Settings(secret_key="s" * 40)
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    authenticator = Authenticator(settings, sessions, AuthCache(), LocalTokenService("s" * 40, "t", 60), None)
    async with sessions() as session:
        with pytest.raises(Unauthorized, match="Invalid email or password"):
            await authenticator.login(session, "no-such-user@example.com", "some-password-guess", "127.9.9.9")
        with pytest.raises(Unauthorized, match="Invalid email or password"):
            await authenticator.login(session, ADMIN_EMAIL, "some-password-guess", "127.9.9.9")
    # One argon2 verification each: against the dummy hash for the unknown email, the real one for the admin.
    assert len(verified) == 2 and all(h.startswith("$argon2id$") for h in verified)
    assert verified[0] == passwords._dummy_hash() != verified[1]


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("short-pass1", "at least 12 characters"),
        ("password1234", "too common"),
        ("Password123456!", "too common"),
        ("abcabcabcabc", "repeated pattern"),
    ],
)
def test_weak_passwords_are_refused_where_they_are_set(
    admin_http: httpx.Client, make_user: Callable[..., TestUser], password: str, reason: str
) -> None:
    created = admin_http.post("/v1/admin/users", json={"email": f"weak-{random.randint(0, 10**9)}@example.com",
                                                       "password": password})  # fmt: skip
    assert created.status_code == 400 and reason in created.json()["error"]["message"], created.text
    assert created.json()["error"]["details"]["field"] == "password"
    user = make_user("weak")
    changed = user.http.post(
        "/v1/local-auth/change-password", json={"current_password": user.password, "new_password": password}
    )
    assert changed.status_code == 400 and reason in changed.json()["error"]["message"], changed.text
    assert changed.json()["error"]["details"]["field"] == "new_password"
    reset = admin_http.put(f"/v1/admin/users/{user.id}/password", json={"new_password": password})
    assert reset.status_code == 400 and reason in reset.json()["error"]["message"], reset.text


def test_a_long_passphrase_is_accepted(admin_http: httpx.Client, live_server: LiveServer) -> None:
    email = f"strong-{random.randint(0, 10**9)}@example.com"
    created = admin_http.post("/v1/admin/users", json={"email": email, "password": "correct horse battery staple"})
    assert created.status_code == 200, created.text
    with _client(live_server) as http:
        assert _login(http, email, "correct horse battery staple").status_code == 200


def test_a_weak_bootstrap_password_stops_the_start(server_env: dict[str, str]) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CODEMILL_")} | server_env
    env |= {"CODEMILL_BOOTSTRAP_ADMIN_EMAIL": "weak-admin@example.com", "CODEMILL_BOOTSTRAP_ADMIN_PASSWORD": "password"}
    done = subprocess.run(
        [sys.executable, "-m", "codemill", "serve", "--port", str(free_port())],
        env=env,
        cwd=ROOT,
        capture_output=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 2, done.stderr[-2000:]
    assert b"error: CODEMILL_BOOTSTRAP_ADMIN_PASSWORD is refused: Password must be at least 12" in done.stderr


def test_the_generated_bootstrap_password_meets_the_policy() -> None:
    policy = passwords.password_policy(Settings().login)
    assert all(policy.problem(generate_admin_password(policy)) is None for _ in range(20))
    assert len(generate_admin_password(passwords.PasswordPolicy(min_length=30))) >= 30


def test_throttle_keys_are_normalised_and_storable() -> None:
    assert LoginThrottle.account_key(" Some\x00One@Example.com ") == "account:someone@example.com"
    assert LoginThrottle.address_key(None) == "address:unknown"
