"""The activity log: append-only audit events that services record with one call."""
