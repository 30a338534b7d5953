"""LLM provider backends: OpenAI-compatible and the built-in mock."""
