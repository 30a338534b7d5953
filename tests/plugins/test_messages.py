"""Our protobuf codec against the CLI's own generated module: same bytes both ways."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from codemill.plugins.messages import (
    Handler,
    LangChainTool,
    MessageError,
    ServiceMeta,
    ServiceRequest,
    ServiceResponse,
    run_request,
)

# Run inside the CLI's venv: parse what we encoded, encode what it would send.
_CLI_SIDE = """
import json, sys
import codemie.generated.proto.v1.service_pb2 as pb
ours = bytes.fromhex(sys.argv[1])
request = pb.ServiceRequest()
request.ParseFromString(ours)
theirs = pb.ServiceRequest()
theirs.meta.subject = "k.s.lab._t"
theirs.meta.handler = pb.Handler.RUN
theirs.puppet_request.lc_tool.name = "_t"
theirs.puppet_request.lc_tool.query = '{"a": "é"}'
ok = pb.ServiceResponse()
ok.meta.subject = "k.s.lab._t"
ok.meta.handler = pb.Handler.RUN
ok.puppet_response.lc_tool.result = ""
failed = pb.ServiceResponse()
failed.puppet_response.lc_tool.error = "Tool '_t' got error: boom"
print(json.dumps({
    "subject": request.meta.subject,
    "run": request.meta.handler == pb.Handler.RUN,
    "query": request.puppet_request.lc_tool.query,
    "request": theirs.SerializeToString().hex(),
    "ok": ok.SerializeToString().hex(),
    "failed": failed.SerializeToString().hex(),
}))
"""


@pytest.fixture(scope="module")
def cli_side(plugins_cli: Path) -> dict[str, object]:
    python = plugins_cli.parent / "python"
    ours = run_request("k.s.lab._t", "_t", '{"a": "é"}')
    done = subprocess.run([str(python), "-c", _CLI_SIDE, ours.hex()], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout)
    return result


def test_the_cli_parses_our_run_request(cli_side: dict[str, object]):
    assert cli_side["subject"] == "k.s.lab._t"
    assert cli_side["run"] is True
    assert cli_side["query"] == '{"a": "é"}'


def test_we_encode_the_same_bytes_as_the_cli(cli_side: dict[str, object]):
    assert run_request("k.s.lab._t", "_t", '{"a": "é"}').hex() == cli_side["request"]


def test_we_read_the_clis_replies(cli_side: dict[str, object]):
    ok = ServiceResponse.decode(bytes.fromhex(str(cli_side["ok"])))
    assert ok.tool is not None and ok.tool.result == "" and ok.error is None
    assert ok.meta == ServiceMeta(subject="k.s.lab._t", handler=Handler.RUN)
    failed = ServiceResponse.decode(bytes.fromhex(str(cli_side["failed"])))
    assert failed.tool is not None and failed.tool.error == "Tool '_t' got error: boom"
    assert failed.tool.result is None


def test_round_trip_and_unknown_fields():
    response = ServiceResponse(meta=ServiceMeta("a.b.c.d", Handler.RUN), tool=LangChainTool(result="x" * 300))
    assert ServiceResponse.decode(response.encode()) == response
    assert ServiceResponse.decode(ServiceResponse(error="nope").encode()).error == "nope"
    # Field 9 (varint) and field 10 (bytes) from a newer plugin are skipped.
    assert ServiceRequest.decode(run_request("s", "t", "{}") + b"\x48\x01\x52\x02hi").tool == LangChainTool(
        name="t", query="{}"
    )


@pytest.mark.parametrize("junk", [b"\x0a\x05ab", b"\x80", b"\x0b"])
def test_truncated_or_foreign_bytes_are_rejected(junk: bytes):
    with pytest.raises(MessageError):
        ServiceResponse.decode(junk)
