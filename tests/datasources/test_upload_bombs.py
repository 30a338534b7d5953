"""Upload bombs through the files datasource API: refused before parsing, named with their reason in the
datasource's status, and the rest of the upload still indexed; a datasource of bombs only has failed."""

from __future__ import annotations

from collections.abc import Callable

from codemie_sdk.models.datasource import DataSourceStatus, FileDataSourceRequest

from tests.conftest import TestUser
from tests.datasources.bombs import MIB, docx_bomb, pptx_bomb, xlsx_bomb
from tests.datasources.support import ds_name, search, wait_for

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
NOTE = "The pager rotation changes every Monday at nine."


def test_bombs_are_skipped_with_their_reasons_and_the_rest_is_indexed(make_user: Callable[..., TestUser]) -> None:
    owner = make_user("ds-bombs")
    bomb = docx_bomb(100 * MIB)
    assert len(bomb) < MIB
    files = [
        ("memo.docx", bomb, DOCX),
        ("book.xlsx", xlsx_bomb(100 * MIB), XLSX),
        ("deck.pptx", pptx_bomb(100 * MIB), PPTX),
        ("notes.txt", NOTE.encode(), "text/plain"),
    ]
    created = owner.client.datasources.create_file_datasource(
        FileDataSourceRequest(name=ds_name("bombs"), project_name=owner.email, description="d"), files
    )
    ds = wait_for(owner.http, created["id"])
    assert ds["progress"]["items_done"] == 1 and ds["progress"]["items_skipped"] == 3
    assert ds["processed_files"] == ["notes.txt"]
    reasons = {f["path"]: f["reason"] for f in ds["skipped_files"]}
    assert set(reasons) == {"memo.docx", "book.xlsx", "deck.pptx"}
    assert all("refused: archive would inflate to 99." in reason for reason in reasons.values()), reasons
    assert ds["text"].startswith("3 of 4 file(s) skipped: book.xlsx: refused: archive would inflate")
    hits = search(owner.http, created["id"], "when does the pager rotation change").json()["metadata"]["results"]
    assert hits[0]["item_path"] == "notes.txt"


def test_a_datasource_of_bombs_only_fails_with_the_reason(make_user: Callable[..., TestUser]) -> None:
    owner = make_user("ds-bomb-only")
    created = owner.client.datasources.create_file_datasource(
        FileDataSourceRequest(name=ds_name("bombonly"), project_name=owner.email, description="d"),
        [("memo.docx", docx_bomb(100 * MIB), DOCX)],
    )
    ds = wait_for(owner.http, created["id"], statuses=("failed",))
    assert ds["text"].startswith("Nothing was indexed: 1 file(s) skipped: memo.docx: refused: archive would inflate")
    assert ds["progress"]["chunks_total"] == 0
    assert owner.client.datasources.get(created["id"]).status == DataSourceStatus.FAILED


def test_a_zip_upload_is_refused_at_once(make_user: Callable[..., TestUser]) -> None:
    owner = make_user("ds-zip")
    response = owner.http.post(
        "/v1/index/knowledge_base/file",
        params={"name": ds_name("zip"), "project_name": owner.email},
        files=[("files", ("archive.zip", docx_bomb(8 * MIB), "application/zip"))],
    )
    assert response.status_code == 422, response.text
    assert "archive.zip" in response.json()["error"]["message"]
