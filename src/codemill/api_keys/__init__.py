"""Personal API keys."""
