"""API models of a user's integration mapping for an assistant (/v1/assistants/{id}/users/mapping)."""

from __future__ import annotations

from datetime import datetime

from pydantic import AliasChoices, BaseModel, ConfigDict, Field

# Room for every tool slot of a large assistant, not for an unbounded list.
MAX_SLOTS = 200


class ToolSlot(BaseModel):
    """One tool slot and the integration the user picked for it ("" = explicitly none)."""

    model_config = ConfigDict(extra="ignore")

    name: str = Field(min_length=1, max_length=200)
    integration_id: str = Field(default="", max_length=64)


class MappingIn(BaseModel):
    """POST body: the slots, and the scope (a workflow, or the assistant everywhere)."""

    model_config = ConfigDict(extra="ignore")

    tools_config: list[ToolSlot] = Field(max_length=MAX_SLOTS)
    workflow_id: str | None = Field(default=None, max_length=64)
    # The SDK sends apply_to_assistant_scope, CodeMie's backend reads apply_to_assistant.
    apply_to_assistant: bool = Field(
        default=False, validation_alias=AliasChoices("apply_to_assistant", "apply_to_assistant_scope")
    )


class MappingOut(BaseModel):
    """The caller's mapping for an assistant (within a workflow: the assistant's slots overridden by the
    workflow's); `id` is "" when nothing is stored."""

    id: str
    assistant_id: str
    user_id: str
    workflow_id: str | None = None
    tools_config: list[ToolSlot]
    has_assistant_scope_selection: bool
    created_at: datetime | None = None
    updated_at: datetime | None = None
