"""Users and revoked tokens."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from codemill.models.base import Base, Timestamps, new_id


class User(Timestamps, Base):
    """A person (or service account) who uses Codemill."""

    __tablename__ = "users"

    id: Mapped[str] = mapped_column(String(64), primary_key=True, default=new_id)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    username: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(320), default="")
    picture: Mapped[str] = mapped_column(Text, default="")
    password_hash: Mapped[str | None] = mapped_column(Text, default=None)
    auth_source: Mapped[str] = mapped_column(String(32), default="local")
    subject: Mapped[str | None] = mapped_column(String(320), default=None, index=True)
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    is_maintainer: Mapped[bool] = mapped_column(Boolean, default=False)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    project_limit: Mapped[int | None] = mapped_column(Integer, default=None)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    # Tokens issued before this instant are refused (password change, deactivation).
    tokens_valid_after: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    preferences: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class RevokedToken(Base):
    """A local token logged out before its expiry."""

    __tablename__ = "revoked_tokens"

    jti: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class LoginThrottle(Base):
    """Failed local logins of one account or one client address, counted in a window (shared by replicas)."""

    __tablename__ = "login_throttles"

    # "account:<email>" or "address:<ip>"
    key: Mapped[str] = mapped_column(String(400), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    window_started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)


class Invitation(Base):
    """A one-time link that lets an invited user set their password (only the token's SHA-256 is kept)."""

    __tablename__ = "invitations"

    id: Mapped[str] = mapped_column(String(64), primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(String(64), ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by: Mapped[str | None] = mapped_column(
        String(64), ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
