"""The file-store port: where a file's bytes live. PostgreSQL by default (every replica sees them,
the backup of the database holds them); another store (a directory, an object store) implements the
same two calls."""

from __future__ import annotations

from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from codemill.files import repository


class FileStore(Protocol):
    """Writes and reads a file's bytes by the file's id, in the caller's session."""

    async def write(self, session: AsyncSession, file_id: str, content: bytes) -> None:
        """Keep the bytes of a file whose row exists."""
        ...

    async def read(self, session: AsyncSession, file_id: str) -> bytes | None:
        """The bytes of a file; None when they are gone."""
        ...


class DatabaseFileStore:
    """Bytes in the file's own row (a bytea column)."""

    async def write(self, session: AsyncSession, file_id: str, content: bytes) -> None:
        """Keep the bytes in the row."""
        await repository.write_content(session, file_id, content)

    async def read(self, session: AsyncSession, file_id: str) -> bytes | None:
        """The bytes from the row."""
        return await repository.read_content(session, file_id)


STORE: FileStore = DatabaseFileStore()
