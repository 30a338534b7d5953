"""Search over datasources the caller may see: embed the query, hybrid-search, report scored chunks."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from codemill.auth import policy
from codemill.auth.principal import Principal
from codemill.datasources import repository
from codemill.errors import Conflict
from codemill.models import Datasource
from codemill.search.embeddings import Embedder
from codemill.search.hybrid import SearchHit, hybrid_search


async def search(
    session: AsyncSession,
    principal: Principal,
    embedder: Embedder,
    datasources: list[Datasource],
    query: str,
    top_k: int,
) -> list[SearchHit]:
    """Top chunks across the given datasources; each one is checked against the caller's access again."""
    allowed = [ds for ds in datasources if policy.can_view_datasource(principal, ds)]
    searchable = [ds for ds in allowed if ds.embedding_dims > 0]
    stale = [ds.name for ds in searchable if ds.embeddings_model != embedder.model]
    if stale:
        raise Conflict(
            "Datasource was indexed with another embeddings model",
            details={"datasources": stale, "model": embedder.model},
            help="Reindex the datasource (full reindex) to search it with the current model.",
        )
    if not searchable:
        return []
    vector = (await embedder.embed([query]))[0]
    code = any(ds.index_type == "code" for ds in searchable)
    return await hybrid_search(
        session, [ds.id for ds in searchable], query, vector, searchable[0].embedding_dims, top_k=top_k, code=code
    )


def hits_text(hits: list[SearchHit], names: dict[str, str]) -> str:
    """Results as text for a model: source, location and content of each chunk."""
    if not hits:
        return "No matching content found."
    blocks = []
    for n, hit in enumerate(hits, 1):
        where = hit.item_path
        if "start_line" in hit.meta:
            where += f" (lines {hit.meta['start_line']}-{hit.meta.get('end_line')})"
        blocks.append(f"[{n}] {names.get(hit.datasource_id, '')}: {where} (score {hit.score:.4f})\n{hit.content}")
    return "\n\n---\n\n".join(blocks)


async def visible_by_ids(session: AsyncSession, principal: Principal, ids: list[str]) -> list[Datasource]:
    """The datasources among `ids` the caller may see (others are silently left out)."""
    found = []
    for datasource_id in ids:
        ds = await repository.get(session, datasource_id)
        if ds is not None and policy.can_view_datasource(principal, ds):
            found.append(ds)
    return found
