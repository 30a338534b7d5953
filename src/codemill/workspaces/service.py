"""Workspace rules: who owns one, which paths are allowed, size and count limits, and script runs.

A script runs in the code sandbox (never in the API process) with the workspace's files as its working
directory; the files it leaves come back within the same limits (others are skipped with a warning).
Paths under `.codemill/` are reserved: the sandbox's tool channel lives there.
"""

from __future__ import annotations

import base64
import fnmatch
import hashlib
import mimetypes
import posixpath
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

from codemill.auth import policy
from codemill.auth.principal import Principal
from codemill.errors import BadRequest, PayloadTooLarge
from codemill.models import Workspace, WorkspaceFile
from codemill.models.base import utcnow
from codemill.sandbox.channel import CHANNEL_DIR, ToolChannel
from codemill.sandbox.runner import Sandbox
from codemill.settings import WorkspaceSettings
from codemill.workspaces import repository
from codemill.workspaces.schemas import WorkspaceFileContentOut, WorkspaceFileItemOut, WorkspaceOut

RESERVED = (CHANNEL_DIR,)
MAX_PATH = 512


def clean_path(raw: str, field_name: str = "file_path") -> str:
    """A workspace-relative path (no absolute path, no `..`, not reserved), normalised."""
    text = raw.replace("\\", "/").strip()
    path = posixpath.normpath(text) if text else ""
    if not text or text.startswith("/") or path in (".", "") or path.startswith("../") or path == "..":
        raise BadRequest(
            f"{field_name}: '{raw}' is not a workspace-relative file path",
            details={"field": field_name},
            help="Use a relative path such as 'src/report.py' (no leading '/', no '..').",
        )
    if len(path) > MAX_PATH or "\x00" in path:
        raise BadRequest(f"{field_name}: the path is too long or invalid", details={"field": field_name})
    if any(path == r or path.startswith(f"{r}/") for r in RESERVED):
        raise BadRequest(
            f"{field_name}: '{path}' is reserved",
            details={"field": field_name, "reserved": list(RESERVED)},
            help="Paths under .codemill/ belong to the sandbox; choose another path.",
        )
    return path


def workspace_out(workspace: Workspace) -> WorkspaceOut:
    """The API shape of a workspace."""
    return WorkspaceOut(
        id=workspace.id,
        conversation_id=workspace.conversation_id,
        user_id=workspace.user_id,
        name=workspace.name,
        status=workspace.status,
    )


def item_out(item: WorkspaceFile) -> WorkspaceFileItemOut:
    """The API shape of a listed file."""
    return WorkspaceFileItemOut(
        path=item.path, mime_type=item.mime_type, checksum=item.checksum, size=item.size, version=item.version
    )


def content_out(item: WorkspaceFile) -> WorkspaceFileContentOut:
    """A file with its content: UTF-8 text as is, anything else in base64."""
    base = item_out(item).model_dump()
    try:
        return WorkspaceFileContentOut(**base, content=item.content.decode("utf-8"), content_encoding="utf-8")
    except UnicodeDecodeError:
        encoded = base64.b64encode(item.content).decode()
        return WorkspaceFileContentOut(**base, is_binary=True, content=encoded, content_encoding="base64")


async def create(session: AsyncSession, principal: Principal, conversation_id: str, name: str | None) -> Workspace:
    """The conversation's workspace, made now when it has none (the caller must own the conversation)."""
    existing = await repository.by_conversation(session, conversation_id)
    if existing is not None:
        policy.ensure_workspace_owned(principal, existing.user_id)
        return existing
    owner = await repository.conversation_owner(session, conversation_id)
    if owner is not None:
        policy.ensure_conversation_owned(principal, owner)
    made = await repository.add(session, conversation_id, principal.user_id, name)
    policy.ensure_workspace_owned(principal, made.user_id)
    return made


async def owned(session: AsyncSession, principal: Principal, workspace_id: str) -> Workspace:
    """A workspace the caller owns (404 otherwise)."""
    found = await repository.by_id(session, workspace_id)
    policy.ensure_workspace_owned(principal, found.user_id if found is not None else None)
    assert found is not None
    return found


async def of_conversation(session: AsyncSession, principal: Principal, conversation_id: str) -> Workspace:
    """The workspace of a conversation the caller owns (400 when it has none)."""
    found = await repository.by_conversation(session, conversation_id)
    if found is None:
        raise BadRequest(
            f"Conversation {conversation_id} has no workspace",
            details={"conversation_id": conversation_id},
            help="Create it with POST /v1/workspaces.",
        )
    policy.ensure_workspace_owned(principal, found.user_id)
    return found


async def list_files(session: AsyncSession, workspace: Workspace, glob: str | None = None) -> list[WorkspaceFile]:
    """The workspace's files, optionally those whose path matches a glob."""
    found = await repository.files(session, workspace.id)
    return [f for f in found if glob is None or fnmatch.fnmatchcase(f.path, glob)]


async def read_file(session: AsyncSession, workspace: Workspace, raw_path: str) -> WorkspaceFile:
    """One file (400 when it is not there, as CodeMie answers)."""
    path = clean_path(raw_path)
    found = await repository.file(session, workspace.id, path)
    if found is None:
        raise BadRequest(f"file_path: no file '{path}' in this workspace", details={"field": "file_path"})
    return found


async def write_file(
    session: AsyncSession, limits: WorkspaceSettings, workspace: Workspace, raw_path: str, content: bytes
) -> WorkspaceFile:
    """Create or overwrite a file within the size and count limits."""
    path = clean_path(raw_path)
    present = await repository.files(session, workspace.id)
    problem = limit_problem(limits, present, path, len(content))
    if problem is not None:
        raise PayloadTooLarge(f"file_path: {problem}", details={"field": "file_path", "path": path})
    return await _store(session, workspace, present, path, content)


def limit_problem(limits: WorkspaceSettings, present: list[WorkspaceFile], path: str, size: int) -> str | None:
    """Why a file of this size cannot be stored at this path (None: it can)."""
    if size > limits.max_file_bytes:
        return f"'{path}' is {size} bytes; a workspace file may have at most {limits.max_file_bytes}"
    others = [f for f in present if f.path != path]
    if len(others) >= limits.max_files:
        return f"a workspace holds at most {limits.max_files} files"
    total = sum(f.size for f in others) + size
    if total > limits.max_total_bytes:
        return f"a workspace holds at most {limits.max_total_bytes} bytes in all"
    return None


async def _store(
    session: AsyncSession, workspace: Workspace, present: list[WorkspaceFile], path: str, content: bytes
) -> WorkspaceFile:
    checksum = hashlib.sha256(content).hexdigest()
    mime = mimetypes.guess_type(path)[0] or "text/plain"
    existing = next((f for f in present if f.path == path), None)
    if existing is not None:
        if existing.checksum != checksum:
            existing.content, existing.checksum, existing.size = content, checksum, len(content)
            existing.version += 1
            existing.updated_at = utcnow()
            await session.flush()
        return existing
    item = WorkspaceFile(
        workspace_id=workspace.id, path=path, content=content, mime_type=mime, checksum=checksum, size=len(content)
    )
    item.version = 1
    present.append(item)
    return await repository.put_file(session, item)


async def delete_file(session: AsyncSession, workspace: Workspace, raw_path: str) -> bool:
    """Delete a file; whether one was there."""
    return await repository.delete_file(session, workspace.id, clean_path(raw_path))


@dataclass(slots=True)
class ScriptRun:
    """A script's run as the API reports it."""

    message: str
    output: str
    files: list[WorkspaceFile] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


async def execute(
    session: AsyncSession,
    limits: WorkspaceSettings,
    sandbox: Sandbox,
    workspace: Workspace,
    raw_script: str,
    channel: ToolChannel,
    export_files: list[str] | None = None,
) -> ScriptRun:
    """Run a workspace script in the sandbox and keep the files it leaves (within the limits)."""
    script = clean_path(raw_script, "script_path")
    present = await repository.files(session, workspace.id)
    if not any(f.path == script for f in present):
        raise BadRequest(f"script_path: no file '{script}' in this workspace", details={"field": "script_path"})
    before = {f.path: f.content for f in present}
    result = await sandbox.run(script, before, channel=channel)
    warnings = [f"Skipped '{path}': past the sandbox's collection limits." for path in result.skipped]
    for path, content in sorted(result.files.items()):
        if before.get(path) == content:
            continue
        try:
            clean = clean_path(path)
        except BadRequest:
            warnings.append(f"Skipped '{path}': reserved or invalid path.")
            continue
        problem = limit_problem(limits, present, clean, len(content))
        if problem is not None:
            warnings.append(f"Skipped '{path}': {problem}.")
            continue
        await _store(session, workspace, present, clean, content)
    for path in before:
        if path not in result.files and path not in result.skipped:
            await repository.delete_file(session, workspace.id, path)
    for name in export_files or []:
        if name not in result.files:
            warnings.append(f"Export '{name}': the script left no such file.")
    output = result.stdout + (f"\n{result.stderr}" if result.stderr else "")
    if result.limit:
        message = f"Script stopped by the sandbox: {result.limit}"
    else:
        message = "Script executed successfully" if result.ok else f"Script failed with exit code {result.exit_code}"
    return ScriptRun(message, output, await repository.files(session, workspace.id), warnings)
