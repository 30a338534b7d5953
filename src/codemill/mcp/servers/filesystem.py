"""A read-only filesystem MCP server (stdio): `python -m codemill.mcp.servers.filesystem`.

It serves one directory, ALLOWED_DIR (env; the working directory when unset), and refuses any path
that resolves outside it (`..`, absolute paths, symlinks pointing out).
"""

from __future__ import annotations

import os
from pathlib import Path

from mcp.server.fastmcp import FastMCP

MAX_READ_BYTES = 1_048_576


def build(root: Path) -> FastMCP:
    """The server over `root`."""
    server = FastMCP("codemill-filesystem", log_level="WARNING")
    base = root.resolve()

    def inside(path: str) -> Path:
        target = (base / path).resolve()
        if target != base and base not in target.parents:
            raise ValueError(f"Access denied: {path!r} is outside the allowed directory")
        return target

    @server.tool()
    def list_directory(path: str = ".") -> str:
        """The entries of a directory (directories end with '/')."""
        target = inside(path)
        entries = sorted(target.iterdir(), key=lambda p: p.name)
        return "\n".join(p.name + ("/" if p.is_dir() else "") for p in entries)

    @server.tool()
    def read_file(path: str) -> str:
        """A text file's content (at most 1 MiB)."""
        target = inside(path)
        with target.open("rb") as handle:
            data = handle.read(MAX_READ_BYTES + 1)
        text = data[:MAX_READ_BYTES].decode("utf-8", errors="replace")
        return text + ("\n[truncated at 1 MiB]" if len(data) > MAX_READ_BYTES else "")

    @server.tool()
    def search_files(pattern: str, path: str = ".") -> str:
        """Paths under a directory whose names match a glob pattern (e.g. *.py), at most 200."""
        target = inside(path)
        found = [str(p.relative_to(base)) for p in target.rglob(pattern) if base in p.resolve().parents]
        return "\n".join(sorted(found)[:200])

    return server


if __name__ == "__main__":
    build(Path(os.environ.get("ALLOWED_DIR") or ".")).run("stdio")
