"""Fixtures for integrations: real targets to check credentials against, and helpers."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import botocore.session
import httpx
import pytest
from moto.server import ThreadedMotoServer

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


@dataclass
class AwsSts:
    """moto's STS (it verifies SigV4 signatures against the IAM user it holds)."""

    endpoint: str
    access_key_id: str
    secret_access_key: str


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


@pytest.fixture(scope="session")
def aws_sts() -> Iterator[AwsSts]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    iam = botocore.session.get_session().create_client(
        "iam",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="AKIAIOSFODNN7EXAMPLE",
        aws_secret_access_key="bootstrap-only",
    )
    iam.create_user(UserName="codemill-check")
    key = iam.create_access_key(UserName="codemill-check")["AccessKey"]
    # From now on moto verifies every request's signature against the keys it knows.
    httpx.post(f"{endpoint}/moto-api/reset-auth", content=b"0").raise_for_status()
    yield AwsSts(endpoint, key["AccessKeyId"], key["SecretAccessKey"])
    server.stop()
