"""schemathesis against a live server on a throwaway database: zero 5xx, every phase, deterministic.

The fuzzer signs in as an ordinary user (a bearer token), so it reaches the real handlers, not the
401 in front of them. Its figures (operations and cases) are printed and kept under test-artifacts/.
"""

from __future__ import annotations

import re
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from codemill.db.embedded import EmbeddedPostgres
from codemill.db.migrate import upgrade_to_head
from tests.conftest import ADMIN_PASSWORD, USER_PASSWORD
from tests.support.server import LiveServer, start_server

CONFIG = Path(__file__).with_name("schemathesis.toml")
# Not fuzzed, and why: each would end the fuzzer's own session, so every later case would be a 401.
SESSION_ENDING = ["/v1/local-auth/logout", "/v1/local-auth/change-password"]


@pytest.fixture(scope="module")
def throwaway_server(
    postgres: EmbeddedPostgres,
    server_env: dict[str, str],
    artifacts_dir: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[LiveServer]:
    """A server of its own on a database of its own: whatever the fuzzer writes goes with it."""
    url = postgres.create_database(f"codemill_fuzz_{uuid.uuid4().hex[:8]}")
    upgrade_to_head(url)
    env = {**server_env, "CODEMILL_DATABASE_URL": url, "CODEMILL_DATA_DIR": str(tmp_path_factory.mktemp("fuzz"))}
    server = start_server(env, artifacts_dir / "logs" / "schemathesis-server.log")
    yield server
    server.stop()


def _token(server: LiveServer, email: str, password: str) -> str:
    response = httpx.post(f"{server.url}/v1/local-auth/login", json={"email": email, "password": password})
    response.raise_for_status()
    return str(response.json()["access_token"])


@pytest.mark.timeout(900)
def test_no_operation_answers_5xx(throwaway_server: LiveServer, artifacts_dir: Path) -> None:
    admin = _token(throwaway_server, throwaway_server.env["CODEMILL_BOOTSTRAP_ADMIN_EMAIL"], ADMIN_PASSWORD)
    email = f"fuzz-{uuid.uuid4().hex[:8]}@example.com"
    httpx.post(
        f"{throwaway_server.url}/v1/admin/users",
        json={"email": email, "password": USER_PASSWORD},
        headers={"Authorization": f"Bearer {admin}"},
    ).raise_for_status()
    user = _token(throwaway_server, email, USER_PASSWORD)
    reports = artifacts_dir / "schemathesis"
    command = [
        str(Path(sys.executable).with_name("st")),
        "--config-file",
        str(CONFIG),
        "run",
        f"{throwaway_server.url}/openapi.json",
        "--header",
        f"Authorization: Bearer {user}",
        "--checks",
        "not_a_server_error",
        "--phases",
        "examples,coverage,fuzzing,stateful",
        "--report",
        "junit",
        "--report-dir",
        str(reports),
        "--no-color",
        *(arg for path in SESSION_ENDING for arg in ("--exclude-path", path)),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=840, check=False, cwd=artifacts_dir)
    output = done.stdout + done.stderr
    (artifacts_dir / "schemathesis.log").write_text(output)
    tested = re.search(r"Tested:\s+(\d+)", output)
    cases = re.search(r"(\d+) generated", output)
    print(f"schemathesis: {tested.group(1) if tested else '?'} operations, {cases.group(1) if cases else '?'} cases")
    assert done.returncode == 0, output[-6000:]
    assert tested is not None and int(tested.group(1)) > 90, output[-3000:]
    assert cases is not None and int(cases.group(1)) > 1000
    assert "Stateful" in output and "Server error" not in output
    # The server stayed well: every request got an answer, and it still does.
    assert httpx.get(f"{throwaway_server.url}/v1/healthcheck").status_code == 200
