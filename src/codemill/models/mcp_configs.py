"""The MCP server catalogue (CodeMie's "Settings > MCPs"): server configurations users pick from."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from codemill.models.base import Base, Timestamps, new_id


class MCPConfig(Timestamps, Base):
    """One catalogue entry: how to start or reach an MCP server, and the env vars it needs.

    System entries (is_system) ship with Codemill and run on the default allow-list; public entries are
    seen by every user; the others by their creator only. `config` is CodeMie's MCPServerConfig; env
    values in it are placeholders or defaults, never secrets (those come from MCP integrations).
    """

    __tablename__ = "mcp_configs"

    id: Mapped[str] = mapped_column(String(64), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(255), index=True)
    description: Mapped[str | None] = mapped_column(Text, default=None)
    server_home_url: Mapped[str | None] = mapped_column(String(2000), default=None)
    source_url: Mapped[str | None] = mapped_column(String(2000), default=None)
    logo_url: Mapped[str | None] = mapped_column(String(2000), default=None)
    categories: Mapped[list[str]] = mapped_column(JSONB, default=list)
    config: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    required_env_vars: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    user_id: Mapped[str | None] = mapped_column(
        String(64), ForeignKey("users.id", ondelete="SET NULL"), default=None, index=True
    )
    is_public: Mapped[bool] = mapped_column(Boolean, default=False)
    is_system: Mapped[bool] = mapped_column(Boolean, default=False)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    usage_count: Mapped[int] = mapped_column(Integer, default=0)
