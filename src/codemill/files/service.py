"""Files' rules: what an upload may be, who may download a file, and which files a chat carries."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from codemill.auth import policy
from codemill.auth.principal import Principal
from codemill.errors import BadRequest, PayloadTooLarge
from codemill.files import repository, sharing
from codemill.files.kinds import UnsupportedFile, accepted_extensions, kind_of
from codemill.files.store import STORE
from codemill.models import StoredFile
from codemill.settings import FilesSettings

MAX_NAME_CHARS = 255


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file a chat carries, with its bytes."""

    id: str
    name: str
    mime_type: str
    content: bytes


def clean_name(name: str | None) -> str:
    """The file's base name (no directories, no control characters), at most 255 characters."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(ch for ch in base if ch.isprintable()).strip()
    if not cleaned or cleaned in (".", ".."):
        raise BadRequest("Invalid file", details="The uploaded file has no name.", help="Send the file with its name.")
    if len(cleaned) > MAX_NAME_CHARS:
        stem, dot, ext = cleaned.rpartition(".")
        cleaned = stem[: MAX_NAME_CHARS - len(ext) - 1] + dot + ext if dot else cleaned[:MAX_NAME_CHARS]
    return cleaned


def check(name: str, content: bytes, limits: FilesSettings) -> str:
    """The MIME type of an acceptable upload; 413 when too large, 400 when of a refused kind."""
    if len(content) > limits.max_file_bytes:
        raise PayloadTooLarge(
            f"The uploaded file '{name}' is too large.",
            details={"file_name": name, "size": len(content), "limit": limits.max_file_bytes},
            help=f"Files up to {limits.max_file_bytes} bytes are accepted.",
        )
    try:
        return kind_of(name, content).mime_type
    except UnsupportedFile as exc:
        raise BadRequest(
            "Invalid file",
            details=f"The uploaded file '{name}' is invalid: {exc}.",
            help="Accepted: " + ", ".join(f".{e}" for e in accepted_extensions()) + ".",
        ) from None


async def upload(
    session: AsyncSession, principal: Principal, name: str | None, content: bytes, limits: FilesSettings
) -> StoredFile:
    """Store one checked file for its owner (the caller)."""
    cleaned = clean_name(name)
    mime_type = check(cleaned, content, limits)
    stored = StoredFile(
        owner_id=principal.user_id,
        name=cleaned,
        mime_type=mime_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )
    await repository.add(session, stored)
    await STORE.write(session, stored.id, content)
    return stored


async def download(
    session: AsyncSession, principal: Principal, file_id: str, share_token: str | None
) -> tuple[StoredFile, bytes]:
    """A file and its bytes for its owner or a share-token holder; 404 for anybody else."""
    found = await repository.get(session, file_id)
    stored = policy.ensure_file_downloadable(principal, found, await sharing.shared(session, share_token, found))
    content = await STORE.read(session, stored.id)
    if content is None:
        policy.ensure_file_downloadable(principal, None, False)
    return stored, content or b""


def file_id(name: str) -> str:
    """The file id in a chat's `file_names` entry (an id, or a /v1/files/{id} URL)."""
    return name.strip().split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]


async def attachments(
    session: AsyncSession, principal: Principal, conversation_id: str | None, turn_file_names: list[str]
) -> list[Attachment]:
    """The caller's files a chat carries: those of the conversation's stored messages and of this turn.
    Names of other users' files (or of none) are left out."""
    names = list(turn_file_names)
    if conversation_id:
        names += await repository.conversation_file_names(session, conversation_id)
    ids = list(dict.fromkeys(file_id(n) for n in names if n.strip()))
    found = await repository.owned(session, principal.user_id, ids)
    out = []
    for stored in found:
        content = await STORE.read(session, stored.id)
        if content is not None:
            out.append(Attachment(stored.id, stored.name, stored.mime_type, content))
    return out
