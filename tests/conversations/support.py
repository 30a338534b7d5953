"""Helpers for the chat and conversation API tests: assistants made through the SDK, NDJSON streams read."""

from __future__ import annotations

import json
from typing import Any

import requests
from codemie_sdk.models.assistant import AssistantChatRequest, AssistantCreateRequest

from tests.conftest import TestUser, unique

UTILITIES = {"toolkit": "Utilities", "label": "Utilities", "tools": [{"name": "calculator", "label": "Calculator"}]}


def new_assistant(user: TestUser, **overrides: Any) -> str:
    """An assistant on the mock model in the user's personal project, created through the SDK."""
    fields: dict[str, Any] = {
        "name": unique("chat-assistant"),
        "description": "Answers questions",
        "system_prompt": "You help {{ current_user }} with {{ topic }}.",
        "project": user.email,
        "llm_model_type": "mock",
        "toolkits": [],
        "prompt_variables": [{"key": "topic", "description": "Subject", "default_value": "maths"}],
    }
    created = user.client.assistants.create(AssistantCreateRequest(**(fields | overrides)))
    assert created.assistant_id
    return created.assistant_id


def chat(user: TestUser, assistant_id: str, text: str, **fields: Any) -> Any:
    """A chat turn through the SDK (non-streamed: BaseModelResponse; streamed: the raw response)."""
    return user.client.assistants.chat(assistant_id, AssistantChatRequest(text=text, **fields))


def records(response: requests.Response) -> list[dict[str, Any]]:
    """The NDJSON records of a streamed chat, as a client reads them line by line."""
    assert response.headers["content-type"].startswith("application/x-ndjson")
    return [json.loads(line) for line in response.iter_lines() if line]
