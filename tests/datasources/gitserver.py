"""A real git repository made by a test and served over HTTP (git's dumb protocol) on loopback."""

from __future__ import annotations

import base64
import functools
import subprocess
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

LANGUAGES = {
    "py": 'def {name}(value):\n    """Compute {name}."""\n    total = value * {n}\n    return total + {n}\n\n\nclass {cls}:\n    def run(self):\n        return {name}({n})\n',
    "js": "export function {name}(value) {{\n  const total = value * {n};\n  return total + {n};\n}}\n\nexport class {cls} {{\n  run() {{ return {name}({n}); }}\n}}\n",
    "go": "package main\n\nfunc {name}(value int) int {{\n\ttotal := value * {n}\n\treturn total + {n}\n}}\n\ntype {cls} struct{{}}\n",
    "java": "public class {cls} {{\n    public int {name}(int value) {{\n        int total = value * {n};\n        return total + {n};\n    }}\n}}\n",
    "md": "# {cls}\n\nThe {name} module multiplies by {n} and adds {n}.\n",
}


def git(cwd: Path, *args: str) -> str:
    """Run git (identity set, no global config)."""
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@e", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@e",
           "HOME": str(cwd), "GIT_CONFIG_NOSYSTEM": "1", "PATH": "/usr/bin:/bin"}  # fmt: skip
    out = subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True)
    return out.stdout.strip()


class GitServer:
    """A work tree, the bare repository it pushes to, and an HTTP server over the bare repository."""

    def __init__(self, root: Path, token: str | None = None) -> None:
        self.work = root / "work"
        self.bare = root / "served" / "repo.git"
        self.work.mkdir(parents=True)
        self.bare.parent.mkdir(parents=True)
        git(self.work, "init", "-q", "-b", "main")
        git(root / "served", "init", "-q", "--bare", "repo.git")
        expected = "Basic " + base64.b64encode(f"oauth2:{token}".encode()).decode() if token else None
        handler = functools.partial(_QuietHandler, expected, directory=str(root / "served"))
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/repo.git"

    def write(self, path: str, text: str) -> None:
        """Write a file of the work tree."""
        target = self.work / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)

    def commit(self, message: str) -> str:
        """Commit everything and publish it; the new head."""
        git(self.work, "add", "-A")
        git(self.work, "commit", "-q", "-m", message)
        git(self.work, "push", "-q", str(self.bare), "main")
        git(self.bare, "repack", "-a", "-d", "-q")  # one pack: the dumb protocol then fetches a few files
        git(self.bare, "update-server-info")
        return git(self.work, "rev-parse", "HEAD")

    def close(self) -> None:
        """Stop serving."""
        self.httpd.shutdown()
        self.httpd.server_close()


def populate(server: GitServer, files: int) -> list[str]:
    """A repository of several languages; the paths written."""
    paths = []
    kinds = list(LANGUAGES)
    for n in range(files):
        kind = kinds[n % len(kinds)]
        path = f"pkg{n % 7}/module_{n}.{kind}"
        server.write(path, LANGUAGES[kind].format(name=f"compute_{n}", cls=f"Worker{n}", n=n))
        paths.append(path)
    server.write("vendor/skipped.py", "def skipped():\n    return 1\n")
    server.write("assets/logo.bin", "\0binary")
    return paths


class _QuietHandler(SimpleHTTPRequestHandler):
    def __init__(self, expected: str | None, *args: Any, **kwargs: Any) -> None:
        self.expected = expected
        super().__init__(*args, **kwargs)

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        if self.expected and self.headers.get("Authorization") != self.expected:
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="git"')
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        super().do_GET()
