"""Indexing throughput of a large generated git repository against the embedder's own raw throughput.

A repository of N files (default 10,000; several languages) is served over HTTP on loopback and indexed
by the real pipeline (clone, tree, chunking, embedding, chunk storage with progress, commits per batch)
with the packaged local model. Then the same chunk texts go straight through the embedder, in the same
batches. Figures: files/s and chunks/s of each, and their ratio (target >= 0.8: the pipeline around the
embedder costs at most 20%). `python -m bench indexing [files]`.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import text
from tests.datasources.gitserver import GitServer, populate

from bench.common import report
from bench.datasource_common import bench_database, new_datasource
from codemill.datasources.indexer import Indexer, IndexingEnv
from codemill.kit.outbound import OutboundClient
from codemill.search.backends.local_onnx import BUILTIN, LocalOnnxEmbedder
from codemill.search.chunking import chunk_item
from codemill.settings import Settings


async def raw_seconds(embedder: LocalOnnxEmbedder, texts: list[str]) -> float:
    """Seconds to embed the texts in the pipeline's batch size."""
    batch = max(embedder.batch_size * 2, 16)
    started = time.perf_counter()
    for i in range(0, len(texts), batch):
        await embedder.embed(texts[i : i + batch])
    return time.perf_counter() - started


async def run(files: int) -> None:
    with tempfile.TemporaryDirectory(prefix="codemill-repo-") as tmp:
        repo = GitServer(Path(tmp))
        paths = populate(repo, files)
        repo.commit("bench")
        settings = Settings(_env_file=None)  # type: ignore[call-arg]
        settings.datasources.allow_insecure_http = True
        embedder = LocalOnnxEmbedder.load(BUILTIN, Path(tmp) / "models", batch_size=settings.embeddings.batch_size)
        # The texts the pipeline embeds (path + chunk), for the embedder's own run.
        texts = []
        for path in paths:
            body = (Path(tmp) / "work" / path).read_text()
            texts += [f"{path}\n{c.text}" for c in chunk_item(path, body, settings.datasources.chunk_chars, 0)]
        # The machine is shared: the raw run goes before and after the pipeline, and the mean is used.
        raw_before = await raw_seconds(embedder, texts)
        async with bench_database() as db:
            settings.data_dir = db.root / "data"
            outbound = OutboundClient(allow_private=True)
            ds_id = await new_datasource(db, "code", {"link": repo.url, "branch": "main", "files_filter": ""})
            env = IndexingEnv(settings, db.sessions, embedder, outbound)
            started = time.perf_counter()
            await Indexer(env, ds_id, "full", None).run()
            pipeline_s = time.perf_counter() - started
            async with db.engine.connect() as conn:
                chunks = int((await conn.execute(text("SELECT count(*) FROM datasource_chunks"))).scalar_one())
                status = (
                    await conn.execute(text("SELECT status FROM datasources WHERE id = :d"), {"d": ds_id})
                ).scalar_one()
            await outbound.aclose()
        raw_after = await raw_seconds(embedder, texts)
        repo.close()
        assert status == "indexed", status
    raw_s = (raw_before + raw_after) / 2
    rows = [
        {"run": "pipeline", "files": files, "chunks": chunks, "seconds": round(pipeline_s, 1),
         "files_per_s": round(files / pipeline_s, 1), "chunks_per_s": round(chunks / pipeline_s, 1)},
        {"run": "embedder_raw (mean of before/after)", "files": files, "chunks": len(texts), "seconds": round(raw_s, 1),
         "files_per_s": round(files / raw_s, 1), "chunks_per_s": round(len(texts) / raw_s, 1)},
        {"run": "embedder_raw before | after (s)", "files": files, "chunks": len(texts),
         "seconds": f"{raw_before:.1f} | {raw_after:.1f}", "files_per_s": None, "chunks_per_s": None},
        {"run": "ratio pipeline/raw", "files": files, "chunks": chunks, "seconds": None, "files_per_s": None,
         "chunks_per_s": round((chunks / pipeline_s) / (len(texts) / raw_s), 3)},
    ]  # fmt: skip
    report("indexing", rows, {"ratio_pipeline_to_raw_chunks_per_s": ">= 0.8"})


def main() -> None:
    """Entry point."""
    files = int(sys.argv[2]) if len(sys.argv) > 2 and sys.argv[1] == "indexing" else 10_000
    asyncio.run(run(files))


if __name__ == "__main__":
    main()
