"""Helpers for datasource tests: real documents, waiting for indexing, reading the database."""

from __future__ import annotations

import io
from typing import Any

import docx
import httpx
from fpdf import FPDF
from sqlalchemy.ext.asyncio import AsyncSession

from codemill.models import Datasource, Project, ProjectMember, User
from codemill.models.base import new_id
from tests.support.waiting import wait_until


async def seed_datasource(
    session: AsyncSession,
    *,
    index_type: str = "knowledge_base_file",
    name: str = "docs",
    status: str = "pending",
    config: dict[str, Any] | None = None,
    embeddings_model: str = "",
    dims: int = 0,
    member: bool = True,
) -> tuple[User, Project, Datasource]:
    """A user, a project of their own (as a member unless told otherwise) and an empty datasource, flushed."""
    user = User(email=f"{new_id()}@t.test", username=new_id(), name="Owner", picture="", auth_source="local",
                is_admin=False, is_maintainer=False, is_active=True, preferences={})  # fmt: skip
    project = Project(name=f"ds-{new_id()[:8]}", project_type="shared")
    session.add_all([user, project])
    await session.flush()
    if member:
        session.add(ProjectMember(project_name=project.name, user_id=user.id, is_project_admin=False, is_default=True))
    ds = Datasource(project_name=project.name, name=name, index_type=index_type, created_by=user.id, creator={},
                    shared_with_project=False, config=config or {}, embeddings_model=embeddings_model,
                    embedding_dims=dims, status=status, items_total=0, items_done=0, items_skipped=0,
                    chunks_total=0, chunks_done=0)  # fmt: skip
    session.add(ds)
    await session.flush()
    return user, project, ds


def make_docx(paragraphs: list[str]) -> bytes:
    """A real .docx."""
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def make_pdf(paragraphs: list[str]) -> bytes:
    """A real PDF with a text layer."""
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    for text in paragraphs:
        pdf.multi_cell(0, 6, text)
        pdf.ln(4)
    return bytes(pdf.output())


def wait_for(
    http: httpx.Client, datasource_id: str, statuses: tuple[str, ...] = ("indexed",), timeout: float = 180.0
) -> dict[str, Any]:
    """Poll the datasource until its status is one of `statuses` (fail on 'failed' unless expected)."""
    body: dict[str, Any] = {}

    def reached() -> dict[str, Any] | None:
        response = http.get(f"/v1/index/{datasource_id}")
        assert response.status_code == 200, response.text
        body.clear()
        body.update(response.json())
        if body["status"] == "failed" and "failed" not in statuses:
            raise AssertionError(f"indexing failed: {body['text']}")
        return dict(body) if body["status"] in statuses else None

    return wait_until(
        reached,
        timeout=timeout,
        what=lambda: f"datasource {datasource_id} {statuses}; still {body.get('status')} {body.get('progress')}",
    )


def search(http: httpx.Client, datasource_id: str, query: str, top_k: int = 5) -> httpx.Response:
    """The direct search endpoint."""
    return http.post(f"/v1/index/{datasource_id}/search", json={"query": query, "code_search_params": {"top_k": top_k}})


def ds_name(prefix: str) -> str:
    """A unique datasource name in the SDK's alphabet (lowercase letters and underscores)."""
    import uuid

    return prefix + "_" + "".join(chr(ord("a") + int(c, 16)) for c in uuid.uuid4().hex[:10])
