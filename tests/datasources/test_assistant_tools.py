"""Datasource tools for agents, run against the real database: code search, file tree, read file, and
the caller's access checked on every call."""

from __future__ import annotations

import json
from types import SimpleNamespace

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from codemill.auth.principal import Principal
from codemill.datasources.assistant_tools import tools_for
from codemill.models import Assistant, DatasourceItem
from codemill.models.base import new_id
from codemill.search.backends.hashing import HashingEmbedder
from codemill.search.hybrid import vector_literal
from codemill.tools.base import ToolContext, ToolError
from tests.datasources.support import seed_datasource

FILES = {
    "src/app/main.py": ["def main():\n    start_server(port=8080)", "def stop():\n    shutdown_gracefully()"],
    "src/app/util.py": ["def slugify(text):\n    return text.lower().replace(' ', '-')"],
    "README.md": ["# Demo\n\nRun `make run` to start the server."],
}


async def _seed(sessions: async_sessionmaker, embedder: HashingEmbedder) -> tuple[Assistant, Principal, Principal]:  # type: ignore[type-arg]
    async with sessions() as session:
        owner, project, ds = await seed_datasource(
            session, index_type="code", name="repo", status="indexed", embeddings_model=embedder.model, dims=384,
            member=False,
        )  # fmt: skip
        for path, chunks in FILES.items():
            session.add(
                DatasourceItem(datasource_id=ds.id, path=path, content_hash="h", state="done", chunk_count=len(chunks))
            )
            for ordinal, (content, vector) in enumerate(zip(chunks, await embedder.embed(chunks), strict=True)):
                await session.execute(
                    text("INSERT INTO datasource_chunks (datasource_id, item_path, chunk_key, ordinal, content, meta, dims, embedding) "
                         "VALUES (:d, :p, :k, :o, :c, CAST(:m AS json), 384, CAST(:e AS vector))"),
                    {"d": ds.id, "p": path, "k": new_id(), "o": ordinal, "c": content, "m": json.dumps({}), "e": vector_literal(vector)},
                )  # fmt: skip
        assistant = Assistant(
            name="a", project=project.name, created_by=owner.id, context=[{"context_type": "code", "name": "repo"}]
        )
        await session.commit()
    member = Principal(owner.id, owner.email, owner.username, "Owner", False, "local", projects={project.name: False})
    stranger = Principal(new_id(), "s@t.test", "s", "S", False, "local", projects={})
    return assistant, member, stranger


async def test_code_tools_search_list_and_read(engine: AsyncEngine) -> None:
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    embedder = HashingEmbedder()
    assistant, owner, stranger = await _seed(sessions, embedder)
    resources = SimpleNamespace(indexing=SimpleNamespace(embedder=embedder))
    async with httpx.AsyncClient() as http:
        ctx = ToolContext(owner, assistant.project, None, None, sessions, http, resources)
        tools = {t.name: t for t in await tools_for(assistant, ctx)}
        assert set(tools) == {"search_code_repo", "get_repository_file_tree_repo", "read_file_repo"}

        found = await tools["search_code_repo"].run({"query": "slugify text"}, ctx)
        assert found.startswith("[1] repo: src/app/util.py")
        tree = await tools["get_repository_file_tree_repo"].run({"path": "src/app"}, ctx)
        assert tree.splitlines() == ["src/app/main.py", "src/app/util.py"]
        content = await tools["read_file_repo"].run({"file_path": "src/app/main.py"}, ctx)
        assert content == "\n".join(FILES["src/app/main.py"])
        with pytest.raises(ToolError, match="No file"):
            await tools["read_file_repo"].run({"file_path": "nope.py"}, ctx)

        outsider = ToolContext(stranger, assistant.project, None, None, sessions, http, resources)
        assert await tools_for(assistant, outsider) == []
        with pytest.raises(ToolError, match="not available"):
            await tools["search_code_repo"].run({"query": "slugify"}, outsider)
