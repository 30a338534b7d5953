"""The Workspace toolkit: an assistant lists, reads, writes, edits and greps the files of its
conversation's workspace, and runs a workspace script in the code sandbox.

A script's tool calls (through the sandbox's tool channel) are bounded by the assistant's own tools
for this turn (bound by `bind_peers`); a call that would wait for the user's approval is refused (a
script cannot wait), and so is any call when the script runs without an assistant behind it.
"""

from __future__ import annotations

import asyncio
import re
import time
from dataclasses import dataclass, field
from typing import Any

from codemill.errors import CodemillError
from codemill.models import Assistant, Workspace, WorkspaceFile
from codemill.sandbox.channel import ChannelRefusal, ToolChannel
from codemill.settings import Settings
from codemill.tools.audit import audit_tool_call
from codemill.tools.base import Tool, ToolContext, ToolError, writes
from codemill.workspaces import service

TOOLKIT = "Workspace"
MAX_GREP_MATCHES = 200
MAX_READ_CHARS = 50_000
_PATH = {"type": "string", "description": "Workspace-relative file path"}
_GLOB = {"type": "string", "description": "Only files whose path matches this glob (e.g. src/*.py)"}


def _settings(ctx: ToolContext) -> Settings:
    settings = ctx.settings
    if settings is None:
        raise ToolError("Workspaces are not available in this process.")
    return settings


async def _workspace(session: Any, ctx: ToolContext) -> Workspace:
    # A chat's workspace belongs to its conversation; a workflow's to its execution.
    key = ctx.conversation_id or ctx.extra.get("workflow_execution_id")
    if not key:
        raise ToolError("Workspace tools need a conversation or a workflow execution (there is none here).")
    return await service.create(session, ctx.principal, str(key), None)


async def _files(ctx: ToolContext, glob: str | None) -> list[WorkspaceFile]:
    """The workspace's files, those matching `glob` when there is one (list and grep)."""
    async with ctx.sessions() as session, session.begin():
        return await service.list_files(session, await _workspace(session, ctx), glob)


def _text(content: bytes, path: str) -> str:
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ToolError(f"'{path}' is not a text file.") from exc


@dataclass(slots=True)
class ListFiles:
    """workspace_list_files."""

    name: str = "workspace_list_files"
    description: str = "List the files of this conversation's workspace (path and size), optionally matching a glob."
    parameters: dict[str, Any] = field(default_factory=lambda: {"type": "object", "properties": {"glob": _GLOB}})

    async def run(self, args: dict[str, Any], ctx: ToolContext) -> str:
        """Paths and sizes, one per line."""
        found = await _files(ctx, args.get("glob") or None)
        return "\n".join(f"{f.path} ({f.size} bytes)" for f in found) or "The workspace is empty."


@dataclass(slots=True)
class ReadFile:
    """workspace_read_file."""

    name: str = "workspace_read_file"
    description: str = "Read a text file of this conversation's workspace."
    parameters: dict[str, Any] = field(
        default_factory=lambda: {"type": "object", "properties": {"file_path": _PATH}, "required": ["file_path"]}
    )

    async def run(self, args: dict[str, Any], ctx: ToolContext) -> str:
        """The file's text."""
        try:
            async with ctx.sessions() as session, session.begin():
                item = await service.read_file(session, await _workspace(session, ctx), str(args.get("file_path")))
        except CodemillError as exc:
            raise ToolError(exc.message) from exc
        return _text(item.content, item.path)[:MAX_READ_CHARS]


@dataclass(slots=True)
class WriteFile:
    """workspace_write_file."""

    name: str = "workspace_write_file"
    description: str = "Create or overwrite a text file in this conversation's workspace."
    parameters: dict[str, Any] = field(
        default_factory=lambda: {
            "type": "object",
            "properties": {"file_path": _PATH, "content": {"type": "string"}},
            "required": ["file_path", "content"],
        }
    )

    async def run(self, args: dict[str, Any], ctx: ToolContext) -> str:
        """Store the file."""
        limits = _settings(ctx).workspaces
        try:
            async with ctx.sessions() as session, session.begin():
                workspace = await _workspace(session, ctx)
                content = str(args.get("content") or "").encode()
                item = await service.write_file(session, limits, workspace, str(args.get("file_path")), content)
                return f"Wrote {item.path} ({item.size} bytes, version {item.version})."
        except CodemillError as exc:
            raise ToolError(exc.message) from exc


@dataclass(slots=True)
class EditFile:
    """workspace_edit_file."""

    name: str = "workspace_edit_file"
    description: str = "Replace one exact, unique piece of text (old_text) with new_text in a workspace file."
    parameters: dict[str, Any] = field(
        default_factory=lambda: {
            "type": "object",
            "properties": {"file_path": _PATH, "old_text": {"type": "string"}, "new_text": {"type": "string"}},
            "required": ["file_path", "old_text", "new_text"],
        }
    )

    async def run(self, args: dict[str, Any], ctx: ToolContext) -> str:
        """Edit the file in place."""
        limits = _settings(ctx).workspaces
        old, new = str(args.get("old_text") or ""), str(args.get("new_text") or "")
        try:
            async with ctx.sessions() as session, session.begin():
                workspace = await _workspace(session, ctx)
                item = await service.read_file(session, workspace, str(args.get("file_path")))
                text = _text(item.content, item.path)
                count = text.count(old) if old else 0
                if count != 1:
                    raise ToolError(f"old_text must occur exactly once in {item.path}; it occurs {count} times.")
                edited = text.replace(old, new, 1).encode()
                saved = await service.write_file(session, limits, workspace, item.path, edited)
                return f"Edited {saved.path} (version {saved.version})."
        except CodemillError as exc:
            raise ToolError(exc.message) from exc


@dataclass(slots=True)
class Grep:
    """workspace_grep."""

    name: str = "workspace_grep"
    description: str = "Search the workspace's text files for a regular expression; matching lines as path:line: text."
    parameters: dict[str, Any] = field(
        default_factory=lambda: {
            "type": "object",
            "properties": {"pattern": {"type": "string"}, "glob": _GLOB},
            "required": ["pattern"],
        }
    )

    async def run(self, args: dict[str, Any], ctx: ToolContext) -> str:
        """Matching lines (at most 200)."""
        try:
            pattern = re.compile(str(args.get("pattern") or ""))
        except re.error as exc:
            raise ToolError(f"The pattern is not a valid regular expression: {exc}") from exc
        matches: list[str] = []
        for item in await _files(ctx, args.get("glob") or None):
            try:
                lines = item.content.decode("utf-8").splitlines()
            except UnicodeDecodeError:
                continue
            matches += [f"{item.path}:{n}: {line}" for n, line in enumerate(lines, 1) if pattern.search(line)]
        if not matches:
            return "No match."
        cut = f"\n[first {MAX_GREP_MATCHES} of {len(matches)} matches]" if len(matches) > MAX_GREP_MATCHES else ""
        return "\n".join(matches[:MAX_GREP_MATCHES]) + cut


@dataclass(slots=True)
class RunScript:
    """workspace_run_script: a workspace Python script run in the sandbox; it may call the assistant's tools."""

    name: str = "workspace_run_script"
    description: str = (
        "Run a Python script of this conversation's workspace in an isolated sandbox (no network; CPU, memory and "
        "time limits). Files it writes are kept in the workspace. A script may call this assistant's other tools: "
        "`from codemill_tools import call_tool; call_tool('tool_name', arg=value)` returns the tool's text."
    )
    parameters: dict[str, Any] = field(
        default_factory=lambda: {
            "type": "object",
            "properties": {"script_path": _PATH, "export_files": {"type": "array", "items": {"type": "string"}}},
            "required": ["script_path"],
        }
    )
    writes: bool = True
    peers: dict[str, Tool] = field(default_factory=dict)

    def bind_peers(self, tools: dict[str, Tool]) -> None:
        """The assistant's tools this turn: the only ones a script may call (workspace tools excepted)."""
        self.peers = {n: t for n, t in tools.items() if n not in WORKSPACE_TOOL_NAMES}

    async def run(self, args: dict[str, Any], ctx: ToolContext) -> str:
        """Run the script; report its output, the files it changed and any warnings."""
        settings = _settings(ctx)
        sandbox = ctx.sandbox
        if sandbox is None:
            raise ToolError("The code sandbox is not available in this process.")
        channel = ToolChannel(self._handler(ctx, settings))
        try:
            async with ctx.sessions() as session, session.begin():
                workspace = await _workspace(session, ctx)
                run = await service.execute(
                    session,
                    settings.workspaces,
                    sandbox,
                    workspace,
                    str(args.get("script_path")),
                    channel,
                    [str(p) for p in args.get("export_files") or []],
                )
        except CodemillError as exc:
            raise ToolError(exc.message) from exc
        parts = [run.message, run.output.rstrip()]
        parts += [f"Tool call {name}: {'done' if ok else 'refused'}" for name, ok in channel.calls]
        parts += [f"Warning: {w}" for w in run.warnings]
        parts.append("Files: " + ", ".join(f.path for f in run.files))
        return "\n".join(p for p in parts if p)

    def _handler(self, ctx: ToolContext, settings: Settings) -> Any:
        peers = self.peers

        async def handle(name: str, args: dict[str, Any]) -> str:
            tool = peers.get(name)
            if tool is None:
                raise ChannelRefusal(f"The tool {name} is not one of this assistant's tools.")
            if ctx.approvals is not None and ctx.approvals.asks(writes(tool, args)):
                raise ChannelRefusal(
                    f"The tool {name} needs the user's approval for this call, and a script cannot wait for it: "
                    "call it from the chat instead."
                )
            started = time.perf_counter()
            try:
                output = await asyncio.wait_for(tool.run(args, ctx), timeout=settings.llm.tool_timeout_seconds)
            except ToolError as exc:
                audit_tool_call(ctx, name, args, "error", len(exc.message), (time.perf_counter() - started) * 1000)
                raise ChannelRefusal(exc.message) from exc
            audit_tool_call(ctx, name, args, "completed", len(output), (time.perf_counter() - started) * 1000)
            return output

        return handle


WORKSPACE_TOOL_NAMES = (
    "workspace_list_files",
    "workspace_read_file",
    "workspace_write_file",
    "workspace_edit_file",
    "workspace_grep",
    "workspace_run_script",
)


def bind_script_peers(tools: dict[str, Tool]) -> None:
    """Give the turn's tool set to its workspace_run_script: the only tools a script may call."""
    for tool in tools.values():
        if isinstance(tool, RunScript):
            tool.bind_peers(tools)


def _all() -> list[Tool]:
    return [ListFiles(), ReadFile(), WriteFile(), EditFile(), Grep(), RunScript()]


def toolkit_details() -> dict[str, Any]:
    """The Workspace toolkit as /v1/assistants/tools lists it (CodeMie's ToolKitDetails shape)."""
    return {
        "toolkit": TOOLKIT,
        "label": TOOLKIT,
        "description": "Files of the conversation's workspace, and Python scripts run on them in the sandbox.",
        "settings_config": False,
        "is_external": False,
        "tools": [
            {
                "name": t.name,
                "label": t.name.removeprefix("workspace_").replace("_", " ").capitalize(),
                "description": t.description,
                "user_description": t.description,
                "settings_config": False,
            }
            for t in _all()
        ],
    }


async def tools_for(assistant: Assistant, ctx: ToolContext) -> list[Tool]:
    """The workspace tools the assistant enables (an entry naming the toolkit with no tools: all of them)."""
    chosen: list[Tool] = []
    for entry in assistant.toolkits or []:
        if not isinstance(entry, dict):
            continue
        names = [str(t.get("name")) for t in entry.get("tools") or [] if isinstance(t, dict)]
        whole = str(entry.get("toolkit", "")).lower() == TOOLKIT.lower() and not names
        chosen += [t for t in _all() if (whole or t.name in names) and t.name not in {c.name for c in chosen}]
    return chosen
