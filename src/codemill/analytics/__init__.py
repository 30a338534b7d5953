"""Analytics: usage roll-ups and the /v1/analytics API, budgets and cost centers, Prometheus metrics."""
