"""Agent workspaces: a file space per conversation, its API (/v1/workspaces) and its tools for assistants."""
