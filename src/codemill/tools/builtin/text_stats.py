"""Counts about a text: characters, words, lines, sentences, tokens, reading time, frequent words."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from codemill.llm.tokens import count_tokens
from codemill.tools.base import ToolContext, ToolError

WORDS = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
SENTENCE_END = re.compile(r"[.!?]+(?:\s|$)")
STOPWORDS = frozenset(
    "a an and are as at be by for from has have i in is it of on or that the this to was were with".split()
)
WORDS_PER_MINUTE = 230


class TextStatistics:
    """Describes a text with numbers."""

    name = "text_statistics"
    label = "Text statistics"
    description = (
        "Count the characters, words, lines, sentences and LLM tokens of a text, estimate its reading time "
        "and list its most frequent words."
    )
    parameters: dict[str, Any] = {
        "type": "object",
        "properties": {"text": {"type": "string", "description": "The text to measure."}},
        "required": ["text"],
    }

    async def run(self, args: dict[str, Any], ctx: ToolContext) -> str:
        """The statistics, one per line."""
        text = str(args.get("text") or "")
        if not text:
            raise ToolError("The 'text' argument is required.")
        words = WORDS.findall(text)
        frequent = Counter(w.lower() for w in words if w.lower() not in STOPWORDS).most_common(5)
        average = sum(len(w) for w in words) / len(words) if words else 0.0
        minutes = len(words) / WORDS_PER_MINUTE
        sentences = len(SENTENCE_END.findall(text)) or (1 if words else 0)
        lines = [
            f"Characters: {len(text)}",
            f"Characters (no spaces): {len(re.sub(r'\s', '', text))}",
            f"Words: {len(words)}",
            f"Lines: {text.count(chr(10)) + 1}",
            f"Sentences: {sentences}",
            f"Tokens (cl100k): {count_tokens(text)}",
            f"Average word length: {average:.1f}",
            f"Reading time: {max(round(minutes * 60), 1 if words else 0)} s",
            "Most frequent words: " + (", ".join(f"{w} ({n})" for w, n in frequent) or "none"),
        ]
        return "\n".join(lines)
