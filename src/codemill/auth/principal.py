"""Who is calling: the principal every access decision is made about."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Principal:
    """An authenticated, active user with their project memberships (name -> is_project_admin)."""

    user_id: str
    email: str
    username: str
    name: str
    is_admin: bool
    auth_source: str
    picture: str = ""
    is_maintainer: bool = False
    project_limit: int | None = None
    projects: Mapping[str, bool] = field(default_factory=dict)
    default_project: str | None = None
    personal_project: str | None = None
    display_names: Mapping[str, str | None] = field(default_factory=dict)
    tokens_valid_after: float | None = None

    @property
    def project_names(self) -> list[str]:
        """The projects the user belongs to, sorted."""
        return sorted(self.projects)

    @property
    def admin_project_names(self) -> list[str]:
        """The projects the user administers, sorted."""
        return sorted(name for name, admin in self.projects.items() if admin)

    @property
    def current_project(self) -> str:
        """The project used when a request names none: default, then personal, then the first."""
        if self.default_project:
            return self.default_project
        if self.personal_project:
            return self.personal_project
        return self.project_names[0] if self.projects else self.email
