"""OpenAI-compatible embeddings (`POST {base_url}/embeddings`), e.g. through LiteLLM or any LLM proxy."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

import httpx
import numpy as np

from codemill.search.embeddings import EmbeddingError

RETRYABLE = {408, 409, 429, 500, 502, 503, 504}


class OpenAIEmbedder:
    """Batches texts into `input` arrays; retries rate limits and server errors with backoff."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        base_url: str,
        model: str,
        *,
        api_key: str | None = None,
        api_version: str | None = None,
        dimensions: int | None = None,
        batch_size: int = 64,
        max_retries: int = 3,
    ) -> None:
        self._http = http
        self._url = base_url.rstrip("/") + "/embeddings"
        self._params = {"api-version": api_version} if api_version else {}
        self._headers = {"Authorization": f"Bearer {api_key}", "api-key": api_key} if api_key else {}
        self._model = model
        self._requested_dimensions = dimensions
        self._dimensions = dimensions or 0
        self._batch_size = batch_size
        self._max_retries = max_retries

    @property
    def model(self) -> str:
        return f"openai:{self._model}"

    @property
    def dimensions(self) -> int:
        return self._dimensions

    @property
    def batch_size(self) -> int:
        return self._batch_size

    async def probe(self) -> None:
        """Learn the vector length from the service when settings do not give it."""
        if not self._dimensions:
            self._dimensions = len((await self.embed(["dimension probe"]))[0])

    async def embed(self, texts: Sequence[str]) -> list[list[float]]:
        result: list[list[float]] = []
        for start in range(0, len(texts), self._batch_size):
            result.extend(await self._batch(list(texts[start : start + self._batch_size])))
        return result

    async def _batch(self, texts: list[str]) -> list[list[float]]:
        body: dict[str, Any] = {"model": self._model, "input": [t if t.strip() else " " for t in texts]}
        if self._requested_dimensions:
            body["dimensions"] = self._requested_dimensions
        for attempt in range(self._max_retries + 1):
            try:
                response = await self._http.post(self._url, json=body, headers=self._headers, params=self._params)
            except httpx.HTTPError as exc:
                if attempt == self._max_retries:
                    raise EmbeddingError(f"embeddings service unreachable: {exc}") from exc
                await asyncio.sleep(0.5 * 2**attempt)
                continue
            if response.status_code in RETRYABLE and attempt < self._max_retries:
                retry_after = response.headers.get("retry-after", "")
                await asyncio.sleep(float(retry_after) if retry_after.isdigit() else 0.5 * 2**attempt)
                continue
            if response.status_code != 200:
                raise EmbeddingError(f"embeddings service answered {response.status_code}: {response.text[:300]}")
            return self._parse(response.json(), len(texts))
        raise EmbeddingError("embeddings service: retries exhausted")

    def _parse(self, payload: Any, expected: int) -> list[list[float]]:
        try:
            rows = sorted(payload["data"], key=lambda row: row["index"])
            vectors = np.array([row["embedding"] for row in rows], dtype=np.float32)
        except (KeyError, TypeError, ValueError) as exc:
            raise EmbeddingError(f"malformed embeddings response: {exc}") from exc
        if len(vectors) != expected:
            raise EmbeddingError(f"embeddings service returned {len(vectors)} vectors for {expected} texts")
        if self._dimensions and vectors.shape[1] != self._dimensions:
            raise EmbeddingError(f"embeddings service returned {vectors.shape[1]} dimensions, not {self._dimensions}")
        if not self._dimensions:
            self._dimensions = int(vectors.shape[1])
        vectors /= np.clip(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12, None)
        return [v.tolist() for v in vectors]

    async def aclose(self) -> None:
        return None
