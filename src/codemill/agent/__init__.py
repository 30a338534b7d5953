"""The agent loop: a model, its tools, repeat until an answer. Shared by chat and (later) workflows."""
