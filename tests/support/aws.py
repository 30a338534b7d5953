"""moto in server mode: a real AWS API on loopback, one per test process.

moto keeps its state (and whether it checks signatures) per process, so every test that talks to AWS shares
this one server and its IAM user: once `reset-auth` is on, a second server with made-up keys would be refused.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

import botocore.session
import httpx
import pytest
from moto.server import ThreadedMotoServer


@dataclass
class AwsSts:
    """moto's endpoint and an IAM user's keys (moto verifies SigV4 signatures against the users it holds)."""

    endpoint: str
    access_key_id: str
    secret_access_key: str

    @property
    def keys(self) -> dict[str, str]:
        return {"aws_access_key_id": self.access_key_id, "aws_secret_access_key": self.secret_access_key}


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
    everything = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
    iam.put_user_policy(UserName="codemill-check", PolicyName="all", PolicyDocument=json.dumps(everything))
    key = iam.create_access_key(UserName="codemill-check")["AccessKey"]
    # From now on moto verifies every request's signature against the keys it knows.
    httpx.post(f"{endpoint}/moto-api/reset-auth", content=b"0").raise_for_status()
    yield AwsSts(endpoint, key["AccessKeyId"], key["SecretAccessKey"])
    server.stop()
