"""Integrations: credentials for outside systems, with user, user-global and project scopes."""
