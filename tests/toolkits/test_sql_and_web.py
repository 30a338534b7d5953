"""The `sql` tool on a real PostgreSQL (a throwaway database of the session's cluster) and the
`web_scrapper` tool, through chats on live servers (the refusals on a server that keeps private
networks closed)."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Callable, Iterator

import asyncpg
import pytest
from codemie_sdk.models.integration import CredentialTypes
from sqlalchemy.engine import make_url
from starlette.applications import Starlette
from starlette.responses import HTMLResponse
from starlette.routing import Route

from codemill.db.embedded import EmbeddedPostgres
from tests.conftest import TestUser
from tests.plugins.scripted_model import ScriptedModelServer
from tests.support.openai_server import ThreadedServer
from tests.support.server import LiveServer

from .live import chat, create_assistant, create_integration, ended_thoughts, server_http

PAGE = (
    "<html><head><title>t</title><script>steal()</script></head>"
    "<body><h1>Release notes</h1><p>Version 2.4 adds refunds.</p></body></html>"
)


@pytest.fixture(scope="module")
def shop_database(postgres: EmbeddedPostgres) -> Iterator[dict[str, object]]:
    """A throwaway database with a table of orders; its connection values."""
    name = f"toolkit_sql_{uuid.uuid4().hex[:8]}"
    url = make_url(postgres.create_database(name))

    async def seed() -> None:
        connection = await asyncpg.connect(
            host=url.host, port=url.port, user=url.username, password=url.password, database=name
        )
        try:
            await connection.execute("CREATE TABLE orders (id int PRIMARY KEY, item text)")
            await connection.execute("INSERT INTO orders SELECT n, 'item ' || n FROM generate_series(1, 250) n")
        finally:
            await connection.close()

    asyncio.run(seed())
    yield {"host": url.host, "port": url.port, "user": url.username, "password": url.password, "database": name}


def _count(db: dict[str, object]) -> int:
    async def count() -> int:
        connection = await asyncpg.connect(
            host=db["host"], port=db["port"], user=db["user"], password=db["password"], database=db["database"]
        )
        try:
            return int(await connection.fetchval("SELECT count(*) FROM orders"))
        finally:
            await connection.close()

    return asyncio.run(count())


def _sql_integration(user: TestUser, db: dict[str, object], **extra: object) -> str:
    return create_integration(
        user,
        CredentialTypes.SQL,
        dialect="postgres",
        url=db["host"],
        port=str(db["port"]),
        database_name=db["database"],
        username=db["user"],
        password=db["password"],
        **extra,
    )


def test_sql_reads_with_a_row_limit_and_refuses_writes_in_read_only_mode(
    make_user: Callable[..., TestUser],
    scripted_server: LiveServer,
    scripted: ScriptedModelServer,
    shop_database: dict[str, object],
) -> None:
    user = make_user("sql-reader")
    integration_id = _sql_integration(user, shop_database)
    scripted.script.plan = [
        ("sql", {"sql_query": "SELECT id, item FROM orders ORDER BY id"}),
        ("sql", {"sql_query": "INSERT INTO orders VALUES (999, 'sneaked in')"}),
        ("sql", {"sql_query": "WITH gone AS (DELETE FROM orders RETURNING id) SELECT count(*) FROM gone"}),
        ("sql", {"sql_query": "SELECT 1; DROP TABLE orders"}),
    ]
    with server_http(scripted_server.url, user) as http:
        assistant_id = create_assistant(
            user, http, "Data Management", ["sql"], integration_id, policy="auto_approve", credential_type="SQL"
        )
        lines = chat(http, assistant_id, f"sql-{user.id[:8]}", "How many orders?")
    rows, insert, sneaky_delete, two_statements = ended_thoughts(lines)
    result = json.loads(rows["message"])
    assert result["columns"] == ["id", "item"] and result["truncated"] is True
    assert len(result["rows"]) == 200 and result["rows"][0] == [1, "item 1"]
    for refused in (insert, sneaky_delete):
        assert refused["error"] is True and "read-only transaction" in refused["message"]
    assert two_statements["error"] is True and "multiple commands" in two_statements["message"]
    assert _count(shop_database) == 250


def test_sql_writes_when_the_integration_allows_after_approval(
    make_user: Callable[..., TestUser],
    scripted_server: LiveServer,
    scripted: ScriptedModelServer,
    shop_database: dict[str, object],
) -> None:
    user = make_user("sql-writer")
    integration_id = _sql_integration(user, shop_database, allow_writes="true")
    scripted.script.plan = [("sql", {"sql_query": "INSERT INTO orders VALUES (1000, 'approved')"})]
    conversation_id = f"sqlw-{user.id[:8]}"
    with server_http(scripted_server.url, user) as http:
        assistant_id = create_assistant(user, http, "Data Management", ["sql"], integration_id, credential_type="SQL")
        pending = chat(http, assistant_id, conversation_id, "Add order 1000")[-1]["tool_call_pending"]
        assert pending["tool_name"] == "sql" and _count(shop_database) == 250
        allowed = http.post(
            f"/v1/assistants/{assistant_id}/model/tool-call/resume",
            json={"conversation_id": conversation_id, "action": "allow", "stream": False},
        )
    assert allowed.status_code == 200, allowed.text
    assert allowed.json()["thoughts"][-1]["message"] == json.dumps({"status": "INSERT 0 1"})
    assert _count(shop_database) == 251


class PageServer(ThreadedServer):
    def __init__(self) -> None:
        super().__init__(Starlette(routes=[Route("/notes", lambda _r: HTMLResponse(PAGE))]), "page-server")


@pytest.fixture(scope="module")
def page_server() -> Iterator[PageServer]:
    server = PageServer()
    yield server
    server.close()


def test_web_scraper_reads_a_page_as_text(
    make_user: Callable[..., TestUser],
    scripted_server: LiveServer,
    scripted: ScriptedModelServer,
    page_server: PageServer,
) -> None:
    user = make_user("web-reader")
    scripted.script.plan = [("web_scrapper", {"url": f"{page_server.url}/notes"})]
    with server_http(scripted_server.url, user) as http:
        assistant_id = create_assistant(user, http, "Research", ["web_scrapper"])
        lines = chat(http, assistant_id, f"web-{user.id[:8]}", "What is new?")
    (page,) = ended_thoughts(lines)
    assert page["message"] == "Release notes\nVersion 2.4 adds refunds."


def test_web_scraper_refuses_loopback_link_local_and_mapped_addresses(
    make_user: Callable[..., TestUser],
    guarded_scripted_server: LiveServer,
    scripted: ScriptedModelServer,
    page_server: PageServer,
) -> None:
    user = make_user("web-guarded")
    port = page_server.url.rsplit(":", 1)[1]
    targets = [
        f"http://127.0.0.1:{port}/notes",
        f"http://localhost:{port}/notes",
        f"http://[::ffff:127.0.0.1]:{port}/notes",
        f"http://[::1]:{port}/notes",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.1/",
    ]
    scripted.script.plan = [("web_scrapper", {"url": url}) for url in targets]
    with server_http(guarded_scripted_server.url, user) as http:
        assistant_id = create_assistant(user, http, "Research", ["web_scrapper"])
        lines = chat(http, assistant_id, f"guard-{user.id[:8]}", "Read these")
    ended = ended_thoughts(lines)
    assert len(ended) == len(targets)
    for thought in ended:
        assert thought["error"] is True
        assert "private or loopback address" in thought["message"], thought["message"]
        assert "Release notes" not in thought["message"]
