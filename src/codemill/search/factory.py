"""Build the configured embedder: local ONNX (embedded default), OpenAI-compatible (production), or hashing."""

from __future__ import annotations

import httpx

from codemill.search.backends.lazy import LazyEmbedder
from codemill.search.backends.local_model import BUILTIN, model_id
from codemill.search.embeddings import Embedder
from codemill.settings import Settings

DEFAULT_OPENAI_MODEL = "text-embedding-3-small"


def embeddings_backend(settings: Settings) -> str:
    """The backend in force: the configured one, else OpenAI-compatible when an LLM proxy is set, else local."""
    if settings.embeddings.backend is not None:
        return settings.embeddings.backend
    return "openai" if settings.llm.base_url or settings.embeddings.base_url else "local"


async def build_embedder(settings: Settings, http: httpx.AsyncClient) -> Embedder:
    """The embedder for this process (a local model loads on its first use, on a thread)."""
    conf = settings.embeddings
    backend = embeddings_backend(settings)
    if backend == "hashing":
        from codemill.search.backends.hashing import HashingEmbedder  # numpy: only when used

        return HashingEmbedder(conf.dimensions or 384, conf.batch_size)
    if backend == "local":
        spec = conf.model or BUILTIN

        def load() -> Embedder:
            from codemill.search.backends.local_onnx import LocalOnnxEmbedder  # onnxruntime: only when used

            return LocalOnnxEmbedder.load(
                spec, settings.data_dir / "models", batch_size=conf.batch_size, max_tokens=conf.max_tokens,
                threads=conf.threads,
            )  # fmt: skip

        return LazyEmbedder(model_id(spec), conf.batch_size, load)
    base_url = conf.base_url or settings.llm.base_url
    if not base_url:
        raise ValueError("CODEMILL_EMBEDDINGS__BASE_URL (or CODEMILL_LLM__BASE_URL) is needed for openai embeddings")
    api_key = conf.api_key or settings.llm.api_key
    from codemill.search.backends.openai_compat import OpenAIEmbedder  # numpy: only when used

    embedder = OpenAIEmbedder(
        http,
        base_url,
        conf.model or DEFAULT_OPENAI_MODEL,
        api_key=api_key.get_secret_value() if api_key else None,
        api_version=settings.llm.api_version,
        dimensions=conf.dimensions,
        batch_size=conf.batch_size,
    )
    return embedder
