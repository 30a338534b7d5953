"""Durable background jobs on PostgreSQL (procrastinate): defer inside the caller's transaction, run in workers."""
