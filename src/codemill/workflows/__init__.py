"""Workflows: YAML-defined chains of assistants, tools and custom nodes, run durably."""
