"""The code sandbox: Python run in a separate, isolated, limited process (never the API process)."""
