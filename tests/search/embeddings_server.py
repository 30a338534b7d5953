"""A small real HTTP server speaking the OpenAI embeddings protocol (POST /v1/embeddings), backed by a model."""

from __future__ import annotations

import asyncio
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from codemill.search.embeddings import Embedder


class EmbeddingsServer:
    """Answers {"model", "input": [...]} with {"data": [{"index", "embedding"}], "usage"}; checks the API key."""

    def __init__(self, backing: Embedder, api_key: str, fail_first: int = 0) -> None:
        self.requests: list[dict[str, object]] = []
        self.fail_first = fail_first
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                server.requests.append(body)
                if self.path != "/v1/embeddings":
                    return self._send(404, {"error": {"message": "not found"}})
                if self.headers.get("Authorization") != f"Bearer {api_key}":
                    return self._send(401, {"error": {"message": "bad key"}})
                if server.fail_first > 0:
                    server.fail_first -= 1
                    return self._send(429, {"error": {"message": "slow down"}}, {"Retry-After": "0"})
                texts = body["input"] if isinstance(body["input"], list) else [body["input"]]
                vectors = asyncio.run(backing.embed(texts))
                data = [{"object": "embedding", "index": i, "embedding": v} for i, v in enumerate(vectors)]
                data.reverse()  # the protocol orders by `index`, not by position
                self._send(
                    200,
                    {
                        "object": "list",
                        "data": data,
                        "model": body["model"],
                        "usage": {"prompt_tokens": 1, "total_tokens": 1},
                    },
                )

            def _send(self, status: int, payload: object, headers: dict[str, str] | None = None) -> None:
                raw = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(raw)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
