"""Through the SDK: a file datasource attached to an assistant answers on the mock model with the right
passage; a user outside the project reaches the datasource in no way (list, get, search, context, assistant)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import requests
from codemie_sdk.models.datasource import FileDataSourceRequest

from tests.conftest import TestUser
from tests.conversations.support import chat, new_assistant
from tests.datasources.support import ds_name, make_docx, make_pdf, search, wait_for

PASSAGE = "Refunds above 500 euros require approval from the finance controller within two business days."


def test_assistant_answers_from_its_datasource_and_outsiders_get_nothing(make_user: Callable[..., TestUser]) -> None:
    owner = make_user("kb-owner")
    name = ds_name("policies")
    created = owner.client.datasources.create_file_datasource(
        FileDataSourceRequest(name=name, project_name=owner.email, description="company policies"),
        [
            ("travel.docx", make_docx(["Travel policy", "Economy class is required for flights under six hours."]),
             "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
            ("finance.pdf", make_pdf(["Finance policy", PASSAGE]), "application/pdf"),
            ("it.md", b"# IT\n\nLaptops are replaced every four years.", "text/markdown"),
        ],
    )  # fmt: skip
    datasource_id = created["id"]
    wait_for(owner.http, datasource_id)

    context = owner.client.assistants.get_context(owner.email)
    assert name in [c.name for c in context] and {c.context_type.value for c in context if c.name == name} == {
        "knowledge_base"
    }
    assistant_id = new_assistant(owner, context=[{"context_type": "knowledge_base", "name": name}])
    using = owner.client.datasources.get_assistants_using_datasource(datasource_id)
    assert [a.id for a in using] == [assistant_id]
    answer = chat(owner, assistant_id, "Who must approve refunds above 500 euros?")
    assert PASSAGE in str(answer.generated).replace("\n> ", " ")

    outsider = make_user("kb-outsider")
    assert datasource_id not in [d.id for d in outsider.client.datasources.list(per_page=100)]
    assert outsider.http.get(f"/v1/index/{datasource_id}").status_code == 404
    assert search(outsider.http, datasource_id, "refunds").status_code == 404
    assert outsider.http.get("/v1/assistants/context", params={"project_name": owner.email}).status_code == 404
    with pytest.raises(requests.HTTPError, match="404"):
        chat(outsider, assistant_id, "Who must approve refunds above 500 euros?")
    # The outsider's own assistant naming the datasource finds nothing: context resolves in its own project.
    own = new_assistant(outsider, context=[{"context_type": "knowledge_base", "name": name}])
    reply = str(chat(outsider, own, "Who must approve refunds above 500 euros?").generated)
    assert "finance controller" not in reply
    assert outsider.http.delete(f"/v1/index/{datasource_id}").status_code == 404
