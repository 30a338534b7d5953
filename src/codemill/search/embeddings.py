"""The embeddings port: text in, unit-length vectors out, in batches. Every backend passes one contract test."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol


class Embedder(Protocol):
    """Turns texts into vectors. `model` is recorded per datasource; a different model forces a reindex."""

    @property
    def model(self) -> str:
        """The model id recorded with every vector this embedder makes."""
        ...

    @property
    def dimensions(self) -> int:
        """The vectors' length."""
        ...

    @property
    def batch_size(self) -> int:
        """How many texts one call should carry."""
        ...

    async def embed(self, texts: Sequence[str]) -> list[list[float]]:
        """One vector per text, in order (L2-normalised, so cosine = dot product)."""
        ...

    async def aclose(self) -> None:
        """Release what the backend holds."""
        ...


class EmbeddingError(Exception):
    """The embedder could not embed (bad response, unreachable service, broken model)."""
