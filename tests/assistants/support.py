"""Helpers for the assistant API tests."""

from __future__ import annotations

from typing import Any

from codemie_sdk.models.assistant import AssistantCreateRequest, AssistantUpdateRequest

from codemill.kit.crypto import Keyring, LocalKeyProvider, SecretCipher
from tests.conftest import MASTER_KEY, TestUser, unique

UTILITIES = {"toolkit": "Utilities", "label": "Utilities", "tools": [{"name": "calculator", "label": "Calculator"}]}


def new_request(project: str, **overrides: Any) -> AssistantCreateRequest:
    """A complete, valid create request on the mock model."""
    fields: dict[str, Any] = {
        "name": unique("assistant"),
        "description": "Helps with arithmetic",
        "system_prompt": "You help {{ current_user }} with {{ topic }}.",
        "project": project,
        "llm_model_type": "mock",
        "toolkits": [UTILITIES],
        "context": [{"context_type": "knowledge_base", "name": "handbook"}],
        "conversation_starters": ["What is 2 + 2?"],
        "prompt_variables": [{"key": "topic", "description": "Subject", "default_value": "maths"}],
        "temperature": 0.3,
        "top_p": 0.9,
        "categories": ["engineering"],
        "icon_url": "https://example.com/icon.png",
        "shared": True,
    }
    return AssistantCreateRequest(**(fields | overrides))


def create(user: TestUser, project: str | None = None, **overrides: Any) -> str:
    """Create through the SDK; returns the new id."""
    response = user.client.assistants.create(new_request(project or user.email, **overrides))
    assert response.message == "Specified assistant saved"
    assert response.assistant_id
    return response.assistant_id


def update_request(user: TestUser, assistant_id: str, **changes: Any) -> AssistantUpdateRequest:
    """The assistant as it is now, with `changes` applied (what a client does before PUT)."""
    current = user.client.assistants.get(assistant_id)
    data = current.model_dump(
        include={
            "name",
            "description",
            "system_prompt",
            "project",
            "llm_model_type",
            "toolkits",
            "context",
            "conversation_starters",
            "shared",
            "slug",
            "temperature",
            "top_p",
            "prompt_variables",
            "icon_url",
            "mcp_servers",
        }
    )
    return AssistantUpdateRequest(**(data | changes))


def cipher_for(current: str, *previous: str) -> SecretCipher:
    """A cipher over these master keys (the first one current)."""
    keyring = Keyring.from_secrets(current, list(previous))
    return SecretCipher(LocalKeyProvider(lambda: keyring))


def server_cipher() -> SecretCipher:
    """The cipher the live server seals with."""
    return cipher_for(MASTER_KEY)
