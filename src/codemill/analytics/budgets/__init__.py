"""Budgets on users, projects and cost centers: limits checked before each model-backed turn."""
