"""The `AWS` tool against moto in server mode (a real AWS API implementation on loopback), through
chats on a live server: reads run, writes are refused unless the integration allows them."""

from __future__ import annotations

import json
from collections.abc import Callable

import botocore.session
import pytest
from codemie_sdk.models.integration import CredentialTypes

from tests.conftest import TestUser
from tests.plugins.scripted_model import ScriptedModelServer
from tests.support.aws import AwsSts
from tests.support.server import LiveServer

from .live import chat, create_assistant, create_integration, ended_thoughts, server_http

KEYS: dict[str, str] = {}


@pytest.fixture
def moto_endpoint(aws_sts: AwsSts) -> str:
    KEYS.update(aws_sts.keys)  # moto checks signatures once any test in this process turned that on
    return aws_sts.endpoint


def _client(service: str, endpoint: str) -> object:
    return botocore.session.get_session().create_client(service, endpoint_url=endpoint, region_name="us-east-1", **KEYS)


def _integration(user: TestUser, endpoint: str, **extra: str) -> str:
    return create_integration(
        user, CredentialTypes.AWS, aws_region="us-east-1", aws_endpoint_url=endpoint, **KEYS, **extra
    )


def test_reads_run_and_writes_are_refused_on_a_read_only_integration(
    make_user: Callable[..., TestUser],
    scripted_server: LiveServer,
    scripted: ScriptedModelServer,
    moto_endpoint: str,
) -> None:
    s3 = _client("s3", moto_endpoint)
    s3.create_bucket(Bucket="toolkit-reports")  # type: ignore[attr-defined]
    user = make_user("aws-reader")
    integration_id = _integration(user, moto_endpoint)
    scripted.script.plan = [
        ("AWS", {"service": "s3", "method_name": "list_buckets"}),
        ("AWS", {"service": "s3", "method_name": "create_bucket", "method_arguments": '{"Bucket": "sneaky"}'}),
        ("AWS", {"service": "s3", "method_name": "get_no_such_thing"}),
    ]
    with server_http(scripted_server.url, user) as http:
        assistant_id = create_assistant(
            user, http, "Cloud", ["AWS"], integration_id, policy="auto_approve", credential_type="AWS"
        )
        lines = chat(http, assistant_id, f"aws-{user.id[:8]}", "Which buckets exist?")
    listed, refused, unknown = ended_thoughts(lines)
    assert listed["error"] is False
    assert "toolkit-reports" in [b["Name"] for b in json.loads(listed["message"])["Buckets"]]
    assert refused["error"] is True and "read-only" in refused["message"]
    assert unknown["error"] is True and "no operation" in unknown["message"]
    names = [b["Name"] for b in s3.list_buckets()["Buckets"]]  # type: ignore[attr-defined]
    assert "sneaky" not in names


def test_writes_run_when_the_integration_allows_them(
    make_user: Callable[..., TestUser],
    scripted_server: LiveServer,
    scripted: ScriptedModelServer,
    moto_endpoint: str,
) -> None:
    user = make_user("aws-writer")
    integration_id = _integration(user, moto_endpoint, allow_writes="true")
    scripted.script.plan = [
        ("AWS", {"service": "sqs", "method_name": "create_queue", "method_arguments": '{"QueueName": "toolkit-jobs"}'}),
        ("AWS", {"service": "sqs", "method_name": "list_queues"}),
    ]
    with server_http(scripted_server.url, user) as http:
        assistant_id = create_assistant(
            user, http, "Cloud", ["AWS"], integration_id, policy="auto_approve", credential_type="AWS"
        )
        lines = chat(http, assistant_id, f"awsw-{user.id[:8]}", "Create the jobs queue")
    created, listed = ended_thoughts(lines)
    assert created["error"] is False and "toolkit-jobs" in json.loads(created["message"])["QueueUrl"]
    assert any("toolkit-jobs" in url for url in json.loads(listed["message"])["QueueUrls"])
    queues = _client("sqs", moto_endpoint).list_queues()["QueueUrls"]  # type: ignore[attr-defined]
    assert any(q.endswith("/toolkit-jobs") for q in queues)
