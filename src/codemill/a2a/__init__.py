"""A2A: assistants as agents (agent cards and the JSON-RPC task API)."""
