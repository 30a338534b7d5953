"""An embedder that loads on first use, so an API process that never embeds stays small in memory.

The model id is known up front (it is recorded before any vector is made); the model itself, and
onnxruntime with it, load on the first embed, once, whichever thread or event loop asks first.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Sequence

from codemill.search.embeddings import Embedder, EmbeddingError


class LazyEmbedder:
    """Stands for the embedder `load` builds; `model` must be the id that embedder will report."""

    def __init__(self, model: str, batch_size: int, load: Callable[[], Embedder]) -> None:
        self._model = model
        self._batch_size = batch_size
        self._load = load
        self._inner: Embedder | None = None
        self._lock = threading.Lock()

    @property
    def loaded(self) -> bool:
        return self._inner is not None

    @property
    def model(self) -> str:
        return self._model

    @property
    def batch_size(self) -> int:
        return self._batch_size

    @property
    def dimensions(self) -> int:
        return self._loaded().dimensions

    def _loaded(self) -> Embedder:
        with self._lock:
            if self._inner is None:
                inner = self._load()
                if inner.model != self._model:
                    raise EmbeddingError(f"embedding model loaded as {inner.model!r}, expected {self._model!r}")
                self._inner = inner
            return self._inner

    async def embed(self, texts: Sequence[str]) -> list[list[float]]:
        inner = self._inner
        if inner is None:
            inner = await asyncio.to_thread(self._loaded)
        return await inner.embed(texts)

    async def aclose(self) -> None:
        if self._inner is not None:
            await self._inner.aclose()
