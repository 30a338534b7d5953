"""Mermaid through the CodeMie SDK (the live server's local Chromium renderer), `codemill mermaid` as the
Mermaid server the API and the doctor use, and the assistants' diagram tool."""

from __future__ import annotations

import base64
import os
import socket
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
import requests
from codemie_sdk import CodeMieClient

from codemill.diagrams.encoding import decode, encode
from codemill.diagrams.local import LocalMermaid
from codemill.diagrams.renderer import DiagramError, DiagramFormat
from codemill.diagrams.server_client import MermaidServer
from codemill.doctor.http_checks import check_mermaid
from codemill.doctor.report import Status
from codemill.settings import MermaidSettings, Settings
from codemill.toolkits.catalogue import toolkit_details
from codemill.toolkits.diagrams import MermaidDiagram
from codemill.tools.base import ToolContext, ToolError

FLOW = "graph TD\n  A[Request] --> B{Cached?}\n  B -->|yes| C[Answer]\n  B -->|no| D[Render]"
BROKEN = "graph TD; A-->"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def test_sdk_renders_svg_and_png_raw(admin_client: CodeMieClient) -> None:
    svg = admin_client.mermaid.generate_diagram(FLOW, content_type="svg", response_type="raw")
    assert isinstance(svg, bytes) and svg.lstrip().startswith(b"<svg")
    assert b"Request" in svg and b"Cached?" in svg  # Mermaid laid out our labels
    png = admin_client.mermaid.generate_diagram(FLOW, content_type="png", response_type="raw")
    assert isinstance(png, bytes) and png.startswith(PNG_MAGIC)


def test_sdk_file_mode_answers_a_url_holding_the_image(admin_client: CodeMieClient) -> None:
    result = admin_client.mermaid.generate_diagram(FLOW, content_type="png", response_type="file")
    prefix = "data:image/png;base64,"
    assert not isinstance(result, bytes) and result.file_url.startswith(prefix)
    assert base64.b64decode(result.file_url.removeprefix(prefix)).startswith(PNG_MAGIC)


def test_sdk_invalid_source_is_a_422_with_mermaids_message(admin_client: CodeMieClient) -> None:
    with pytest.raises(requests.HTTPError) as caught:
        admin_client.mermaid.generate_diagram(BROKEN, content_type="svg", response_type="raw")
    response = caught.value.response
    assert response is not None and response.status_code == 422
    assert "Parse error" in str(response.json()["error"]["details"])


def test_encoding_round_trips_both_forms() -> None:
    assert decode(encode(FLOW)) == FLOW
    assert decode(base64.urlsafe_b64encode(FLOW.encode()).decode().rstrip("=")) == FLOW


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


@pytest.fixture(scope="module")
def mermaid_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`codemill mermaid` as the chart's Mermaid component would run it."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CODEMILL_")}
    log = (tmp_path_factory.mktemp("mermaid") / "mermaid.log").open("w")
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "codemill"), "mermaid", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client() as client:
            for _ in range(600):  # until it answers, or exits (then the assert names it)
                assert process.poll() is None, "codemill mermaid exited"
                try:
                    if client.get(url + "/health", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    try:
                        process.wait(timeout=0.2)  # returns early only if the process dies
                    except subprocess.TimeoutExpired:
                        pass
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


async def test_the_api_renders_through_a_mermaid_server(mermaid_server: str) -> None:
    server = MermaidServer(mermaid_server, timeout_seconds=60)
    try:
        svg = await server.render(FLOW, DiagramFormat.SVG)
        assert svg.lstrip().startswith(b"<svg") and b"Render" in svg
        assert (await server.render(FLOW, DiagramFormat.PNG)).startswith(PNG_MAGIC)
        with pytest.raises(DiagramError) as caught:
            await server.render(BROKEN, DiagramFormat.SVG)
        assert "Parse error" in str(caught.value.details)
    finally:
        await server.aclose()


async def test_doctor_renders_a_diagram_at_the_configured_server(mermaid_server: str, tmp_path: Path) -> None:
    settings = Settings(_env_file=None, data_dir=tmp_path, mermaid={"url": mermaid_server})  # type: ignore[call-arg, arg-type]
    async with httpx.AsyncClient(timeout=60) as client:
        result = await check_mermaid(settings, client)
        assert result.status is Status.OK, result
        wrong = Settings(_env_file=None, data_dir=tmp_path, mermaid={"url": mermaid_server + "/nothing"})  # type: ignore[call-arg, arg-type]
        failed = await check_mermaid(wrong, client)
    assert failed.status is Status.FAILED and "CODEMILL_MERMAID__URL" in failed.fix


@pytest.fixture
async def local_renderer() -> AsyncIterator[LocalMermaid]:
    renderer = LocalMermaid(MermaidSettings())
    yield renderer
    await renderer.aclose()


def tool_context(renderer: Any) -> ToolContext:
    return ToolContext(
        principal=None,  # type: ignore[arg-type]  # the diagram tool reads no principal
        project=None,
        assistant_id=None,
        conversation_id=None,
        sessions=None,  # type: ignore[arg-type]
        http=None,  # type: ignore[arg-type]
        resources=SimpleNamespace(mermaid=renderer),
    )


async def test_diagram_tool_checks_the_source_by_rendering_it(local_renderer: LocalMermaid) -> None:
    tool = MermaidDiagram()
    answer = await tool.run({"code": FLOW}, tool_context(local_renderer))
    assert "```mermaid\n" + FLOW in answer and "bytes of SVG" in answer
    with pytest.raises(ToolError) as caught:
        await tool.run({"code": BROKEN}, tool_context(local_renderer))
    assert "Parse error" in caught.value.message


def test_diagram_tool_is_listed_among_the_toolkits() -> None:
    kits = {kit["toolkit"]: kit for kit in toolkit_details()}
    assert [tool["name"] for tool in kits["Diagrams"]["tools"]] == ["mermaid_diagram"]
