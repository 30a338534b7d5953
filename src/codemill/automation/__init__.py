"""Automation: webhooks and schedules that start assistants, workflows and datasource reindexing."""
