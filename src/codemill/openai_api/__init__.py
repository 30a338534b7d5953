"""OpenAI-compatible chat completions and models over assistants (beside the CodeMie contract)."""
