"""What the OpenAI-compatible layer adds per turn: the same assistant (mock LLM, zero token delay) asked
through CodeMie's chat (NDJSON) and through /v1/chat/completions (SSE and non-streamed), with the login
token and with a personal API key (looked up in the database on every request, so revocation is immediate).

Figures: time to the first answer chunk and to the end of the response, p50/p99, over sequential turns.
Target: the OpenAI path within 2 ms (p50) of CodeMie's chat; an API key within 2 ms of a token.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable

import httpx

from bench.chat_overhead import create_assistant
from bench.common import bench_server, login, percentile, report

QUESTION = "What does the release checklist say about database migrations?"
WARMUP = 20


def _codemie(client: httpx.Client, assistant_id: str) -> float | None:
    body = {"text": QUESTION, "stream": True, "save_history": False}
    first = None
    with client.stream("POST", f"/v1/assistants/{assistant_id}/model", json=body) as response:
        response.raise_for_status()
        for line in response.iter_lines():
            if first is None and line and json.loads(line).get("generated_chunk"):
                first = time.perf_counter()
    return first


def _openai_stream(client: httpx.Client, assistant_id: str) -> float | None:
    body = {"model": assistant_id, "stream": True, "messages": [{"role": "user", "content": QUESTION}]}
    first = None
    with client.stream("POST", "/v1/chat/completions", json=body) as response:
        response.raise_for_status()
        for line in response.iter_lines():
            if first is None and line.startswith("data: {") and '"content"' in line:
                first = time.perf_counter()
    return first


def _openai_plain(client: httpx.Client, assistant_id: str) -> float | None:
    body = {"model": assistant_id, "messages": [{"role": "user", "content": QUESTION}]}
    client.post("/v1/chat/completions", json=body).raise_for_status()
    return None


def _measure(
    url: str, credential: str, assistant_id: str, turn: Callable[[httpx.Client, str], float | None], turns: int
) -> tuple[list[float], list[float]]:
    firsts: list[float] = []
    totals: list[float] = []
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {credential}"}, timeout=60) as client:
        for i in range(WARMUP + turns):
            started = time.perf_counter()
            first = turn(client, assistant_id)
            ended = time.perf_counter()
            if i >= WARMUP:
                totals.append((ended - started) * 1000)
                if first is not None:
                    firsts.append((first - started) * 1000)
    return firsts, totals


def main() -> None:
    """Run the comparison and print the figures."""
    turns = int(next((a for a in sys.argv[1:] if a.isdigit()), "200"))
    with bench_server({"CODEMILL_LLM__MOCK_TOKEN_DELAY_MS": "0", "CODEMILL_LOG_LEVEL": "WARNING"}) as server:
        token = login(server)
        assistant_id = create_assistant(server.url, token)
        created = httpx.post(
            f"{server.url}/v1/api-keys", json={"name": "bench"}, headers={"Authorization": f"Bearer {token}"}
        )
        created.raise_for_status()
        key = str(created.json()["key"])
        cases = [
            ("codemie chat (NDJSON)", "token", token, _codemie),
            ("chat/completions SSE", "token", token, _openai_stream),
            ("chat/completions SSE", "api key", key, _openai_stream),
            ("chat/completions JSON", "token", token, _openai_plain),
            ("chat/completions JSON", "api key", key, _openai_plain),
        ]
        rows = []
        for name, auth, credential, turn in cases:
            firsts, totals = _measure(server.url, credential, assistant_id, turn, turns)
            rows.append(
                {
                    "path": name,
                    "auth": auth,
                    "turns": len(totals),
                    "first_chunk_p50_ms": percentile(firsts, 50) if firsts else None,
                    "total_p50_ms": percentile(totals, 50),
                    "total_p99_ms": percentile(totals, 99),
                }
            )
    report("openai_api", rows, {"openai_vs_codemie_p50_ms": 2.0, "api_key_vs_token_p50_ms": 2.0})


if __name__ == "__main__":
    main()
