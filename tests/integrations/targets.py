"""Real local targets for credential checks: a git repository over HTTP (git http-backend behind basic
auth), and small Jira/Confluence/LLM servers answering their "who am I" calls."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serve(app: WSGIApp) -> Iterator[str]:
    """Serve a WSGI app on a free loopback port; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, server_class=_ThreadingServer, handler_class=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


def basic_credentials(environ: dict[str, Any]) -> tuple[str, str] | None:
    header = environ.get("HTTP_AUTHORIZATION", "")
    if not header.startswith("Basic "):
        return None
    user, _, password = base64.b64decode(header[6:]).decode().partition(":")
    return user, password


def make_repository(root: Path, name: str = "demo.git") -> Path:
    """A bare repository with one commit on main."""
    work = root / "work"
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@e",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@e",
    }
    subprocess.run(["git", "init", "-q", "-b", "main", str(work)], check=True, env=env)
    (work / "README.md").write_text("hello\n")
    subprocess.run(["git", "-C", str(work), "add", "."], check=True, env=env)
    subprocess.run(["git", "-C", str(work), "commit", "-q", "-m", "first"], check=True, env=env)
    bare = root / name
    subprocess.run(["git", "clone", "-q", "--bare", str(work), str(bare)], check=True, env=env)
    return bare


def git_http_app(project_root: Path, token: str, seen: list[dict[str, str]]) -> WSGIApp:
    """git http-backend as CGI, behind basic auth whose password must be `token`."""
    backend = subprocess.run(["git", "--exec-path"], capture_output=True, text=True, check=True).stdout.strip()

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        seen.append({"path": environ.get("PATH_INFO", ""), "host": environ.get("HTTP_HOST", "")})
        credentials = basic_credentials(environ)
        if credentials is None or credentials[1] != token:
            start_response("401 Unauthorized", [("WWW-Authenticate", 'Basic realm="git"')])
            return [b"authentication required\n"]
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        cgi_env = {
            "GIT_PROJECT_ROOT": str(project_root),
            "GIT_HTTP_EXPORT_ALL": "1",
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "REQUEST_METHOD": environ["REQUEST_METHOD"],
            "PATH_INFO": environ.get("PATH_INFO", ""),
            "QUERY_STRING": environ.get("QUERY_STRING", ""),
            "CONTENT_TYPE": environ.get("CONTENT_TYPE", ""),
            "CONTENT_LENGTH": str(len(body)),
            "REMOTE_USER": credentials[0],
            "REMOTE_ADDR": "127.0.0.1",
            "GIT_PROTOCOL": environ.get("HTTP_GIT_PROTOCOL", ""),
            "HTTP_CONTENT_ENCODING": environ.get("HTTP_CONTENT_ENCODING", ""),
        }
        result = subprocess.run([f"{backend}/git-http-backend"], input=body, env=cgi_env, capture_output=True)
        head, _, payload = result.stdout.partition(b"\r\n\r\n")
        status, headers = "200 OK", []
        for line in head.decode("latin-1").split("\r\n"):
            key, _, value = line.partition(":")
            if key.lower() == "status":
                status = value.strip()
            elif key:
                headers.append((key.strip(), value.strip()))
        start_response(status, headers)
        return [payload]

    return app


def atlassian_app(token: str, username: str = "jane@example.com") -> WSGIApp:
    """Jira's /rest/api/2/myself and Confluence's /rest/api/user/current (anonymous on bad credentials)."""

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        credentials = basic_credentials(environ)
        bearer = environ.get("HTTP_AUTHORIZATION", "") == f"Bearer {token}"
        valid = bearer or credentials == (username, token)
        path = environ.get("PATH_INFO", "")
        if path.endswith("/rest/api/2/myself"):
            if not valid:
                start_response("401 Unauthorized", [("Content-Type", "application/json")])
                return [b'{"errorMessages": ["You are not authenticated."]}']
            start_response("200 OK", [("Content-Type", "application/json")])
            return [json.dumps({"name": "jane", "displayName": "Jane Doe"}).encode()]
        if path.endswith("/rest/api/user/current"):
            start_response("200 OK", [("Content-Type", "application/json")])
            me = {"type": "known", "username": "jane", "displayName": "Jane Doe"} if valid else {"type": "anonymous"}
            return [json.dumps(me).encode()]
        if path.endswith("/models"):
            if environ.get("HTTP_AUTHORIZATION", "") != f"Bearer {token}":
                start_response("401 Unauthorized", [("Content-Type", "application/json")])
                return [b'{"error": {"message": "invalid api key"}}']
            start_response("200 OK", [("Content-Type", "application/json")])
            return [b'{"object": "list", "data": [{"id": "gpt-4o-mini", "object": "model"}]}']
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not found"]

    return app
