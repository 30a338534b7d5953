"""Built-in tools: they need no outside service."""
