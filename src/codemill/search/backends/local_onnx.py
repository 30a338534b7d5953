"""A local sentence-embedding model on onnxruntime + tokenizers (no PyTorch, works offline).

Where the model comes from (builtin, a directory, a hub id) is local_model's business.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import onnxruntime as ort
from tokenizers import Tokenizer

from codemill.search.backends.local_model import BUILTIN, model_files

__all__ = ["BUILTIN", "LocalOnnxEmbedder", "model_files"]


class LocalOnnxEmbedder:
    """Mean-pooled, L2-normalised sentence embeddings from an ONNX BERT-style encoder."""

    def __init__(
        self, model_path: Path, tokenizer_path: Path, model_id: str, *, batch_size: int, max_tokens: int, threads: int
    ) -> None:
        options = ort.SessionOptions()
        if threads > 0:
            options.intra_op_num_threads = threads
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self._session = ort.InferenceSession(str(model_path), options, providers=["CPUExecutionProvider"])
        # onnxruntime's CPU arena keeps the peak of every batch it ran: >1 GB after a few batches of long
        # chunks. Shrinking it after each run keeps it at ~70 MB for a few % of speed (turning the
        # arena off instead costs ~40%).
        self._run_options = ort.RunOptions()
        self._run_options.add_run_config_entry("memory.enable_memory_arena_shrinkage", "cpu:0")
        self._inputs = {i.name for i in self._session.get_inputs()}
        self._tokenizer = Tokenizer.from_file(str(tokenizer_path))
        self._tokenizer.enable_truncation(max_length=max_tokens)
        self._tokenizer.enable_padding()
        self._model = model_id
        self._batch_size = batch_size
        self._lock = threading.Lock()
        self._dimensions = len(self.embed_sync(["dimension probe"])[0])

    @classmethod
    def load(
        cls, spec: str, cache_dir: Path, *, batch_size: int = 32, max_tokens: int = 256, threads: int = 0
    ) -> LocalOnnxEmbedder:
        """Load from "builtin", a directory or a hub id."""
        model_path, tokenizer_path, model_id = model_files(spec, cache_dir)
        return cls(model_path, tokenizer_path, model_id, batch_size=batch_size, max_tokens=max_tokens, threads=threads)

    @property
    def model(self) -> str:
        return self._model

    @property
    def dimensions(self) -> int:
        return self._dimensions

    @property
    def batch_size(self) -> int:
        return self._batch_size

    def embed_sync(self, texts: Sequence[str]) -> list[list[float]]:
        """Embed on the calling thread (sorted by length inside, so padding stays small)."""
        if not texts:
            return []
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        result: list[list[float]] = [[] for _ in texts]
        for start in range(0, len(order), self._batch_size):
            batch = order[start : start + self._batch_size]
            vectors = self._run([texts[i] for i in batch])
            for row, index in enumerate(batch):
                result[index] = vectors[row].tolist()
        return result

    def _run(self, texts: list[str]) -> np.ndarray:
        encodings = self._tokenizer.encode_batch([t if t.strip() else " " for t in texts])
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feeds["token_type_ids"] = np.array([e.type_ids for e in encodings], dtype=np.int64)
        inputs = {k: v for k, v in feeds.items() if k in self._inputs}
        with self._lock:
            hidden = self._session.run(None, inputs, self._run_options)[0]
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        out: np.ndarray = pooled / np.clip(norms, 1e-12, None)
        return out

    async def embed(self, texts: Sequence[str]) -> list[list[float]]:
        return await asyncio.to_thread(self.embed_sync, list(texts))

    async def aclose(self) -> None:
        return None
