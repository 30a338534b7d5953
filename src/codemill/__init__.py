"""Codemill: an open, self-hostable AI assistants platform that speaks the CodeMie /v1 API."""

__version__ = "0.1.0"
