"""Typed dependencies of the workspace routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from codemill.sandbox.runner import Sandbox


async def app_sandbox(request: Request) -> Sandbox:
    """The process's code sandbox."""
    sandbox: Sandbox = request.app.state.resources.sandbox
    return sandbox


AppSandbox = Annotated[Sandbox, Depends(app_sandbox)]
