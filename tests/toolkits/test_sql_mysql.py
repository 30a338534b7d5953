"""The `sql` tool on a real MariaDB server started by the test (a user with a password and every
privilege on its database, so a refused write is the server's READ ONLY transaction, not a missing grant),
through chats on live servers."""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from codemie_sdk.models.integration import CredentialTypes, IntegrationTestRequest, IntegrationTestResponse

from codemill.kit.net import free_port
from tests.conftest import TestUser
from tests.integrations.test_api import assert_not_logged
from tests.plugins.scripted_model import ScriptedModelServer
from tests.support.server import LiveServer

from .live import chat, create_assistant, create_integration, ended_thoughts, server_http
from .mariadb import MariaDB, start_mariadb

AGENT, AGENT_PASSWORD = "agent", "agent-pw-7"


@pytest.fixture(scope="module")
def mariadb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MariaDB]:
    """A MariaDB server with database `shop`: 250 orders, and a password user allowed everything on it."""
    server = start_mariadb(Path(tmp_path_factory.mktemp("mariadb")))
    try:
        admin = server.admin()
        with admin.cursor() as cursor:
            cursor.execute("CREATE DATABASE shop")
            cursor.execute("USE shop")
            cursor.execute("CREATE TABLE orders (id int PRIMARY KEY, item varchar(40)) ENGINE=InnoDB")
            cursor.execute("INSERT INTO orders SELECT seq, CONCAT('item ', seq) FROM seq_1_to_250")
            cursor.execute(f"CREATE USER '{AGENT}'@'%' IDENTIFIED BY '{AGENT_PASSWORD}'")
            cursor.execute(f"GRANT ALL PRIVILEGES ON shop.* TO '{AGENT}'@'%'")
        admin.close()
        yield server
    finally:
        server.stop()


def _count(server: MariaDB) -> int:
    admin = server.admin("shop")
    try:
        with admin.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM orders")
            (count,) = cursor.fetchone() or (0,)
            return int(count)
    finally:
        admin.close()


def _mysql_integration(user: TestUser, server: MariaDB, **extra: object) -> str:
    return create_integration(
        user,
        CredentialTypes.SQL,
        dialect="mysql",
        url="127.0.0.1",
        port=str(server.port),
        database_name="shop",
        username=AGENT,
        password=AGENT_PASSWORD,
        **extra,
    )


def test_mysql_reads_with_a_row_limit_and_the_server_refuses_writes_in_read_only_mode(
    make_user: Callable[..., TestUser],
    scripted_server: LiveServer,
    scripted: ScriptedModelServer,
    mariadb: MariaDB,
) -> None:
    user = make_user("mysql-reader")
    integration_id = _mysql_integration(user, mariadb)
    before = _count(mariadb)
    scripted.script.plan = [
        ("sql", {"sql_query": "SELECT id, item FROM orders ORDER BY id"}),
        ("sql", {"sql_query": "INSERT INTO orders VALUES (999, 'sneaked in')"}),
        ("sql", {"sql_query": "DELETE FROM orders RETURNING id"}),
        ("sql", {"sql_query": "DROP TABLE orders"}),
        ("sql", {"sql_query": "SELECT 1; DROP TABLE orders"}),
        ("sql", {"sql_query": "SELECT CURRENT_USER() AS who, @@tx_read_only AS read_only"}),
    ]
    with server_http(scripted_server.url, user) as http:
        # Unattended: every statement reaches the server, which alone stands between it and the data.
        assistant_id = create_assistant(
            user, http, "Data Management", ["sql"], integration_id, policy="auto_approve", credential_type="SQL"
        )
        lines = chat(http, assistant_id, f"mysql-{user.id[:8]}", "How many orders?")
    rows, insert, delete, drop, two_statements, session = ended_thoughts(lines)
    result = json.loads(rows["message"])
    assert result["columns"] == ["id", "item"] and result["truncated"] is True
    assert len(result["rows"]) == 200 and result["rows"][0] == [1, "item 1"]
    for refused in (insert, delete, drop):
        assert refused["error"] is True, refused["message"]
        assert "1792: Cannot execute statement in a READ ONLY transaction" in refused["message"]
    assert two_statements["error"] is True and "1064" in two_statements["message"]
    assert json.loads(session["message"])["rows"] == [[f"{AGENT}@%", 1]]
    assert _count(mariadb) == before


def test_mysql_writes_when_the_integration_allows_after_approval(
    make_user: Callable[..., TestUser],
    scripted_server: LiveServer,
    scripted: ScriptedModelServer,
    mariadb: MariaDB,
) -> None:
    user = make_user("mysql-writer")
    integration_id = _mysql_integration(user, mariadb, allow_writes="true")
    before = _count(mariadb)
    scripted.script.plan = [("sql", {"sql_query": "INSERT INTO orders VALUES (1000, 'approved')"})]
    conversation_id = f"mysqlw-{user.id[:8]}"
    with server_http(scripted_server.url, user) as http:
        assistant_id = create_assistant(user, http, "Data Management", ["sql"], integration_id, credential_type="SQL")
        pending = chat(http, assistant_id, conversation_id, "Add order 1000")[-1]["tool_call_pending"]
        assert pending["tool_name"] == "sql" and _count(mariadb) == before
        allowed = http.post(
            f"/v1/assistants/{assistant_id}/model/tool-call/resume",
            json={"conversation_id": conversation_id, "action": "allow", "stream": False},
        )
    assert allowed.status_code == 200, allowed.text
    assert json.loads(allowed.json()["thoughts"][-1]["message"]) == {"status": "OK", "affected_rows": 1}
    assert _count(mariadb) == before + 1


def test_mysql_host_is_checked_by_the_ssrf_guard_and_sql_server_is_refused(
    make_user: Callable[..., TestUser],
    guarded_scripted_server: LiveServer,
    scripted_server: LiveServer,
    scripted: ScriptedModelServer,
    mariadb: MariaDB,
) -> None:
    user = make_user("mysql-guarded")
    integration_id = _mysql_integration(user, mariadb)
    sql_server_id = create_integration(
        user,
        CredentialTypes.SQL,
        dialect="mssql",
        url="127.0.0.1",
        port="1433",
        database_name="shop",
        username=AGENT,
        password=AGENT_PASSWORD,
    )
    scripted.script.plan = [("sql", {"sql_query": "SELECT count(*) FROM orders"})]
    with server_http(guarded_scripted_server.url, user) as http:
        assistant_id = create_assistant(
            user, http, "Data Management", ["sql"], integration_id, policy="auto_approve", credential_type="SQL"
        )
        (refused,) = ended_thoughts(chat(http, assistant_id, f"mysqlg-{user.id[:8]}", "Count"))
    assert refused["error"] is True and "private or loopback address" in refused["message"], refused["message"]
    assert "250" not in refused["message"]
    scripted.script.plan = [("sql", {"sql_query": "SELECT 1"})]
    with server_http(scripted_server.url, user) as http:
        assistant_id = create_assistant(
            user, http, "Data Management", ["sql"], sql_server_id, policy="auto_approve", credential_type="SQL"
        )
        (mssql,) = ended_thoughts(chat(http, assistant_id, f"mssql-{user.id[:8]}", "One"))
    assert mssql["error"] is True and "SQL Server is not supported yet" in mssql["message"], mssql["message"]


def test_mysql_credentials_are_tested_against_the_server(
    make_user: Callable[..., TestUser], mariadb: MariaDB, live_server: LiveServer
) -> None:
    """The integration's Test button (POST /v1/settings/test) on MySQL/MariaDB: connect, SELECT 1."""
    user = make_user("mysql-check")
    good = {
        "dialect": "mysql",
        "url": "127.0.0.1",
        "port": str(mariadb.port),
        "database_name": "shop",
        "username": AGENT,
        "password": AGENT_PASSWORD,
    }

    def test(values: dict[str, str], setting_id: str | None = None) -> httpx.Response:
        return user.http.post(
            "/v1/settings/test/",
            json={
                "credential_type": "SQL",
                "credential_values": [{"key": k, "value": v} for k, v in values.items()],
                "setting_id": setting_id,
            },
        )

    ok = user.client.integrations.test(
        IntegrationTestRequest(
            credential_type=CredentialTypes.SQL,
            credential_values=[{"key": k, "value": v} for k, v in good.items()],  # type: ignore[misc]
        ),
        IntegrationTestResponse,
    )
    assert ok.success is True
    assert ok.message.startswith("Connected to MariaDB ") and "database 'shop': SELECT 1 succeeded" in ok.message

    wrong = "pw-" + secrets.token_hex(8)
    refused = test(good | {"password": wrong})
    assert refused.status_code == 400
    assert "MySQL rejected the user name or password" in refused.json()["error"]["message"]
    missing = test(good | {"database_name": "no_such_db"})
    assert missing.status_code == 400
    # MariaDB answers a database the user has no grant on as access denied, one that is granted but absent as unknown.
    assert "MySQL" in missing.json()["error"]["message"]
    closed = test(good | {"port": str(free_port())})
    assert closed.status_code == 400 and "could not be reached" in closed.json()["error"]["message"]

    # Stored, then tested by id: the stored (decrypted) password is used.
    integration_id = _mysql_integration(user, mariadb)
    by_id = test({}, setting_id=integration_id)
    assert by_id.status_code == 200 and by_id.json()["success"] is True, by_id.text
    assert_not_logged(live_server, AGENT_PASSWORD, wrong)
