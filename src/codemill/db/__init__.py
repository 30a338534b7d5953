"""Database: engine and sessions, the embedded PostgreSQL, Alembic migrations."""
