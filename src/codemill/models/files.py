"""Files uploaded for chats (/v1/files): who owns each, what it is, and its bytes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, LargeBinary, String, func
from sqlalchemy.orm import Mapped, deferred, mapped_column

from codemill.models.base import Base, new_id


class StoredFile(Base):
    """One uploaded file. `content` is loaded only when asked for (the file-store port reads it)."""

    __tablename__ = "files"

    id: Mapped[str] = mapped_column(String(64), primary_key=True, default=new_id)
    owner_id: Mapped[str] = mapped_column(String(64), ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(255))
    mime_type: Mapped[str] = mapped_column(String(200))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes | None] = deferred(mapped_column(LargeBinary, nullable=True, default=None))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
