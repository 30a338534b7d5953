"""A user's own integrations for a shared assistant's tools (CodeMie's assistant user mapping)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from codemill.models.base import Base, Timestamps, new_id

# The scope key of a mapping made for the assistant everywhere (not for one workflow).
ASSISTANT_SCOPE = ""


class AssistantUserMapping(Timestamps, Base):
    """Which integration a user wants each tool slot of an assistant to use: `tools_config` is a list of
    {"name": slot, "integration_id": id} ("" = no integration). One row per assistant, user and scope
    (the assistant everywhere, or one workflow)."""

    __tablename__ = "assistant_user_mappings"
    __table_args__ = (UniqueConstraint("assistant_id", "user_id", "workflow_id"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True, default=new_id)
    assistant_id: Mapped[str] = mapped_column(String(64), ForeignKey("assistants.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(String(64), ForeignKey("users.id", ondelete="CASCADE"), index=True)
    workflow_id: Mapped[str] = mapped_column(String(64), default=ASSISTANT_SCOPE)
    tools_config: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
