"""MCP servers that ship with Codemill (`python -m codemill.mcp.servers.<name>`): the catalogue's
system entries, runnable on the default allow-list with nothing to download."""
