"""Hybrid search on real PostgreSQL: RRF of vector + full text, path matches first, datasource filter."""

from __future__ import annotations

import json

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from codemill.models import Datasource, Project, User
from codemill.models.base import new_id
from codemill.search.backends.hashing import HashingEmbedder
from codemill.search.hybrid import hybrid_search, vector_literal

DOCS = {
    "billing/invoice.py": "def total(invoice):\n    return sum(line.amount for line in invoice.lines)",
    "billing/tax.py": "def vat(amount):\n    return amount * 0.2  # value added tax",
    "docs/onboarding.md": "New engineers get a laptop and an account on their first day.",
    "docs/holidays.md": "The office is closed between Christmas and New Year.",
}


async def _datasource(session: AsyncSession, embedder: HashingEmbedder, docs: dict[str, str]) -> str:
    user = User(email=f"{new_id()}@x.test", username=new_id(), name="n", picture="", auth_source="local",
                is_admin=False, is_maintainer=False, is_active=True, preferences={})  # fmt: skip
    project = Project(name=new_id(), project_type="shared")
    session.add_all([user, project])
    await session.flush()
    ds = Datasource(project_name=project.name, name="code", index_type="code", created_by=user.id, creator={},
                    shared_with_project=False, config={}, embeddings_model=embedder.model, embedding_dims=384,
                    status="indexed", items_total=0, items_done=0, items_skipped=0, chunks_total=0, chunks_done=0)  # fmt: skip
    session.add(ds)
    await session.flush()
    vectors = await embedder.embed(list(docs.values()))
    for (path, content), vector in zip(docs.items(), vectors, strict=True):
        await session.execute(
            text("INSERT INTO datasource_chunks (datasource_id, item_path, chunk_key, ordinal, content, meta, dims, embedding) "
                 "VALUES (:d, :p, :k, 0, :c, CAST(:m AS json), 384, CAST(:e AS vector))"),
            {"d": ds.id, "p": path, "k": new_id(), "c": content, "m": json.dumps({}), "e": vector_literal(vector)},
        )  # fmt: skip
    return ds.id


async def test_hybrid_ranks_fuses_and_filters(db_session: AsyncSession) -> None:
    embedder = HashingEmbedder()
    mine = await _datasource(db_session, embedder, DOCS)
    other = await _datasource(db_session, embedder, {"secret/plan.md": "value added tax secret plan"})

    query = "value added tax"
    vector = (await embedder.embed([query]))[0]
    hits = await hybrid_search(db_session, [mine], query, vector, 384, top_k=3)
    assert hits[0].item_path == "billing/tax.py"
    assert hits[0].text_score and hits[0].vector_score and hits[0].score > hits[-1].score
    assert all(h.datasource_id == mine for h in hits)  # the other datasource's chunk never leaks

    path_query = "explain docs/holidays.md please"
    hits = await hybrid_search(
        db_session, [mine], path_query, (await embedder.embed([path_query]))[0], 384, top_k=2, code=True
    )
    assert hits[0].item_path == "docs/holidays.md" and hits[0].path_match
    both = await hybrid_search(db_session, [mine, other], query, vector, 384, top_k=10)
    assert {h.datasource_id for h in both} == {mine, other}
    assert await hybrid_search(db_session, [], query, vector, 384) == []
