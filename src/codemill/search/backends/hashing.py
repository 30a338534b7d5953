"""The in-memory fake: deterministic feature-hashing vectors (shared words -> similar vectors). No model needed."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

import numpy as np

WORD = re.compile(r"\w+")


class HashingEmbedder:
    """Bag of words and character trigrams hashed into a fixed-size, L2-normalised vector."""

    def __init__(self, dimensions: int = 384, batch_size: int = 64) -> None:
        self._dimensions = dimensions
        self._batch_size = batch_size

    @property
    def model(self) -> str:
        return f"hashing-{self._dimensions}"

    @property
    def dimensions(self) -> int:
        return self._dimensions

    @property
    def batch_size(self) -> int:
        return self._batch_size

    def _vector(self, text: str) -> list[float]:
        vector = np.zeros(self._dimensions, dtype=np.float32)
        for word in WORD.findall(text.lower()):
            for feature in (word, *(word[i : i + 3] for i in range(max(len(word) - 2, 0)))):
                digest = hashlib.blake2b(feature.encode(), digest_size=8).digest()
                slot = int.from_bytes(digest[:4], "little") % self._dimensions
                vector[slot] += 1.0 if digest[4] & 1 else -1.0
        norm = float(np.linalg.norm(vector))
        if norm == 0.0:
            vector[0] = 1.0
            norm = 1.0
        result: list[float] = (vector / norm).tolist()
        return result

    async def embed(self, texts: Sequence[str]) -> list[list[float]]:
        return [self._vector(t) for t in texts]

    async def aclose(self) -> None:
        return None
