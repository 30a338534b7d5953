"""Hybrid search: pgvector HNSW (cosine) and PostgreSQL full text, fused by reciprocal rank fusion.

Callers pass only datasource ids the caller may see (the access filter is decided in auth.policy); every
query is restricted to them. For code, chunks of a file whose path the query names exactly come first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

RRF_K = 60
# HNSW candidate list size (pgvector's hnsw.ef_search); bench/search.py shows recall and latency per value.
EF_SEARCH = 200
# Full text: at most this many matching chunks are ranked per query.
TEXT_RANK_CAP = 2000
WORD = re.compile(r"[A-Za-z0-9_]+")
PATHLIKE = re.compile(r"[\w./-]*\w\.\w+|[\w-]+(?:/[\w.-]+)+")


@dataclass
class SearchHit:
    """One chunk found, with the fused score and the ranks/scores it came from."""

    chunk_id: int
    datasource_id: str
    item_path: str
    ordinal: int
    content: str
    meta: dict[str, Any] = field(default_factory=dict)
    score: float = 0.0
    vector_score: float | None = None
    text_score: float | None = None
    path_match: bool = False


def vector_literal(vector: list[float]) -> str:
    """pgvector's text form."""
    return "[" + ",".join(f"{x:.6g}" for x in vector) + "]"


def query_words(query: str) -> list[str]:
    """The query's distinct words (safe inside to_tsquery: letters, digits, underscore)."""
    return list(dict.fromkeys(w.lower() for w in WORD.findall(query) if len(w) > 1))[:32]


async def vector_candidates(
    session: AsyncSession,
    datasource_ids: list[str],
    dims: int,
    embedding: list[float],
    limit: int,
    ef_search: int = EF_SEARCH,
) -> list[tuple[int, float]]:
    """(chunk id, cosine similarity) nearest first, through the HNSW index for `dims`."""
    dims = int(dims)
    await session.execute(text(f"SET LOCAL hnsw.ef_search = {max(int(ef_search), limit)}"))
    await session.execute(text("SET LOCAL hnsw.iterative_scan = relaxed_order"))
    rows = await session.execute(
        text(
            f"SELECT id, embedding::vector({dims}) <=> CAST(:q AS vector({dims})) AS distance "  # noqa: S608 (int)
            f"FROM datasource_chunks WHERE dims = {dims} AND datasource_id = ANY(:ids) "
            f"ORDER BY embedding::vector({dims}) <=> CAST(:q AS vector({dims})) LIMIT :limit"
        ),
        {"q": vector_literal(embedding), "ids": datasource_ids, "limit": limit},
    )
    return [(int(r.id), 1.0 - float(r.distance)) for r in rows]


async def text_candidates(
    session: AsyncSession, datasource_ids: list[str], query: str, limit: int, cap: int = TEXT_RANK_CAP
) -> list[tuple[int, float]]:
    """(chunk id, ts_rank_cd) best first: chunks with all the query's words, then (if too few) any of them.

    At most `cap` matching chunks are ranked per query, which bounds latency when words are common
    (such words say little; the vector side carries the meaning).
    """
    words = query_words(query)
    if not words:
        return []
    found = await _ranked(session, datasource_ids, " & ".join(words), limit, cap)
    if len(found) < limit and len(words) > 1:
        seen = {chunk_id for chunk_id, _ in found}
        more = await _ranked(session, datasource_ids, " | ".join(words), limit, cap)
        found += [(chunk_id, rank) for chunk_id, rank in more if chunk_id not in seen][: limit - len(found)]
    return found


async def _ranked(
    session: AsyncSession, datasource_ids: list[str], tsquery: str, limit: int, cap: int
) -> list[tuple[int, float]]:
    rows = await session.execute(
        text(
            "WITH q AS (SELECT to_tsquery('english', :q) AS q), "
            "matches AS (SELECT c.id, c.tsv FROM datasource_chunks c, q "
            "WHERE c.datasource_id = ANY(:ids) AND c.tsv @@ q.q LIMIT :cap) "
            "SELECT m.id, ts_rank_cd(m.tsv, q.q) AS rank FROM matches m, q ORDER BY rank DESC, m.id LIMIT :limit"
        ),
        {"q": tsquery, "ids": datasource_ids, "limit": limit, "cap": cap},
    )
    return [(int(r.id), float(r.rank)) for r in rows]


async def path_candidates(session: AsyncSession, datasource_ids: list[str], query: str) -> list[int]:
    """Chunks of files whose path the query names (whole path or a /-suffix of it)."""
    paths = {p.strip("./") for p in PATHLIKE.findall(query)}
    paths = {p for p in paths if p}
    if not paths:
        return []
    rows = await session.execute(
        text(
            "SELECT id FROM datasource_chunks WHERE datasource_id = ANY(:ids) AND "
            "(item_path = ANY(:paths) OR EXISTS (SELECT 1 FROM unnest(CAST(:suffixes AS text[])) s "
            "WHERE item_path LIKE s)) ORDER BY item_path, ordinal LIMIT 50"
        ),
        {
            "ids": datasource_ids,
            "paths": sorted(paths),
            "suffixes": ["%/" + p.replace("%", r"\%").replace("_", r"\_") for p in sorted(paths)],
        },
    )
    return [int(r.id) for r in rows]


async def hybrid_search(
    session: AsyncSession,
    datasource_ids: list[str],
    query: str,
    embedding: list[float],
    dims: int,
    *,
    top_k: int = 10,
    code: bool = False,
) -> list[SearchHit]:
    """Fuse vector and text rankings by RRF; exact path matches first when `code`."""
    if not datasource_ids or not query.strip():
        return []
    pool = max(top_k * 4, 40)
    vector = await vector_candidates(session, datasource_ids, dims, embedding, pool)
    textual = await text_candidates(session, datasource_ids, query, pool)
    exact = await path_candidates(session, datasource_ids, query) if code else []
    scores: dict[int, float] = {}
    for ranking in (vector, textual):
        for rank, (chunk_id, _) in enumerate(ranking):
            scores[chunk_id] = scores.get(chunk_id, 0.0) + 1.0 / (RRF_K + rank + 1)
    vector_scores = dict(vector)
    text_scores = dict(textual)
    ordered = sorted(scores, key=lambda cid: -scores[cid])
    exact_set = set(exact)
    ranked = [*exact, *(cid for cid in ordered if cid not in exact_set)][:top_k]
    if not ranked:
        return []
    rows = await session.execute(
        text(
            "SELECT id, datasource_id, item_path, ordinal, content, meta FROM datasource_chunks "
            "WHERE id = ANY(:ids) AND datasource_id = ANY(:ds)"
        ),
        {"ids": ranked, "ds": datasource_ids},
    )
    by_id = {int(r.id): r for r in rows}
    hits = []
    for position, chunk_id in enumerate(ranked):
        row = by_id.get(chunk_id)
        if row is None:
            continue
        fused = scores.get(chunk_id, 0.0) + (1.0 + (len(exact) - position) * 1e-3 if chunk_id in exact_set else 0.0)
        hits.append(
            SearchHit(
                chunk_id=chunk_id,
                datasource_id=row.datasource_id,
                item_path=row.item_path,
                ordinal=row.ordinal,
                content=row.content,
                meta=row.meta or {},
                score=round(fused, 6),
                vector_score=vector_scores.get(chunk_id),
                text_score=text_scores.get(chunk_id),
                path_match=chunk_id in exact_set,
            )
        )
    return hits
