"""`python -m bench [name ...]`: run the named benchmarks (default: all that exist).

Arguments that are not benchmark names (numbers, say) are the parameters of the one named before them:
`python -m bench indexing 2000` indexes 2,000 files; options too: `python -m bench soak_chat --minutes 3`.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys

import bench

SKIP = {"common", "__main__", "datasource_common", "mcp_server_timed", "realpath"}


def main() -> None:
    """Run benchmarks by module name."""
    known = sorted(m.name for m in pkgutil.iter_modules(bench.__path__) if m.name not in SKIP)
    asked = [a for a in sys.argv[1:] if a in known or not (a.replace(".", "").isdigit() or a.startswith("-"))]
    unknown = [a for a in asked if a not in known]
    if unknown:
        sys.exit(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(known)}")
    for name in asked or known:
        module = importlib.import_module(f"bench.{name}")
        module.main()


main()
