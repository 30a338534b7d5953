"""The chart's MCP Connect Deployment: the command line it runs starts, and its probes' paths answer."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx

from tests.deploy.chart import RELEASE, ROOT, workloads
from tests.mcp.support import CODEMILL, running_bridge, stdio_body


def _deployment() -> dict[str, Any]:
    return next(w for w in workloads("values-production.yaml") if w["metadata"]["name"] == f"{RELEASE}-mcp-connect")


def test_the_production_chart_runs_mcp_connect_with_probes_that_answer(artifacts_dir: Path) -> None:
    entrypoint = re.search(r'ENTRYPOINT \["([^"]+)"\]', (ROOT / "Dockerfile").read_text())
    assert entrypoint and entrypoint.group(1) == "codemill"
    container = _deployment()["spec"]["template"]["spec"]["containers"][0]
    args: list[str] = container["args"]
    assert args[0] == "mcp-connect"
    port_at = args.index("--port") + 1
    assert args[port_at] == str(container["ports"][0]["containerPort"])
    env = {e["name"]: e for e in container["env"]}
    assert env["CODEMILL_MCP_CONNECT__TOKEN"]["valueFrom"]["secretKeyRef"]["name"] == "codemill-mcp-connect"
    probes = [container["readinessProbe"], container["livenessProbe"]]
    assert all(p["httpGet"]["port"] == "http" for p in probes)

    # The image's entrypoint with the chart's arguments (on a free port instead of the pod's).
    command = [str(CODEMILL), *args[:port_at], "{port}", *args[port_at + 1 :]]
    with running_bridge(artifacts_dir / "logs" / "mcp-connect-chart.log", command=command) as bridge:
        for probe in probes:
            assert httpx.get(f"{bridge.url}{probe['httpGet']['path']}", timeout=5).status_code == 200
        time_tools = bridge.post(stdio_body("tools/list") | {"args": ["-m", "codemill.mcp.servers.time"]})
        assert time_tools.status_code == 200, time_tools.text
        assert "current_time" in {t["name"] for t in time_tools.json()["tools"]}
