"""Skills: instructions assistants load on demand (CodeMie's skills API)."""
