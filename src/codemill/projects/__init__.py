"""Projects (CodeMie "applications"): membership, roles, personal projects."""
