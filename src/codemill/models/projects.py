"""Projects (CodeMie "applications") and their members."""

from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from codemill.models.base import Base, Timestamps


class Project(Timestamps, Base):
    """A project: the unit of sharing and access. Its name is its id, as in CodeMie."""

    __tablename__ = "projects"

    # 320: a personal project is named after its user's email (up to 320 characters).
    name: Mapped[str] = mapped_column(String(320), primary_key=True)
    display_name: Mapped[str | None] = mapped_column(String(150), default=None)
    description: Mapped[str | None] = mapped_column(Text, default=None)
    project_type: Mapped[str] = mapped_column(String(16), default="shared")
    created_by: Mapped[str | None] = mapped_column(
        String(64), ForeignKey("users.id", ondelete="SET NULL"), default=None
    )


class ProjectMember(Timestamps, Base):
    """A user's membership of a project, with the project-admin flag."""

    __tablename__ = "project_members"

    project_name: Mapped[str] = mapped_column(
        String(320), ForeignKey("projects.name", ondelete="CASCADE", onupdate="CASCADE"), primary_key=True
    )
    user_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    is_project_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
