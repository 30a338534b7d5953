"""Fixtures for integrations: real targets to check credentials against, and helpers."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.integrations.targets import atlassian_app, git_http_app, make_repository, serve


@dataclass
class GitServer:
    """A repository served over HTTP by git http-backend, behind basic auth."""

    base_url: str
    repo_url: str
    token: str
    requests: list[dict[str, str]] = field(default_factory=list)


@dataclass
class Atlassian:
    url: str
    token: str
    username: str


@pytest.fixture(scope="session")
def git_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GitServer]:
    root: Path = tmp_path_factory.mktemp("git-repos")
    make_repository(root, "demo.git")
    token = "ghp_" + secrets.token_hex(16)
    seen: list[dict[str, str]] = []
    with serve(git_http_app(root, token, seen)) as url:
        yield GitServer(url, f"{url}/demo.git", token, seen)


@pytest.fixture(scope="session")
def atlassian() -> Iterator[Atlassian]:
    token = "atl_" + secrets.token_hex(16)
    with serve(atlassian_app(token)) as url:
        yield Atlassian(url, token, "jane@example.com")
