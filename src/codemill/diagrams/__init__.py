"""Mermaid diagrams: rendered by a Mermaid server (mermaid.ink's API) or locally in Chromium."""
