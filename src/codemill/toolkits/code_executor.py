"""Data Management toolkit: CodeMie's `code_executor` tool, Python run in the code sandbox.

The code never runs in the API process: codemill.sandbox starts a separate process in its own
namespaces (no network, the data directory hidden) under CPU, memory, time and file limits. No client
library: the sandbox is Codemill's own (standard library only). Running code counts as a write, so it
waits for the user's approval unless the assistant runs its tools unattended.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from codemill.errors import CodemillError
from codemill.sandbox.runner import Sandbox, SandboxResult
from codemill.toolkits.base import Binding, cut
from codemill.tools.base import ToolContext, ToolError

SCRIPT = "main.py"
CODE_EXECUTOR_DESCRIPTION = (
    "Execute Python code in an isolated sandbox (no network, CPU, memory and time limits) for calculations, "
    "data analysis or file processing, and get back its stdout, stderr and exit code. Print what you need to see. "
    "List files the code creates in export_files to have their names and sizes reported."
)
_PARAMETERS: dict[str, Any] = {
    "type": "object",
    "properties": {
        "code": {"type": "string", "description": "The Python code to run"},
        "export_files": {
            "type": "array",
            "items": {"type": "string"},
            "description": "Paths of files the code creates, to report",
        },
    },
    "required": ["code"],
}


def sandbox_of(ctx: ToolContext) -> Sandbox:
    """The process's sandbox."""
    found = ctx.sandbox
    if found is None:
        raise ToolError("The code sandbox is not available in this process.")
    return found


def report(result: SandboxResult, exported: list[str] | None = None) -> str:
    """The run as text for the model: the limit it hit first, then exit code, output and files."""
    parts = []
    if result.limit:
        parts.append(f"Stopped by the sandbox: {result.limit}.")
    parts.append(f"Exit code: {result.exit_code}")
    if result.stdout:
        parts.append(f"stdout:\n{result.stdout.rstrip()}")
    if result.stderr:
        parts.append(f"stderr:\n{result.stderr.rstrip()}")
    for name in exported or []:
        content = result.files.get(name)
        parts.append(f"File '{name}': {len(content)} bytes" if content is not None else f"File '{name}': not created")
    return cut("\n".join(parts))


@dataclass(slots=True)
class CodeExecutorTool:
    """CodeMie's `code_executor` tool."""

    binding: Binding
    name: str = "code_executor"
    label: str = "Code Executor"
    description: str = CODE_EXECUTOR_DESCRIPTION
    parameters: dict[str, Any] = field(default_factory=lambda: _PARAMETERS)
    writes: bool = True

    async def run(self, args: dict[str, Any], ctx: ToolContext) -> str:
        """Run the code in the sandbox; a limit hit or a failure is reported in the output."""
        code = args.get("code")
        if not isinstance(code, str) or not code.strip():
            raise ToolError("The argument 'code' is required.")
        exported = [str(p) for p in args.get("export_files") or [] if isinstance(p, str)]
        try:
            result = await sandbox_of(ctx).run(SCRIPT, {SCRIPT: code.encode()})
        except CodemillError as exc:
            raise ToolError(exc.message) from exc
        return report(result, exported)


def code_executor_tool(binding: Binding) -> CodeExecutorTool:
    """The `code_executor` tool bound to an assistant."""
    return CodeExecutorTool(binding)
