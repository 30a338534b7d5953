"""OpenTelemetry traces, when an OTLP endpoint is configured: a chat turn with a tool call reaches the
collector as one trace, an agent run with its model calls and its tool call as children. (The HTTP server
here stands in for an outside OpenTelemetry collector; the spans are the SDK's real OTLP/HTTP export.)"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, USER_PASSWORD, TestUser, sdk_client, unique
from tests.conversations.support import UTILITIES, chat, new_assistant
from tests.support.server import LiveServer, start_server


class Collector(ThreadingHTTPServer):
    """Keeps every span posted to /v1/traces."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.spans: list[Any] = []
        self.arrived = threading.Condition()


class _Handler(BaseHTTPRequestHandler):
    server: Collector

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        export = ExportTraceServiceRequest.FromString(body)
        with self.server.arrived:
            for resource in export.resource_spans:
                for scope in resource.scope_spans:
                    self.server.spans.extend(scope.spans)
            self.server.arrived.notify_all()
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *_args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def collector() -> Iterator[Collector]:
    server = Collector()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()


@pytest.fixture(scope="module")
def traced(server_env: dict[str, str], artifacts_dir: Path, collector: Collector) -> Iterator[LiveServer]:
    env = {
        **server_env,
        "CODEMILL_OBSERVABILITY__OTLP_ENDPOINT": f"http://127.0.0.1:{collector.server_address[1]}",
        "OTEL_BSP_SCHEDULE_DELAY": "100",  # export within 0.1 s instead of 5 s
    }
    server = start_server(env, artifacts_dir / "logs" / "traced-server.log")
    yield server
    server.stop()


def test_a_chat_turn_is_one_trace_of_agent_model_and_tool_spans(traced: LiveServer, collector: Collector) -> None:
    admin = sdk_client(traced, ADMIN_EMAIL, ADMIN_PASSWORD)
    email = f"{unique('traced')}@example.com"
    detail = admin.admin.create_local_user(email=email, username=email, password=USER_PASSWORD)
    client = sdk_client(traced, email, USER_PASSWORD)
    with httpx.Client(base_url=traced.url, headers={"Authorization": f"Bearer {client.token}"}) as http:
        user = TestUser(detail.id, email, USER_PASSWORD, client, http)
        assistant_id = new_assistant(user, project=email, toolkits=[UTILITIES])
        chat(user, assistant_id, "calculate 6*7")

    def complete() -> bool:
        names = [s.name for s in collector.spans]
        return "agent.run" in names and names.count("llm.call") >= 2 and "tool.call" in names

    with collector.arrived:
        assert collector.arrived.wait_for(complete, timeout=30), [s.name for s in collector.spans]
    run = next(s for s in collector.spans if s.name == "agent.run")
    children = [s for s in collector.spans if s.trace_id == run.trace_id and s.parent_span_id == run.span_id]
    assert sorted(s.name for s in children) == ["llm.call", "llm.call", "tool.call"]
    tool = next(s for s in children if s.name == "tool.call")
    attributes = {a.key: a.value.string_value for a in tool.attributes}
    assert attributes["gen_ai.tool.name"] == "calculator" and attributes["codemill.tool.outcome"] == "completed"
    model = {a.key: a.value for a in next(s for s in children if s.name == "llm.call").attributes}
    assert model["gen_ai.request.model"].string_value == "mock"
    assert model["gen_ai.usage.input_tokens"].int_value > 0
