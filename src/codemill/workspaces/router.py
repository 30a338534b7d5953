"""/v1/workspaces as the CodeMie SDK's workspace service calls it."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from codemill.auth.dependencies import AppSettings, CurrentPrincipal, Session
from codemill.sandbox.channel import ChannelRefusal, ToolChannel
from codemill.workspaces import service
from codemill.workspaces.dependencies import AppSandbox
from codemill.workspaces.schemas import (
    WorkspaceCreate,
    WorkspaceDeleteFileOut,
    WorkspaceExecute,
    WorkspaceExecuteOut,
    WorkspaceFileContentOut,
    WorkspaceFileItemOut,
    WorkspaceFileWrite,
    WorkspaceOut,
)

router = APIRouter(prefix="/v1/workspaces", tags=["workspaces"])

FilePath = Annotated[str, Query(min_length=1, max_length=512)]
NO_CONTEXT = (
    "Tool calls need an assistant's context: this script was run directly (POST /v1/workspaces/{id}/execute), "
    "so it may call no tool. Run it through an assistant's workspace_run_script tool."
)


async def _refuse_every_tool(name: str, args: dict[str, Any]) -> str:
    raise ChannelRefusal(NO_CONTEXT)


@router.post("", response_model=WorkspaceOut)
async def create_workspace(body: WorkspaceCreate, session: Session, principal: CurrentPrincipal) -> WorkspaceOut:
    """The conversation's workspace (made now, or the existing one)."""
    return service.workspace_out(await service.create(session, principal, body.conversation_id, body.name))


@router.get("/conversations/{conversation_id}", response_model=WorkspaceOut)
async def get_by_conversation(conversation_id: str, session: Session, principal: CurrentPrincipal) -> WorkspaceOut:
    """The workspace of a conversation (400 when it has none)."""
    return service.workspace_out(await service.of_conversation(session, principal, conversation_id))


@router.get("/{workspace_id}/files", response_model=list[WorkspaceFileItemOut])
async def list_files(
    workspace_id: str,
    session: Session,
    principal: CurrentPrincipal,
    glob: Annotated[str | None, Query(max_length=512)] = None,
) -> list[WorkspaceFileItemOut]:
    """The workspace's files (optionally matching a glob)."""
    workspace = await service.owned(session, principal, workspace_id)
    return [service.item_out(f) for f in await service.list_files(session, workspace, glob)]


@router.put("/{workspace_id}/files", response_model=WorkspaceFileItemOut)
async def write_file(
    workspace_id: str, body: WorkspaceFileWrite, session: Session, principal: CurrentPrincipal, settings: AppSettings
) -> WorkspaceFileItemOut:
    """Create or overwrite a text file."""
    workspace = await service.owned(session, principal, workspace_id)
    item = await service.write_file(session, settings.workspaces, workspace, body.file_path, body.content.encode())
    return service.item_out(item)


@router.get("/{workspace_id}/files/content", response_model=WorkspaceFileContentOut)
async def read_file(
    workspace_id: str, file_path: FilePath, session: Session, principal: CurrentPrincipal
) -> WorkspaceFileContentOut:
    """A file with its content (400 when it is not there)."""
    workspace = await service.owned(session, principal, workspace_id)
    return service.content_out(await service.read_file(session, workspace, file_path))


@router.delete("/{workspace_id}/files", response_model=WorkspaceDeleteFileOut)
async def delete_file(
    workspace_id: str, file_path: FilePath, session: Session, principal: CurrentPrincipal
) -> WorkspaceDeleteFileOut:
    """Delete a file."""
    workspace = await service.owned(session, principal, workspace_id)
    deleted = await service.delete_file(session, workspace, file_path)
    return WorkspaceDeleteFileOut(message="File deleted" if deleted else "No such file", deleted=deleted)


@router.post("/{workspace_id}/execute", response_model=WorkspaceExecuteOut)
async def execute(
    workspace_id: str,
    body: WorkspaceExecute,
    session: Session,
    principal: CurrentPrincipal,
    settings: AppSettings,
    sandbox: AppSandbox,
) -> WorkspaceExecuteOut:
    """Run a Python script of the workspace in the sandbox; with no assistant behind it, it may call no tool."""
    workspace = await service.owned(session, principal, workspace_id)
    run = await service.execute(
        session,
        settings.workspaces,
        sandbox,
        workspace,
        body.script_path,
        ToolChannel(_refuse_every_tool),
        body.export_files,
    )
    return WorkspaceExecuteOut(
        message=run.message,
        output=run.output,
        workspace_files=[service.item_out(f) for f in run.files],
        warnings=run.warnings,
    )
