"""Search latency and recall at scale: 100k and 1M chunks of synthetic clustered 384-d vectors.

The vectors look like sentence embeddings (unit length, clustered around topics); each chunk also has
text for the full-text side. After a bulk load (binary COPY) the HNSW index is built as the migration
defines it (m=16, ef_construction=128). Figures per size: latency p50/p99 of the vector query (as
search runs it: HNSW, filtered by datasource) at hnsw.ef_search 100, 200 (the default) and 400, with
its recall@10 against exact (brute-force) search, and of the whole hybrid search (vector + full text +
RRF + fetch) at the default.
Targets: p99 <= 50 ms at 1M, recall@10 >= 0.95. `python -m bench search [sizes...]`.
"""

from __future__ import annotations

import asyncio
import struct
import sys
import time
from collections.abc import AsyncIterator, Iterator

import numpy as np
from sqlalchemy import text

from bench.common import percentile, report
from bench.datasource_common import BenchDatabase, bench_database, new_datasource
from codemill.search.hybrid import EF_SEARCH, hybrid_search, vector_candidates

DIMS = 384
CLUSTERS = 2000
VOCAB = [f"term{i}" for i in range(5000)]
QUERIES = 300
EF_VALUES = (100, EF_SEARCH, 400)
COLUMNS = ["datasource_id", "item_path", "chunk_key", "ordinal", "content", "meta", "dims", "embedding"]


def vectors(rng: np.random.Generator, centroids: np.ndarray, count: int) -> np.ndarray:
    """Unit vectors near random centroids."""
    picks = rng.integers(0, len(centroids), count)
    noise = rng.normal(0, 0.045, (count, DIMS)).astype(np.float32)
    out = centroids[picks] + noise
    out /= np.linalg.norm(out, axis=1, keepdims=True)
    return out.astype(np.float32)


def copy_rows(datasource_id: str, start: int, block: np.ndarray, rng: np.random.Generator) -> bytes:
    """PostgreSQL binary COPY tuples (pgvector's binary form for the embedding)."""
    ds = datasource_id.encode()
    out = bytearray()
    words = rng.integers(0, len(VOCAB), (len(block), 12))
    meta = b"{}"
    for offset, vector in enumerate(block):
        n = start + offset
        fields = (
            ds,
            f"docs/{n // 10}.md".encode(),
            str(n).encode(),
            struct.pack(">i", n % 10),
            " ".join(VOCAB[w] for w in words[offset]).encode(),
            meta,
            struct.pack(">i", DIMS),
            struct.pack(">hh", DIMS, 0) + vector.astype(">f4").tobytes(),
        )
        out += struct.pack(">h", len(fields))
        for field in fields:
            out += struct.pack(">i", len(field)) + field
    return bytes(out)


def copy_stream(datasource_id: str, data: np.ndarray, start: int, rng: np.random.Generator) -> Iterator[bytes]:
    yield b"PGCOPY\n\xff\r\n\x00" + struct.pack(">ii", 0, 0)
    for i in range(0, len(data), 20_000):
        yield copy_rows(datasource_id, start + i, data[i : i + 20_000], rng)
    yield struct.pack(">h", -1)


async def load(db: BenchDatabase, datasource_id: str, data: np.ndarray, start: int, rng: np.random.Generator) -> None:
    """Bulk-load with binary COPY, then (re)build the HNSW index and analyze."""
    async with db.engine.connect() as conn:
        raw = await conn.get_raw_connection()
        driver = raw.driver_connection
        await driver.execute("DROP INDEX IF EXISTS ix_datasource_chunks_hnsw_384")
        await driver.copy_to_table(
            "datasource_chunks",
            source=_aiter(copy_stream(datasource_id, data, start, rng)),
            columns=COLUMNS,
            format="binary",
        )
        await driver.execute("SET maintenance_work_mem = '6GB'; SET max_parallel_maintenance_workers = 1")
        await driver.execute(
            "CREATE INDEX ix_datasource_chunks_hnsw_384 ON datasource_chunks USING hnsw "
            "((embedding::vector(384)) vector_cosine_ops) WITH (m = 16, ef_construction = 128) WHERE dims = 384"
        )
        await driver.execute("VACUUM ANALYZE datasource_chunks")
        await conn.commit()


async def _aiter(blocks: Iterator[bytes]) -> AsyncIterator[bytes]:
    for block in blocks:
        yield block


async def measure(
    db: BenchDatabase, datasource_id: str, data: np.ndarray, queries: np.ndarray, rng: np.random.Generator
) -> list[dict[str, object]]:
    """Per ef_search: vector latency and recall@10; hybrid latency at the default."""
    exact = np.argsort(-(data @ queries.T), axis=0)[:10].T  # row index = chunk_key
    rows: list[dict[str, object]] = []
    for ef in EF_VALUES:
        vector_ms, hybrid_ms, recalls = [], [], []
        for q, vector in enumerate(queries):
            async with db.sessions() as session:
                started = time.perf_counter()
                found = await vector_candidates(session, [datasource_id], DIMS, vector.tolist(), 10, ef_search=ef)
                vector_ms.append((time.perf_counter() - started) * 1000)
                keys = await session.execute(
                    text("SELECT chunk_key FROM datasource_chunks WHERE id = ANY(:ids)"), {"ids": [i for i, _ in found]}
                )
                recalls.append(len({int(k) for (k,) in keys} & set(exact[q].tolist())) / 10)
                if ef == EF_SEARCH:
                    words = " ".join(VOCAB[w] for w in rng.integers(0, len(VOCAB), 3))
                    started = time.perf_counter()
                    await hybrid_search(session, [datasource_id], words, vector.tolist(), DIMS, top_k=10)
                    hybrid_ms.append((time.perf_counter() - started) * 1000)
                await session.rollback()
        rows.append(
            {
                "ef_search": ef,
                "vector_p50_ms": round(percentile(vector_ms[10:], 50), 2),
                "vector_p99_ms": round(percentile(vector_ms[10:], 99), 2),
                "recall_at_10": round(float(np.mean(recalls)), 4),
                "hybrid_p50_ms": round(percentile(hybrid_ms[10:], 50), 2) if hybrid_ms else None,
                "hybrid_p99_ms": round(percentile(hybrid_ms[10:], 99), 2) if hybrid_ms else None,
            }
        )
    return rows


async def run(sizes: list[int]) -> None:
    rng = np.random.default_rng(7)
    centroids = rng.normal(0, 1, (CLUSTERS, DIMS)).astype(np.float32)
    centroids /= np.linalg.norm(centroids, axis=1, keepdims=True)
    rows = []
    async with bench_database() as db:
        datasource_id = await new_datasource(db, "knowledge_base_file", {}, model="synthetic", dims=DIMS)
        data = np.zeros((0, DIMS), dtype=np.float32)
        for size in sorted(sizes):
            extra = vectors(rng, centroids, size - len(data))
            started = time.perf_counter()
            await load(db, datasource_id, extra, len(data), rng)
            build_s = time.perf_counter() - started
            data = np.concatenate([data, extra])
            queries = vectors(rng, centroids, QUERIES)
            for measured in await measure(db, datasource_id, data, queries, rng):
                rows.append({"chunks": size, "load_and_index_s": round(build_s, 1), **measured})
                print(rows[-1], flush=True)
    report("search", rows, {"vector_p99_ms_at_1M": "<= 50", "recall_at_10": ">= 0.95"})


def main() -> None:
    """Entry point."""
    args = sys.argv[2:] if len(sys.argv) > 1 and sys.argv[1] == "search" else []
    asyncio.run(run([int(a) for a in args] or [100_000, 1_000_000]))


if __name__ == "__main__":
    main()
