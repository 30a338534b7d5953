"""An assistant's A2A agent card: name, description, endpoint, and its tools as skills (as CodeMie builds it)."""

from __future__ import annotations

import re
from typing import Any

from codemill.a2a.schemas import (
    AgentAuthenticationOut,
    AgentCapabilitiesOut,
    AgentCardOut,
    AgentProviderOut,
    AgentSkillOut,
)
from codemill.models import Assistant

CARD_VERSION = "0.2.0"
TEXT = ["text"]


def endpoint(base_url: str, assistant_id: str) -> str:
    """The assistant's JSON-RPC endpoint."""
    return f"{base_url.rstrip('/')}/v1/a2a/assistants/{assistant_id}"


def card(assistant: Assistant, base_url: str) -> AgentCardOut:
    """The agent card; an assistant without tools has one "conversation" skill."""
    skills = [skill for toolkit in assistant.toolkits for skill in _skills(toolkit)]
    if not skills:
        skills = [
            AgentSkillOut(
                id="conversation",
                name="Conversation",
                description="General conversation ability",
                inputModes=TEXT,
                outputModes=TEXT,
            )
        ]
    return AgentCardOut(
        name=assistant.name,
        description=assistant.description or None,
        url=endpoint(base_url, assistant.id),
        provider=AgentProviderOut(organization="Codemill", url=base_url.rstrip("/")),
        version=CARD_VERSION,
        capabilities=AgentCapabilitiesOut(),
        authentication=AgentAuthenticationOut(schemes=["Bearer"]),
        skills=skills,
    )


def _kebab(text: str) -> str:
    text = re.sub(r"([a-z0-9])([A-Z])", r"\1-\2", text)
    return re.sub(r"[-_\s]+", "-", text).lower().strip("-")


def _skills(toolkit: dict[str, Any]) -> list[AgentSkillOut]:
    label = str(toolkit.get("label") or toolkit.get("toolkit") or "")
    out = []
    for tool in toolkit.get("tools") or []:
        name = str(tool.get("name", ""))
        if not name:
            continue
        tags = [_kebab(part) for part in name.split("_")] + ([_kebab(label)] if label else [])
        out.append(
            AgentSkillOut(
                id=name.lower().replace(" ", "_"),
                name=str(tool.get("label") or name),
                description=str(tool.get("user_description") or tool.get("description") or ""),
                tags=tags,
                inputModes=TEXT,
                outputModes=TEXT,
            )
        )
    return out
