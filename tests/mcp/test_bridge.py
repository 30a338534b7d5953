"""`codemill mcp-connect` as users run it: CodeMie's bridge bodies over stdio, streamable HTTP and SSE."""

from __future__ import annotations

import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.mcp.support import Bridge, WorkbenchHTTP, call_body, running_bridge, stdio_body


@pytest.fixture(scope="module")
def bridge(artifacts_dir: Path) -> Iterator[Bridge]:
    with running_bridge(
        artifacts_dir / "logs" / "mcp-bridge.log", call_timeout_seconds="4", max_output_chars="1000"
    ) as running:
        yield running


@pytest.fixture(scope="module")
def http_workbench() -> Iterator[WorkbenchHTTP]:
    server = WorkbenchHTTP("streamable-http")
    yield server
    server.close()


@pytest.fixture(scope="module")
def sse_workbench() -> Iterator[WorkbenchHTTP]:
    server = WorkbenchHTTP("sse")
    yield server
    server.close()


def _pid(text: str) -> str:
    found = re.search(r"pid (\d+)", text)
    assert found, text
    return found.group(1)


def test_health_answers_and_the_bridge_wants_its_token(bridge: Bridge) -> None:
    assert bridge.post(stdio_body("tools/list"), token="wrong").status_code == 401
    refused = bridge.post(stdio_body("tools/list"), token="")
    assert refused.status_code == 401 and "Bearer" in refused.json()["error"]


def test_a_stdio_server_lists_and_calls_its_tools_and_stays_warm(bridge: Bridge) -> None:
    listed = bridge.post(stdio_body("tools/list"))
    assert listed.status_code == 200, listed.text
    tools = {t["name"]: t for t in listed.json()["tools"]}
    assert {"count_words", "env_fingerprint", "crash", "nap"} <= set(tools)
    assert tools["count_words"]["inputSchema"]["properties"]["text"]["type"] == "string"

    first = bridge.post(call_body("count_words", {"text": "one two three"}))
    assert first.status_code == 200, first.text
    assert first.json()["isError"] is False
    text = first.json()["content"][0]["text"]
    assert text.startswith("'one two three' has 3 words")
    second = bridge.post(call_body("count_words", {"text": "again"})).json()["content"][0]["text"]
    assert _pid(second) == _pid(text)  # the same warm process served both calls
    single = bridge.post(call_body("count_words", {"text": "alone"}, single_usage=True)).json()
    assert _pid(single["content"][0]["text"]) != _pid(text)  # single usage: a process of its own

    # The bridge's own /metrics: its requests timed by MCP method and status, for Prometheus.
    scraped = httpx.get(f"{bridge.url}/metrics", timeout=10)
    assert scraped.status_code == 200 and scraped.headers["content-type"].startswith("text/plain")
    counts = {
        (sample.labels["method"], sample.labels["status"]): sample.value
        for family in text_string_to_metric_families(scraped.text)
        for sample in family.samples
        if sample.name == "codemill_mcp_bridge_request_duration_seconds_count"
    }
    assert counts[("tools/call", "200")] >= 3 and counts[("tools/list", "200")] >= 1, counts


def test_a_command_outside_the_allow_list_is_refused_clearly(bridge: Bridge) -> None:
    for path, args in (("bash", ["-c", "id"]), ("python", ["-c", "print(1)"]), ("/usr/bin/npx", ["x"])):
        refused = bridge.post({"method": "tools/list", "serverPath": path, "args": args, "params": {}})
        assert refused.status_code == 403, refused.text
        message = refused.json()["error"]
        assert f"The command '{path}' is not on the MCP Connect allow-list" in message
        assert "CODEMILL_MCP_CONNECT__ALLOWED_COMMANDS" in message


def test_a_crashing_server_is_an_error_and_the_next_call_starts_it_again(bridge: Bridge) -> None:
    before = _pid(bridge.post(call_body("count_words", {"text": "a"})).json()["content"][0]["text"])
    crashed = bridge.post(call_body("crash", {}))
    assert crashed.status_code == 502, crashed.text
    assert "closed the connection" in crashed.json()["error"]
    after = bridge.post(call_body("count_words", {"text": "b"}))
    assert after.status_code == 200, after.text
    assert _pid(after.json()["content"][0]["text"]) != before


def test_a_slow_call_times_out_and_a_tool_failure_is_is_error(bridge: Bridge) -> None:
    slow = bridge.post(call_body("nap", {"seconds": 30}))
    assert slow.status_code == 504 and "did not answer in 4s" in slow.json()["error"]
    failed = bridge.post(call_body("fail", {"reason": "the disk is full"}))
    assert failed.status_code == 200
    assert failed.json()["isError"] is True and "the disk is full" in failed.json()["content"][0]["text"]
    unknown = bridge.post(call_body("no_such_tool", {}))
    assert unknown.status_code == 200 and unknown.json()["isError"] is True


def test_output_is_cut_at_the_limit_with_a_note(bridge: Bridge) -> None:
    content = bridge.post(call_body("shout", {"chars": 5000})).json()["content"]
    assert content[0]["text"] == "x" * 1000
    assert content[-1]["text"].strip() == "[output truncated: 1000 of 5000 characters]"


def test_env_reaches_the_server_and_is_never_logged_or_echoed(bridge: Bridge) -> None:
    secret = "s3cret-value-that-must-not-leak"
    answer = bridge.post(call_body("env_fingerprint", {"name": "API_TOKEN"}, env={"API_TOKEN": secret}))
    assert answer.status_code == 200, answer.text
    assert answer.json()["content"][0]["text"].startswith("API_TOKEN fingerprint ")
    assert secret not in answer.text
    refused = bridge.post({"method": "tools/list", "serverPath": "bash", "args": [], "env": {"T": secret}})
    assert secret not in refused.text
    assert secret not in bridge.log()


def test_streamable_http_and_sse_servers(
    bridge: Bridge, http_workbench: WorkbenchHTTP, sse_workbench: WorkbenchHTTP
) -> None:
    for endpoint, transport in ((http_workbench.endpoint, "streamable-http"), (sse_workbench.endpoint, None)):
        base = {"serverPath": endpoint, "args": [], "http_transport_type": transport}
        listed = bridge.post({**base, "method": "tools/list", "params": {}})
        assert listed.status_code == 200, listed.text
        assert "count_words" in {t["name"] for t in listed.json()["tools"]}
        called = bridge.post(
            {**base, "method": "tools/call", "params": {"name": "count_words", "arguments": {"text": "x y"}}}
        )
        assert called.status_code == 200, called.text
        assert called.json()["content"][0]["text"].startswith("'x y' has 2 words")


def test_concurrent_calls_share_one_server_and_none_is_lost(bridge: Bridge) -> None:
    with ThreadPoolExecutor(20) as pool:
        answers = list(pool.map(lambda i: bridge.post(call_body("count_words", {"text": f"w{i} v"})), range(60)))
    assert all(a.status_code == 200 for a in answers), [a.text for a in answers if a.status_code != 200][:2]
    texts = [a.json()["content"][0]["text"] for a in answers]
    assert sorted(t.split("'")[1] for t in texts) == sorted(f"w{i} v" for i in range(60))
    assert len({_pid(t) for t in texts}) == 1
