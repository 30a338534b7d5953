"""Benchmarks. Each prints its figures as a table and one JSON line. Run: `python -m bench [name ...]`."""
