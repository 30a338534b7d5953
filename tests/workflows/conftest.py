"""A server of their own for the execution tests: its own job queue, workers in-process, a slow mock LLM
(so that a run can be watched, paused and aborted while a state is running)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import USER_PASSWORD, TestUser, sdk_client
from tests.support.server import LiveServer, start_server
from tests.workflows.support import Runner


def workflow_env(server_env: dict[str, str], token_delay_ms: int) -> dict[str, str]:
    """Settings for a workflow server: a queue no other server takes jobs from."""
    return {
        **server_env,
        "CODEMILL_JOBS__IN_PROCESS": "true",
        "CODEMILL_JOBS__QUEUE": f"workflows-{uuid.uuid4().hex[:6]}",
        "CODEMILL_JOBS__CONCURRENCY": "4",
        "CODEMILL_JOBS__POLLING_SECONDS": "0.2",
        "CODEMILL_JOBS__HEARTBEAT_SECONDS": "1",
        "CODEMILL_JOBS__STALLED_AFTER_SECONDS": "3",
        "CODEMILL_WORKFLOWS__POLL_SECONDS": "0.1",
        "CODEMILL_LLM__MOCK_TOKEN_DELAY_MS": str(token_delay_ms),
    }


@pytest.fixture(scope="module")
def workflow_server(server_env: dict[str, str], artifacts_dir: Path) -> Iterator[LiveServer]:
    server = start_server(workflow_env(server_env, 15), artifacts_dir / "logs" / "workflow-server.log")
    yield server
    server.stop()


@pytest.fixture
def runner(workflow_server: LiveServer, make_user: Callable[..., TestUser]) -> Callable[[str], Runner]:
    """A user of the workflow server, with helpers to run workflows."""

    def make(prefix: str) -> Runner:
        user = make_user(prefix)
        return Runner(sdk_client(workflow_server, user.email, USER_PASSWORD), user.email, workflow_server.url)

    return make
