"""The chart's contract with the code: every Codemill container's command exists, every CODEMILL_* variable
the chart sets is a setting, a misspelt one stops the server, and the probes ask paths that answer."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from codemill.doctor.__main__ import parser as doctor_parser
from codemill.doctor.run import select
from codemill.mcp.bridge.app import create_bridge_app
from codemill.settings import Settings, setting_variables
from tests.deploy.chart import PROFILES, profile_values, workloads
from tests.support.server import LiveServer

CODEMILL = str(Path(sys.executable).parent / "codemill")
IMAGE = "ghcr.io/codemill/codemill"


def codemill_containers(profile: str) -> list[tuple[str, dict[str, Any]]]:
    """(workload/container, container) of every container running the Codemill image (init containers too)."""
    repository = profile_values(profile).get("image", {}).get("repository", IMAGE)
    found = []
    for workload in workloads(profile):
        spec = workload["spec"]["template"]["spec"]
        for container in [*spec.get("initContainers", []), *spec["containers"]]:
            if container["image"].split("@")[0].rsplit(":", 1)[0] == repository:
                found.append((f"{workload['metadata']['name']}/{container['name']}", container))
    return found


def probes(container: dict[str, Any]) -> list[dict[str, Any]]:
    return [container[k] for k in ("startupProbe", "readinessProbe", "livenessProbe") if k in container]


def test_codemill_runs_in_the_main_components() -> None:
    names = {where.split("/")[0] for where, _ in codemill_containers("values-production.yaml")}
    for component in ("api", "worker", "migrations", "nats-callout", "mcp-connect"):
        assert f"codemill-{component}" in names


@pytest.mark.parametrize("profile", PROFILES)
def test_every_codemill_command_line_exists(profile: str) -> None:
    """The exact arguments of the render, with --help: argparse refuses an unknown command or option."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CODEMILL_")}
    for where, container in codemill_containers(profile):
        if "command" in container:  # only the UI's init container copies files: not a Codemill command
            assert container["command"][0] != "codemill", where
            continue
        args = tuple(container.get("args", ["serve", "--host", "0.0.0.0", "--port", "8080"]))  # the image's CMD
        if args not in _HELP:  # several Deployments run the same command line: ask once
            _HELP[args] = subprocess.run(
                [CODEMILL, *args, "--help"], capture_output=True, text=True, env=env, timeout=120
            )
        result = _HELP[args]
        assert result.returncode == 0, f"{where}: codemill {' '.join(args)}: {result.stderr[-2000:]}"
        assert f"codemill {args[0]}" in result.stdout, where


_HELP: dict[tuple[str, ...], subprocess.CompletedProcess[str]] = {}


@pytest.mark.parametrize("profile", PROFILES)
def test_every_codemill_variable_is_a_setting(profile: str) -> None:
    known = setting_variables()
    for where, container in codemill_containers(profile):
        names = {e["name"] for e in container.get("env", []) if e["name"].startswith("CODEMILL_")}
        assert names - known == set(), f"{where} sets variables no setting reads"


@pytest.mark.parametrize("profile", PROFILES)
def test_plain_values_parse_as_settings(profile: str, tmp_path: Path) -> None:
    """The literal values the chart renders validate (a list must be JSON, a bool a bool...)."""
    for where, container in codemill_containers(profile):
        values = {e["name"]: e["value"] for e in container.get("env", []) if "value" in e}
        env = {k: v for k, v in values.items() if k.startswith("CODEMILL_")}
        env["CODEMILL_DATA_DIR"] = str(tmp_path)
        saved = dict(os.environ)
        try:
            os.environ.update(env)
            Settings(_env_file=None)  # type: ignore[call-arg]
        except Exception as exc:  # pragma: no cover - the assertion message is the point
            pytest.fail(f"{where}: {exc}")
        finally:
            os.environ.clear()
            os.environ.update(saved)


def test_an_unknown_variable_stops_serve_naming_it(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CODEMILL_")}
    env |= {"CODEMILL_DATA_DIR": str(tmp_path), "CODEMILL_MERMAID__ULR": "http://mermaid:3000"}
    result = subprocess.run([CODEMILL, "serve", "--port", "1"], capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 2
    assert "CODEMILL_MERMAID__ULR" in result.stderr
    assert not (tmp_path / "postgres").exists()  # refused before anything started


@pytest.mark.parametrize("profile", PROFILES)
def test_doctor_probes_name_real_checks(profile: str) -> None:
    for where, container in codemill_containers(profile):
        for probe in probes(container):
            command = probe.get("exec", {}).get("command")
            if not command:
                continue
            assert command[:3] == ["python", "-m", "codemill.doctor"], where
            args = doctor_parser().parse_args(command[3:])
            assert select(args.only.split(",")), where


def http_probes(profile: str, component: str) -> set[str]:
    paths = set()
    for where, container in codemill_containers(profile):
        if where.startswith(f"codemill-{component}/"):
            paths |= {p["httpGet"]["path"] for p in probes(container) if "httpGet" in p}
    return paths


@pytest.mark.parametrize("profile", PROFILES)
def test_api_probes_and_scrape_path_answer_on_a_running_server(profile: str, live_server: LiveServer) -> None:
    paths = http_probes(profile, "api")
    api = next(w for w in workloads(profile) if w["metadata"]["name"] == "codemill-api")
    annotations = api["spec"]["template"]["metadata"].get("annotations", {})
    if annotations.get("prometheus.io/scrape") == "true":
        paths.add(annotations["prometheus.io/path"])
    assert paths
    with httpx.Client(base_url=live_server.url, timeout=30) as client:
        for path in sorted(paths):
            assert client.get(path).status_code == 200, path


def test_mcp_connect_probes_answer(tmp_path: Path) -> None:
    paths = http_probes("values-production.yaml", "mcp-connect")
    assert paths
    settings = Settings(_env_file=None, data_dir=tmp_path)  # type: ignore[call-arg]
    with TestClient(create_bridge_app(settings)) as client:
        for path in sorted(paths):
            assert client.get(path).status_code == 200, path
