"""Files in chat, on a live server through the SDK: /v1/files uploads (type and size checks), downloads
for the owner only, and a chat whose model reads an attached PDF and XLSX with `read_attached_file`."""

from __future__ import annotations

import base64
import io
from collections.abc import Callable
from pathlib import Path

import pytest
import requests
import xlsxwriter
from codemie_sdk.models.assistant import AssistantChatRequest

from tests.conftest import USER_PASSWORD, TestUser, sdk_client, unique
from tests.datasources.support import make_pdf
from tests.plugins.scripted_model import ANSWER_HEADER, ScriptedModelServer
from tests.support.server import LiveServer

from .conftest import FILE_LIMIT
from .live import create_assistant, server_http

READER = "read_attached_file"
# A 1x1 PNG.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def _xlsx(rows: list[list[object]]) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet("Budget")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    book.close()
    return out.getvalue()


@pytest.fixture
def documents(tmp_path: Path) -> dict[str, Path]:
    files = {
        "contract.pdf": make_pdf(["Service agreement.", "The notice period is 45 days after written notice."]),
        "budget.xlsx": _xlsx([["Team", "Budget"], ["Payments", 120000], ["Search", 87500]]),
        "notes.txt": b"Call the vendor on Monday.",
        "fake.pdf": b"MZ\x90\x00 this is a program, not a PDF",
        "tool.exe": b"MZ\x90\x00",
        "diagram.png": PNG,
    }
    for name, content in files.items():
        (tmp_path / name).write_bytes(content)
    return {name: tmp_path / name for name in files}


def test_uploads_are_checked_and_only_the_owner_downloads(
    scripted_server: LiveServer, make_user: Callable[..., TestUser], documents: dict[str, Path]
) -> None:
    owner, other = make_user("file-owner"), make_user("file-other")
    client = sdk_client(scripted_server, owner.email, USER_PASSWORD)
    names = ["contract.pdf", "budget.xlsx", "notes.txt", "fake.pdf", "tool.exe"]
    result = client.files.bulk_upload([documents[n] for n in names])
    assert len(result.files) == 3
    failed = {f["file_name"]: f["message"] for f in result.failed_files or []}
    assert set(failed) == {"fake.pdf", "tool.exe"}
    assert "not a .pdf file" in failed["fake.pdf"] and "not accepted" in failed["tool.exe"]
    pdf_id = result.files[0].file_url
    assert client.files.get_file(pdf_id) == documents["contract.pdf"].read_bytes()

    with server_http(scripted_server.url, owner) as http:
        single = http.post("/v1/files/", files={"file": ("notes.md", b"# Notes\nship it", "text/markdown")})
        assert single.status_code == 200, single.text
        got = http.get(f"/v1/files/{single.json()['file_url']}")
        assert got.content == b"# Notes\nship it" and got.headers["x-content-type-options"] == "nosniff"
        assert got.headers["content-disposition"].startswith("attachment;")
        too_big = http.post("/v1/files/", files={"file": ("big.txt", b"a" * (FILE_LIMIT + 1), "text/plain")})
        assert too_big.status_code == 413 and too_big.json()["error"]["details"]["limit"] == FILE_LIMIT
        binary_text = http.post("/v1/files/", files={"file": ("data.csv", b"a,b\x00\x01", "text/csv")})
        assert binary_text.status_code == 400 and "NUL" in binary_text.json()["error"]["details"]
        many = http.post("/v1/files/bulk", files=[("files", (f"n{i}.txt", b"x", "text/plain")) for i in range(11)])
        assert many.status_code == 422

    # Anybody else is told the file does not exist; a share token opens nothing until share links check it.
    stranger = sdk_client(scripted_server, other.email, USER_PASSWORD)
    for token in (None, "made-up-share-token"):
        with pytest.raises(requests.HTTPError) as refused:
            stranger.files.get_file(pdf_id, share_token=token)
        assert refused.value.response.status_code == 404


def test_a_chat_answers_from_an_attached_pdf_and_spreadsheet(
    scripted_server: LiveServer,
    scripted: ScriptedModelServer,
    make_user: Callable[..., TestUser],
    documents: dict[str, Path],
) -> None:
    user, other = make_user("file-chat"), make_user("file-chat-other")
    client = sdk_client(scripted_server, user.email, USER_PASSWORD)
    uploaded = client.files.bulk_upload([documents["contract.pdf"], documents["budget.xlsx"], documents["diagram.png"]])
    file_ids = [f.file_url for f in uploaded.files]
    foreign = sdk_client(scripted_server, other.email, USER_PASSWORD).files.bulk_upload([documents["notes.txt"]])
    scripted.script.plan = [
        (READER, {"file_name": "contract.pdf"}),
        (READER, {"file_name": "budget.xlsx"}),
        (READER, {"file_name": "diagram.png"}),
    ]
    with server_http(scripted_server.url, user) as http:
        assistant_id = create_assistant(user, http, "Utilities", [])
        conversation_id = unique("files-chat")
        answer = client.assistants.chat(
            assistant_id,
            AssistantChatRequest(
                conversation_id=conversation_id,
                text="What is the notice period, and the Search team's budget?",
                # Another user's file in the list is ignored: it is not offered to the model.
                file_names=[*file_ids, foreign.files[0].file_url],
            ),
        )
        generated = str(answer.generated)
        assert generated.startswith(ANSWER_HEADER)
        assert "notice period is 45 days" in generated
        assert "Team: Search" in generated and "87500" in generated
        # The image went to the (vision) model, base64 in a data URL, and its description came back.
        png_chars = len(base64.b64encode(PNG))
        assert (
            f"Image 'diagram.png', as the model sees it:\nI see an image of {png_chars} base64 characters (image/png)"
            in generated
        )
        offered = {t["function"]["name"]: t["function"] for t in scripted.script.requests[-1]["tools"]}
        assert offered[READER]["parameters"]["properties"]["file_name"]["enum"] == [
            "contract.pdf",
            "budget.xlsx",
            "diagram.png",
        ]
        assert "notes.txt" not in offered[READER]["description"]
        # The conversation lists its files; a later turn without attachments can still read them.
        listed = http.get(f"/v1/conversations/{conversation_id}/files").json()
        assert set(file_ids) <= set(listed)
        scripted.script.plan = [(READER, {"file_name": "budget.xlsx"})]
        later = client.assistants.chat(
            assistant_id, AssistantChatRequest(conversation_id=conversation_id, text="And Payments?", history_index=1)
        )
        assert "Team: Payments" in str(later.generated)
