"""Tools an assistant's datasources give its agent: knowledge-base search; for git datasources also code
search, the repository's file tree and reading a file. Every call checks the caller's access again."""

from __future__ import annotations

import re
from typing import Any, Protocol, runtime_checkable

from sqlalchemy.ext.asyncio import AsyncSession

from codemill.auth import policy
from codemill.datasources import repository, retrieval
from codemill.datasources.runtime import IndexingRuntime
from codemill.datasources.sync import GIT
from codemill.models import Assistant, Datasource, DatasourceStatus
from codemill.search.embeddings import Embedder
from codemill.tools.base import Tool, ToolContext, ToolError

UNSAFE = re.compile(r"[^a-zA-Z0-9_-]+")
TREE_LIMIT = 500
READ_LIMIT = 60_000


@runtime_checkable
class IndexingResources(Protocol):
    """What datasource tools use of the process's Resources besides ToolResources: the indexing runtime."""

    indexing: IndexingRuntime


def tool_name(prefix: str, datasource: str) -> str:
    """A valid, unique-per-datasource tool name (^[a-zA-Z0-9_-]{1,64}$)."""
    return (prefix + UNSAFE.sub("_", datasource))[:64]


class DatasourceTool:
    """Shared plumbing: find the datasource again and check the caller may see it."""

    name: str
    description: str
    parameters: dict[str, Any]

    def __init__(self, datasource: Datasource) -> None:
        self.datasource_id = datasource.id
        self.datasource_name = datasource.name

    async def _visible(self, session: AsyncSession, ctx: ToolContext) -> Datasource:
        ds = await repository.get(session, self.datasource_id)
        if ds is None or not policy.can_view_datasource(ctx.principal, ds):
            raise ToolError(f"Datasource {self.datasource_name} is not available.")
        if (
            ds.status not in (DatasourceStatus.INDEXED, DatasourceStatus.INDEXING, DatasourceStatus.PAUSED)
            or ds.embedding_dims == 0
        ):
            raise ToolError(f"Datasource {self.datasource_name} is not indexed yet (status: {ds.status}).")
        return ds

    @staticmethod
    def _embedder(ctx: ToolContext) -> Embedder:
        if not isinstance(ctx.resources, IndexingResources):
            raise ToolError("Datasource search is not available in this process.")
        return ctx.resources.indexing.embedder


class SearchTool(DatasourceTool):
    """Hybrid search in one datasource (knowledge base or code)."""

    def __init__(self, datasource: Datasource, code: bool) -> None:
        super().__init__(datasource)
        kind = "code repository" if code else "knowledge base"
        self.name = tool_name("search_code_" if code else "search_kb_", datasource.name)
        self.description = (
            f"Search the {kind} '{datasource.name}'"
            + (f" ({datasource.description})" if datasource.description else "")
            + ". Returns the most relevant passages with their source and score."
        )
        self.parameters = {
            "type": "object",
            "properties": {
                "query": {"type": "string", "description": "What to look for, in natural language or keywords."},
                "top_k": {"type": "integer", "description": "How many passages (1-20).", "default": 5},
            },
            "required": ["query"],
        }

    async def run(self, args: dict[str, Any], ctx: ToolContext) -> str:
        query = str(args.get("query") or "").strip()
        if not query:
            raise ToolError("query is required")
        top_k = min(max(int(args.get("top_k") or 5), 1), 20)
        async with ctx.sessions() as session:
            ds = await self._visible(session, ctx)
            hits = await retrieval.search(session, ctx.principal, self._embedder(ctx), [ds], query, top_k)
            return retrieval.hits_text(hits, {ds.id: ds.name})


class FileTreeTool(DatasourceTool):
    """The repository's indexed files."""

    def __init__(self, datasource: Datasource) -> None:
        super().__init__(datasource)
        self.name = tool_name("get_repository_file_tree_", datasource.name)
        self.description = f"List the files of the repository '{datasource.name}' (optionally under a directory)."
        self.parameters = {
            "type": "object",
            "properties": {"path": {"type": "string", "description": "A directory to list; empty for the root."}},
            "required": [],
        }

    async def run(self, args: dict[str, Any], ctx: ToolContext) -> str:
        prefix = str(args.get("path") or "").strip().strip("/")
        async with ctx.sessions() as session:
            ds = await self._visible(session, ctx)
            paths = await repository.file_tree(session, ds.id, prefix, TREE_LIMIT + 1)
        if not paths:
            return f"No files under '{prefix or '/'}'."
        more = "\n… (more files not shown)" if len(paths) > TREE_LIMIT else ""
        return "\n".join(paths[:TREE_LIMIT]) + more


class ReadFileTool(DatasourceTool):
    """A file of the repository, as indexed."""

    def __init__(self, datasource: Datasource) -> None:
        super().__init__(datasource)
        self.name = tool_name("read_file_", datasource.name)
        self.description = f"Read a file of the repository '{datasource.name}' by its path."
        self.parameters = {
            "type": "object",
            "properties": {"file_path": {"type": "string", "description": "The file's path in the repository."}},
            "required": ["file_path"],
        }

    async def run(self, args: dict[str, Any], ctx: ToolContext) -> str:
        path = str(args.get("file_path") or "").strip().lstrip("/")
        async with ctx.sessions() as session:
            ds = await self._visible(session, ctx)
            chunks = await repository.chunks_of(session, ds.id, path)
        if not chunks:
            raise ToolError(f"No file '{path}' in {ds.name}; use the file tree tool to find paths.")
        content = "\n".join(chunks)
        return content if len(content) <= READ_LIMIT else content[:READ_LIMIT] + "\n… (truncated)"


async def tools_for(assistant: Assistant, ctx: ToolContext) -> list[Tool]:
    """The tools of the datasources in the assistant's context that the caller may see."""
    tools: list[Tool] = []
    async with ctx.sessions() as session:
        for entry in assistant.context or []:
            name = str((entry or {}).get("name") or "")
            ds = await repository.by_name(session, assistant.project, name) if name else None
            if ds is None or not policy.can_view_datasource(ctx.principal, ds):
                continue
            if ds.index_type == GIT:
                tools += [SearchTool(ds, code=True), FileTreeTool(ds), ReadFileTool(ds)]
            else:
                tools.append(SearchTool(ds, code=False))
    return tools
