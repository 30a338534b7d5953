"""Toolkits: tools that act on outside services (Jira, Confluence, databases, the web) for assistants."""
