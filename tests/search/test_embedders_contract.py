"""ONE contract for every embedder backend: local ONNX (packaged and from a directory), OpenAI-compatible
(against a real local HTTP server), and the hashing fake."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import numpy as np
import pytest

from codemill.search.backends.hashing import HashingEmbedder
from codemill.search.backends.lazy import LazyEmbedder
from codemill.search.backends.local_onnx import BUILTIN, LocalOnnxEmbedder, model_files
from codemill.search.backends.openai_compat import OpenAIEmbedder
from codemill.search.embeddings import Embedder, EmbeddingError
from codemill.search.factory import build_embedder
from codemill.settings import Settings
from tests.search.embeddings_server import EmbeddingsServer

BACKENDS = ["local-builtin", "local-directory", "local-lazy", "openai", "hashing"]


@pytest.fixture(scope="module")
def builtin() -> LocalOnnxEmbedder:
    return LocalOnnxEmbedder.load(BUILTIN, Path("/nonexistent"), batch_size=4)


@pytest.fixture(params=BACKENDS)
async def embedder(
    request: pytest.FixtureRequest, builtin: LocalOnnxEmbedder, tmp_path: Path
) -> AsyncIterator[Embedder]:
    kind = request.param
    if kind == "local-builtin":
        yield builtin
    elif kind == "local-directory":
        # What a user does on their machine: a directory with model.onnx (here under onnx/) and tokenizer.json.
        model, tokenizer, _ = model_files(BUILTIN, tmp_path)
        (tmp_path / "minilm" / "onnx").mkdir(parents=True)
        shutil.copy(model, tmp_path / "minilm" / "onnx" / "model.onnx")
        shutil.copy(tokenizer, tmp_path / "minilm" / "tokenizer.json")
        yield LocalOnnxEmbedder.load(str(tmp_path / "minilm"), tmp_path / "cache", batch_size=3)
    elif kind == "local-lazy":
        # What `codemill serve` builds by default: the packaged model, loaded on first use.
        settings = Settings(_env_file=None, data_dir=tmp_path)  # type: ignore[call-arg]
        async with httpx.AsyncClient() as http:
            lazy = await build_embedder(settings, http)
        assert isinstance(lazy, LazyEmbedder) and not lazy.loaded
        yield lazy
        assert lazy.loaded
    elif kind == "openai":
        server = EmbeddingsServer(builtin, api_key="sk-test", fail_first=1)
        async with httpx.AsyncClient() as http:
            yield OpenAIEmbedder(http, server.url, "minilm", api_key="sk-test", batch_size=3)
        server.close()
    else:
        yield HashingEmbedder(384, batch_size=4)


TEXTS = [
    "The payment service retries failed card charges three times.",
    "Card charges that fail are retried by the payment service up to three times.",
    "Photosynthesis converts sunlight into chemical energy in plants.",
    "",
    "def add(a, b):\n    return a + b",
    "x" * 5000,
    "Übergrößenträger — naïve café ☕",
]


async def test_contract(embedder: Embedder) -> None:
    vectors = await embedder.embed(TEXTS)
    assert len(vectors) == len(TEXTS)  # more texts than one batch: all come back, in order
    array = np.array(vectors)
    assert array.shape == (len(TEXTS), embedder.dimensions) and embedder.dimensions >= 64
    assert np.allclose(np.linalg.norm(array, axis=1), 1.0, atol=1e-3)  # unit length: cosine = dot
    similar, unrelated = array[0] @ array[1], array[0] @ array[2]
    assert similar > unrelated + 0.1
    again = np.array(await embedder.embed([TEXTS[2], TEXTS[0]]))
    assert np.allclose(again[0], array[2], atol=1e-4) and np.allclose(again[1], array[0], atol=1e-4)
    assert await embedder.embed([]) == []
    assert embedder.model and embedder.batch_size > 0


async def test_local_model_ids_are_recorded(builtin: LocalOnnxEmbedder, tmp_path: Path) -> None:
    assert builtin.model == "all-MiniLM-L6-v2-int8" and builtin.dimensions == 384
    with pytest.raises(EmbeddingError, match=r"no model\.onnx"):
        LocalOnnxEmbedder.load(str(tmp_path), tmp_path)
    with pytest.raises(EmbeddingError, match="not 'builtin'"):
        LocalOnnxEmbedder.load("./does/not/exist", tmp_path)


async def test_openai_backend_reports_service_errors(builtin: LocalOnnxEmbedder) -> None:
    server = EmbeddingsServer(builtin, api_key="right")
    try:
        async with httpx.AsyncClient() as http:
            wrong = OpenAIEmbedder(http, server.url, "minilm", api_key="wrong", max_retries=0)
            with pytest.raises(EmbeddingError, match="401"):
                await wrong.embed(["hello"])
            good = OpenAIEmbedder(http, server.url, "minilm", api_key="right", batch_size=2)
            await good.embed(["a", "b", "c", "d", "e"])
            assert [len(r["input"]) for r in server.requests[1:]] == [2, 2, 1]  # batching
            assert good.model == "openai:minilm" and good.dimensions == 384
    finally:
        server.close()


def test_the_default_embedder_loads_nothing_heavy_until_used(tmp_path: Path) -> None:
    """An API process that never embeds never imports onnxruntime nor loads the model (idle memory)."""
    script = f"""
import asyncio, sys, httpx
from codemill.search.factory import build_embedder
from codemill.settings import Settings

async def main():
    async with httpx.AsyncClient() as http:
        embedder = await build_embedder(Settings(_env_file=None, data_dir={str(tmp_path)!r}), http)
    assert embedder.model == "all-MiniLM-L6-v2-int8", embedder.model
    assert "onnxruntime" not in sys.modules, "onnxruntime imported before use"
    vectors = await embedder.embed(["hello"])
    assert len(vectors[0]) == 384 and "onnxruntime" in sys.modules
    print("ok")

asyncio.run(main())
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr[-2000:]
