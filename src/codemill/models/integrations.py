"""Integrations (CodeMie "settings"): credentials for outside systems, secrets encrypted at rest."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, ForeignKey, LargeBinary, String
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from codemill.models.base import Base, Timestamps, new_id


class Integration(Timestamps, Base):
    """One set of credentials with its scope.

    Scopes: setting_type "user" (owner_id set; one project, or all the owner's projects when
    is_global) and "project" (shared with the project's members, managed by its admins).
    Non-secret values are plain JSON; secret values are one AES-GCM envelope: the ciphertext, the
    data key wrapped by the master key, and that master key's id.
    """

    __tablename__ = "integrations"

    id: Mapped[str] = mapped_column(String(64), primary_key=True, default=new_id)
    setting_type: Mapped[str] = mapped_column(String(16), index=True)
    owner_id: Mapped[str | None] = mapped_column(
        String(64), ForeignKey("users.id", ondelete="CASCADE"), default=None, index=True
    )
    created_by: Mapped[str | None] = mapped_column(
        String(64), ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    project_name: Mapped[str] = mapped_column(
        String(320), ForeignKey("projects.name", ondelete="CASCADE", onupdate="CASCADE"), index=True
    )
    is_global: Mapped[bool] = mapped_column(Boolean, default=False)
    alias: Mapped[str] = mapped_column(String(200))
    credential_type: Mapped[str] = mapped_column(String(32), index=True)
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    values: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    # The names of the secret values held in the envelope (names are not secret; values are).
    secret_keys: Mapped[list[str]] = mapped_column(JSONB, default=list)
    secret_key_id: Mapped[str | None] = mapped_column(String(64), default=None, index=True)
    secret_wrapped_key: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    secret_ciphertext: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    # Plugin keys: a hash to find the integration by the key a plugin presents (never the key).
    plugin_key_hash: Mapped[str | None] = mapped_column(String(64), default=None, unique=True)
