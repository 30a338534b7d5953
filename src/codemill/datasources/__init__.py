"""Datasources: what users index (files, git repositories, Confluence, Jira), the indexing job, and the API."""
