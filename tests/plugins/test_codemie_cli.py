"""End to end with the real `codemie-plugins` CLI from PyPI, its development toolkit confined to a tmp dir."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from codemill.plugins import NatsCredentials, PluginClient, PluginGone
from tests.support.waiting import wait_until_async

from .conftest import PluginKey, running_cli, wait_for_tools

pytestmark = pytest.mark.slow

READ = "_read_file_from_file_system"
LIST = "_list_files_in_directory"


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """The directory the plugin may touch, with a secret beside it that it may not."""
    (tmp_path / "outside-secret.txt").write_text("top secret")
    repo = tmp_path / "workspace"
    (repo / "src").mkdir(parents=True)
    (repo / "README.md").write_text("# Hello from the plugin\n")
    (repo / "src" / "main.py").write_text("print('hi')\n")
    home = tmp_path / "home"
    home.mkdir()
    return repo


@pytest.fixture
def cli_plugin(
    plugins_cli: Path, nats_credentials: NatsCredentials, plugin_key: PluginKey, workspace: Path
) -> Iterator[subprocess.Popen[bytes]]:
    with running_cli(plugins_cli, nats_credentials.url, plugin_key.key, workspace, workspace.parent / "home") as cli:
        yield cli


async def test_the_cli_lists_a_directory_and_reads_a_file(
    cli_plugin: subprocess.Popen[bytes], plugin_client: PluginClient, plugin_key: PluginKey
):
    tools = await wait_for_tools(plugin_client, plugin_key.key, "workspace")

    by_name = {t.name: t for t in tools}
    assert {READ, LIST} <= by_name.keys()
    assert by_name[READ].args_schema["properties"]["file_path"]["type"] == "string"
    assert "read file" in by_name[READ].description.lower()

    listing = await plugin_client.call_tool(plugin_key.key, "workspace", LIST, {"dir_path": "."}, timeout=30)
    readme = await plugin_client.call_tool(plugin_key.key, "workspace", READ, {"file_path": "README.md"}, timeout=30)
    nested = await plugin_client.call_tool(plugin_key.key, "workspace", READ, {"file_path": "src/main.py"}, timeout=30)
    escape = await plugin_client.call_tool(
        plugin_key.key, "workspace", READ, {"file_path": "../outside-secret.txt"}, timeout=30
    )

    assert sorted(listing.splitlines()) == ["README.md", "src"]
    assert readme == "# Hello from the plugin\n"
    assert nested == "print('hi')\n"
    assert "top secret" not in escape and "Access denied" in escape


async def test_a_killed_cli_fails_the_running_call_before_its_timeout(
    cli_plugin: subprocess.Popen[bytes], plugin_client: PluginClient, plugin_key: PluginKey, workspace: Path
):
    await wait_for_tools(plugin_client, plugin_key.key, "workspace")
    command = {"command": "touch started && sleep 60"}  # runs until the CLI is killed under it
    call = asyncio.create_task(
        plugin_client.call_tool(plugin_key.key, "workspace", "_run_command_line_tool", command, timeout=45)
    )
    await wait_until_async(
        lambda: (workspace / "started").exists() or call.done(),
        timeout=20,
        what="the command running on the plugin's side",
    )
    assert not call.done()
    os.killpg(cli_plugin.pid, signal.SIGKILL)
    with pytest.raises(PluginGone, match="'_run_command_line_tool' of plugin 'workspace'"):
        await call
