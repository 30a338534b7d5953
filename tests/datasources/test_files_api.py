"""File datasources through the CodeMie SDK: real documents index, progress shows, search finds the passage."""

from __future__ import annotations

from collections.abc import Callable

from codemie_sdk.models.datasource import DataSourceStatus, DataSourceType, FileDataSourceRequest

from tests.conftest import TestUser
from tests.datasources.support import ds_name, make_docx, make_pdf, search, wait_for

DOCX_PASSAGE = "The staging cluster is rebuilt every Tuesday at 03:00 UTC by the platform team."
PDF_PASSAGE = "Refunds above 500 euros require approval from the finance controller within two business days."
MD_PASSAGE = "To rotate the signing key, run the rotate-keys command and restart every replica."


def test_file_datasource_indexes_and_searches(make_user: Callable[..., TestUser]) -> None:
    owner = make_user("ds-owner")
    project = owner.email  # the personal project
    name = ds_name("docs")
    files = [
        ("handbook.docx", make_docx(["Operations handbook", DOCX_PASSAGE, "Unrelated: the cafeteria opens at nine."]),
         "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("policy.pdf", make_pdf(["Finance policy", PDF_PASSAGE]), "application/pdf"),
        ("runbook.md", f"# Runbook\n\n## Keys\n\n{MD_PASSAGE}\n\n## Other\n\nNothing here.".encode(), "text/markdown"),
    ]  # fmt: skip
    created = owner.client.datasources.create_file_datasource(
        FileDataSourceRequest(name=name, project_name=project, description="team docs"), files
    )
    ds = wait_for(owner.http, created["id"])
    assert ds["progress"]["items_done"] == 3 and ds["progress"]["items_total"] == 3
    assert ds["progress"]["chunks_done"] == ds["progress"]["chunks_total"] > 0
    assert ds["embeddings_model"] == "all-MiniLM-L6-v2-int8"
    # Per-type fields are absent (not null) where they do not apply: a file datasource has no git or query fields.
    assert not {"link", "branch", "files_filter", "confluence", "jira"} & set(ds)
    assert ds["created_by"]["id"] == owner.id and ds["current_state"] == 3

    via_sdk = owner.client.datasources.get(created["id"])
    assert via_sdk.status == DataSourceStatus.COMPLETED and via_sdk.type == DataSourceType.FILE
    assert sorted(via_sdk.processed_documents or []) == ["handbook.docx", "policy.pdf", "runbook.md"]
    listed = owner.client.datasources.list(per_page=50, projects=[project])
    assert created["id"] in [d.id for d in listed]

    for question, path, passage in (
        ("When is the staging cluster rebuilt?", "handbook.docx", "every Tuesday at 03:00 UTC"),
        ("who approves large refunds", "policy.pdf", "finance controller"),
        ("how do I rotate the signing key", "runbook.md", "rotate-keys command"),
    ):
        response = search(owner.http, created["id"], question, top_k=3)
        assert response.status_code == 200, response.text
        top = response.json()["metadata"]["results"][0]
        assert top["item_path"] == path and passage in top["content"], (question, top)
        assert top["score"] > 0 and top["vector_score"] is not None


def test_file_update_reindexes_only_changed_files(make_user: Callable[..., TestUser]) -> None:
    owner = make_user("ds-upd")
    name = ds_name("upd")
    created = owner.client.datasources.create_file_datasource(
        FileDataSourceRequest(name=name, project_name=owner.email, description="d"),
        [
            ("a.txt", b"alpha document about apples", "text/plain"),
            ("b.txt", b"beta document about bananas", "text/plain"),
        ],
    )
    first = wait_for(owner.http, created["id"])
    response = owner.http.put(
        "/v1/index/knowledge_base/file",
        params={"name": name, "project_name": owner.email},
        files=[("files", ("a.txt", b"alpha document about apples", "text/plain")),
               ("files", ("c.txt", b"gamma document about cherries", "text/plain"))],
    )  # fmt: skip
    assert response.status_code == 200, response.text
    assert response.json()["changed_files"] == 1  # a.txt is unchanged (same content hash)
    second = wait_for(owner.http, created["id"])
    assert second["progress"]["items_done"] == 3
    assert second["progress"]["chunks_done"] == first["progress"]["chunks_done"] + 1
    hits = search(owner.http, created["id"], "cherries").json()["metadata"]["results"]
    assert hits[0]["item_path"] == "c.txt"


def test_upload_errors_are_clear(make_user: Callable[..., TestUser], live_server: object) -> None:
    owner = make_user("ds-bad")
    params = {"name": "bad_upload", "project_name": owner.email}
    unsupported = owner.http.post(
        "/v1/index/knowledge_base/file", params=params, files=[("files", ("x.exe", b"MZ", "application/octet-stream"))]
    )
    assert unsupported.status_code == 422 and "x.exe" in unsupported.json()["error"]["message"]
    empty = owner.http.post("/v1/index/knowledge_base/file", params=params)
    assert empty.status_code == 400 and empty.json()["error"]["details"] == {"field": "files"}
    bad_name = owner.http.post(
        "/v1/index/knowledge_base/file",
        params={**params, "name": "Bad Name"},
        files=[("files", ("a.txt", b"a", "text/plain"))],
    )
    assert bad_name.status_code == 422
