"""API models of assistant categories and reactions, with CodeMie's field names."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator


class CategoryOut(BaseModel):
    """A category (GET /v1/assistants/categories)."""

    id: str
    name: str
    description: str | None = None


class CategoryDetailOut(CategoryOut):
    """A category with how many assistants are filed under it."""

    marketplace_count: int = 0
    project_count: int = 0


class CategoryListMeta(BaseModel):
    """Pagination of the category list."""

    page: int
    per_page: int
    total: int
    total_pages: int


class CategoryListOut(BaseModel):
    """GET /v1/assistants/categories/list."""

    items: list[CategoryDetailOut]
    metadata: CategoryListMeta


class CategoryIn(BaseModel):
    """POST and PUT /v1/assistants/categories."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100)
    description: str | None = Field(default=None, max_length=1000)

    @field_validator("name")
    @classmethod
    def _named(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("name must not be blank")
        return value.strip()


class AssistantReactionIn(BaseModel):
    """POST /v1/assistants/{id}/reactions."""

    reaction: Literal["like", "dislike"]


class AssistantReactionOut(BaseModel):
    """A reaction as CodeMie reports it, with the assistant's current counts."""

    model_config = ConfigDict(populate_by_name=True)

    resource_id: str = Field(serialization_alias="resourceId")
    resource_type: str = Field(default="assistant", serialization_alias="resourceType")
    reaction: str | None
    reaction_at: str | None = Field(serialization_alias="reactionAt")
    unique_likes_count: int = 0
    unique_dislikes_count: int = 0


class PublishSubAssistant(BaseModel):
    """A sub-assistant published along with its parent."""

    id: str
    name: str
    description: str
    is_global: bool


class PublishCredential(BaseModel):
    """An integration whose credentials marketplace users will chat with (CodeMie's `inline_credentials` entry)."""

    toolkit: str | None
    credential_type: str
    tool: str | None = None
    label: str | None = None
    mcp_server: str | None = None
    env_vars: list[str] | None = None
    sub_assistant_id: str | None = None
    sub_assistant_name: str | None = None


class PublishCheckOut(BaseModel):
    """POST /v1/assistants/{id}/marketplace/publish/validate."""

    assistant_id: str
    requires_confirmation: bool
    message: str
    sub_assistants: list[PublishSubAssistant]
    inline_credentials: list[PublishCredential]


class CreatorOut(BaseModel):
    """Someone who made assistants (CodeMie's CreatedByUser)."""

    user_id: str
    username: str
    name: str
