"""LLM gateway: the model catalogue, providers (OpenAI-compatible, mock) and usage records."""
