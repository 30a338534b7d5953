"""Tools the agent loop can call: the Tool protocol, and the built-in toolkits that need no outside service."""
