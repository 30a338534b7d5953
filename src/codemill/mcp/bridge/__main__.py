"""`python -m codemill.mcp.bridge`: the bridge without the API's imports (how `codemill serve` starts
its own; `codemill mcp-connect` is the same service)."""

from __future__ import annotations

import argparse
import sys

from codemill.kit.logs import configure_logging
from codemill.mcp.bridge.app import serve_bridge
from codemill.settings import Settings


def main() -> int:
    """Parse --host/--port and serve."""
    parser = argparse.ArgumentParser(prog="codemill mcp-connect")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=3000)
    args = parser.parse_args()
    settings = Settings()
    configure_logging(settings.log_level)
    serve_bridge(settings, args.host, args.port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
