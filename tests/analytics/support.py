"""Chat turns whose tokens and cost the test knows (from each turn's final NDJSON record)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tests.conftest import TestUser
from tests.conversations.support import chat, records


@dataclass
class Spent:
    """Sums of some turns."""

    input_tokens: int = 0
    output_tokens: int = 0
    cost: float = 0.0
    calls: int = 0

    def add(self, debug: dict[str, Any]) -> None:
        self.input_tokens += debug["input_tokens"]
        self.output_tokens += debug["output_tokens"]
        self.cost += debug["money_spent"]
        self.calls += 1


def turn(user: TestUser, assistant_id: str, text: str) -> dict[str, Any]:
    """One streamed turn; its final record's `debug` (tokens and cost of the turn)."""
    lines = records(chat(user, assistant_id, text, stream=True))
    final = lines[-1]
    assert final["last"] is True and final["success"] is True, final
    debug: dict[str, Any] = final["debug"]
    return debug
