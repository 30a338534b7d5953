"""The Tool seam: what a tool is, what it is given when it runs, and how it reports a failure."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from codemill.auth.principal import Principal
from codemill.diagrams.renderer import MermaidRenderer
from codemill.kit.outbound import OutboundClient
from codemill.llm.gateway import LLMGateway
from codemill.sandbox.runner import Sandbox
from codemill.settings import Settings
from codemill.tools.approval import ToolApprovals


class ToolError(Exception):
    """A failure the model (and the user) should see, e.g. bad arguments or a refused request."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ToolResources(Protocol):
    """What every tool may use of the process's Resources (a chat turn's and a workflow run's offer it).

    Tools sit below the layer that defines Resources, so they see it through this protocol.
    """

    settings: Settings
    sessions: async_sessionmaker[AsyncSession]
    http: httpx.AsyncClient
    llm: LLMGateway


@dataclass(slots=True)
class ToolContext:
    """What a tool may use while it runs. Tools open their own short sessions when they need the database."""

    principal: Principal
    project: str | None
    assistant_id: str | None
    conversation_id: str | None
    sessions: async_sessionmaker[AsyncSession]
    http: httpx.AsyncClient
    # The process's Resources, as tools see them (None: a context built without a process, in tests).
    resources: ToolResources | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    # The assistant's approval policy and the user's decisions this turn (None: nothing waits).
    approvals: ToolApprovals | None = None

    # The services below are found on the full process's Resources only (a test's context may lack them).

    @property
    def settings(self) -> Settings | None:
        """The process's settings."""
        found = getattr(self.resources, "settings", None)
        return found if isinstance(found, Settings) else None

    @property
    def outbound(self) -> OutboundClient | None:
        """The guarded outbound HTTP client (private networks refused unless the settings allow them)."""
        found = getattr(self.resources, "outbound", None)
        return found if isinstance(found, OutboundClient) else None

    @property
    def sandbox(self) -> Sandbox | None:
        """The code sandbox."""
        found = getattr(self.resources, "sandbox", None)
        return found if isinstance(found, Sandbox) else None

    @property
    def mermaid(self) -> MermaidRenderer | None:
        """The Mermaid renderer (a Mermaid server's client, or the local renderer)."""
        found = getattr(self.resources, "mermaid", None)
        return found if isinstance(found, MermaidRenderer) else None


@runtime_checkable
class Tool(Protocol):
    """A callable capability offered to the model. `parameters` is a JSON schema of the arguments."""

    name: str
    description: str
    parameters: dict[str, Any]

    async def run(self, args: dict[str, Any], ctx: ToolContext) -> str:
        """Do the work; return text for the model, or raise ToolError."""
        ...


def writes(tool: Tool, args: dict[str, Any]) -> bool:
    """Whether this call changes something outside (it then waits for approval under the default policy).

    A tool declares `writes = True`, or `writes_for(args)` when it depends on the call (a generic
    API tool: GET reads, POST writes).
    """
    judge = getattr(tool, "writes_for", None)
    if callable(judge):
        return bool(judge(args))
    return bool(getattr(tool, "writes", False))
