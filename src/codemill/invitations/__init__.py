"""Invitations (one-time links that set a password) and self-registration."""
