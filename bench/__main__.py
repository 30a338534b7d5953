"""`python -m bench [name ...]`: run the named benchmarks (default: all that exist)."""

from __future__ import annotations

import importlib
import pkgutil
import sys

import bench

SKIP = {"common", "__main__", "datasource_common"}


def main() -> None:
    """Run benchmarks by module name."""
    names = sys.argv[1:] or sorted(m.name for m in pkgutil.iter_modules(bench.__path__) if m.name not in SKIP)
    for name in names:
        module = importlib.import_module(f"bench.{name}")
        module.main()


main()
