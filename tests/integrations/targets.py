"""Real local targets for credential checks: a git repository over HTTP (git http-backend behind basic
auth), and small Jira/Confluence/LLM servers answering their "who am I" calls."""

from __future__ import annotations

import base64
import json
import os
import socketserver
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


def _respond(
    start_response: Callable[..., Any], status: str, body: Any, content_type: str = "application/json"
) -> list[bytes]:
    start_response(status, [("Content-Type", content_type)])
    return [body if isinstance(body, bytes) else json.dumps(body).encode()]


OPENAPI_SPEC = b"openapi: 3.0.0\ninfo:\n  title: Pets\n  version: '1'\npaths: {}\n"


def saas_app(token: str, key_id: str = "key-id") -> WSGIApp:
    """The "who am I" calls of Sonar, ServiceNow, Elasticsearch, Kubernetes, Keycloak, ReportPortal, XWiki,
    Zephyr Scale, Xray, Telegram, an A2A agent and an OpenAPI server; each accepts only `token`."""

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path, query = environ.get("PATH_INFO", ""), environ.get("QUERY_STRING", "")
        auth = environ.get("HTTP_AUTHORIZATION", "")
        bearer = auth == f"Bearer {token}"
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        denied = ("401 Unauthorized", {"error": "unauthorized"})
        if path == "/api/authentication/validate":
            return _respond(start_response, "200 OK", {"valid": basic_credentials(environ) == (token, "")})
        if path == "/api/components/show":
            found = "component=demo" in query and basic_credentials(environ) == (token, "")
            return _respond(start_response, *(("200 OK", {"component": {}}) if found else ("404 Not Found", {})))
        if path == "/api/now/table/sys_user":
            ok = environ.get("HTTP_X_SN_APIKEY") == token
            return _respond(start_response, *(("200 OK", {"result": [{"sys_id": "1"}]}) if ok else denied))
        if path == "/":
            encoded = base64.b64encode(f"{key_id}:{token}".encode()).decode()
            ok = auth == f"ApiKey {encoded}"
            info = {"cluster_name": "local", "version": {"number": "8.13.0"}}
            return _respond(start_response, *(("200 OK", info) if ok else denied))
        if path == "/version":
            return _respond(start_response, *(("200 OK", {"gitVersion": "v1.30.0"}) if bearer else denied))
        if path == "/realms/demo/protocol/openid-connect/token":
            form = dict(pair.split("=", 1) for pair in body.decode().split("&") if "=" in pair)
            ok = form.get("client_id") == "codemill" and form.get("client_secret") == token
            answer = {"access_token": "at", "token_type": "Bearer"} if ok else {"error": "unauthorized_client"}
            return _respond(start_response, "200 OK" if ok else "401 Unauthorized", answer)
        if path == "/api/v1/demo/launch":
            return _respond(
                start_response, *(("200 OK", {"content": [], "page": {"totalElements": 3}}) if bearer else denied)
            )
        if path == "/rest/wikis":
            ok = basic_credentials(environ) == ("jane", token)
            return _respond(start_response, *(("200 OK", {"wikis": [{"id": "xwiki"}]}) if ok else denied))
        if path == "/v2/projects":
            return _respond(start_response, *(("200 OK", {"values": []}) if bearer else denied))
        if path == "/api/v2/authenticate":
            ok = json.loads(body or b"{}").get("client_secret") == token
            return _respond(start_response, *(("200 OK", "xray-token") if ok else denied))
        if path.startswith("/bot") and path.endswith("/getMe"):
            if path == f"/bot{token}/getMe":
                return _respond(start_response, "200 OK", {"ok": True, "result": {"username": "codemill_bot"}})
            return _respond(start_response, "401 Unauthorized", {"ok": False, "description": "Unauthorized"})
        if path == "/.well-known/agent-card.json":
            return _respond(start_response, *(("200 OK", {"name": "Helper", "skills": []}) if bearer else denied))
        if path == "/openapi.yaml":
            if environ.get("HTTP_X_API_KEY") != token:
                return _respond(start_response, *denied)
            return _respond(start_response, "200 OK", OPENAPI_SPEC, "application/yaml")
        return _respond(start_response, "404 Not Found", {"error": "not found"})

    return app


class _SMTPHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP for a login: EHLO, AUTH PLAIN, NOOP, QUIT."""

    server: _SMTPServer

    def _send(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self) -> None:
        self._send("220 test ESMTP ready")
        for raw in self.rfile:
            command = raw.decode().strip()
            verb = command.split(" ", 1)[0].upper()
            if verb in ("EHLO", "HELO"):
                self._send("250-test")
                self._send("250 AUTH PLAIN")
            elif verb == "AUTH":
                parts = command.split(" ")
                decoded = base64.b64decode(parts[2]).decode() if len(parts) == 3 else ""
                ok = decoded == f"\0{self.server.username}\0{self.server.password}"
                self._send("235 2.7.0 Authentication successful" if ok else "535 5.7.8 Authentication failed")
            elif verb == "QUIT":
                self._send("221 bye")
                return
            else:
                self._send("250 OK")


class _SMTPServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    username = ""
    password = ""


@contextmanager
def smtp_server(username: str, password: str) -> Iterator[str]:
    """A loopback SMTP server that accepts one login; yields host:port."""
    server = _SMTPServer(("127.0.0.1", 0), _SMTPHandler)
    server.username, server.password = username, password
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
