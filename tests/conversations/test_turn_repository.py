"""The chat turn's raw statements: the probe finds each optional lookup's data, a begun turn is stored whole
(and not in another user's conversation), and turns of one conversation sent at once all get their slots."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from typing import Any, cast

import asyncpg
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from codemill.conversations import turn_repository
from codemill.db.engine import make_sessionmaker
from codemill.db.raw import RawPool, RawSql
from codemill.models import (
    Assistant,
    AssistantSkill,
    Budget,
    Conversation,
    ConversationMessage,
    CostCenter,
    CostCenterProject,
    Integration,
    Project,
    ProjectBudgetGroup,
    Skill,
    User,
)
from codemill.models.base import new_id


def test_raw_sql_numbers_each_named_parameter_once_and_leaves_casts_alone() -> None:
    statement = RawSql.of("SELECT :a, :b::int, CAST(:a AS text), x::jsonb, 'word:not', :b_2")
    assert statement.sql == "SELECT $1, $2::int, CAST($1 AS text), x::jsonb, 'word:not', $3"
    assert statement.names == ("a", "b", "b_2")
    assert statement.arguments({"b_2": 3, "a": 1, "b": 2}) == [1, 2, 3]
    with pytest.raises(KeyError, match="missing SQL parameters: b"):
        statement.arguments({"a": 1, "b_2": 3})


async def _user(session: AsyncSession) -> User:
    suffix = uuid.uuid4().hex[:10]
    user = User(email=f"probe-{suffix}@example.com", username=f"probe-{suffix}", name="Probe")
    session.add(user)
    await session.flush()
    return user


async def _driver(session: AsyncSession) -> asyncpg.Connection:
    """The session's own connection (it sees the test's uncommitted rows)."""
    raw = await (await session.connection()).get_raw_connection()
    return cast(asyncpg.Connection, raw.driver_connection)


async def _probe(session: AsyncSession, user: User, assistant_id: str, **kw: Any) -> dict[str, Any]:
    found = await turn_repository.start(
        await _driver(session),
        assistant_id=assistant_id,
        conversation_id=kw.get("conversation_id", new_id()),
        user_id=user.id,
        credential_type="LiteLLM",
    )
    assert found.assistant is not None and found.assistant.id == assistant_id
    return {
        "owner": found.owner_id,
        "finished": found.finished_at is not None,
        "files": found.has_files,
        "budgets": found.has_budgets,
        "skills": found.has_skills,
        "credentials": found.has_credentials,
    }


NOTHING = {"owner": None, "finished": False, "files": False, "budgets": False, "skills": False, "credentials": False}


async def test_the_probe_finds_what_a_turn_needs_and_nothing_else(db_session: AsyncSession) -> None:
    user, other = await _user(db_session), await _user(db_session)
    project = f"probe-{uuid.uuid4().hex[:8]}"
    elsewhere = f"{project}-other"
    db_session.add_all([Project(name=project), Project(name=elsewhere)])
    await db_session.flush()
    assistant = Assistant(name="probed", project=project, created_by=user.id)
    db_session.add(assistant)
    await db_session.flush()
    assert await _probe(db_session, user, assistant.id) == NOTHING
    missing = await turn_repository.start(
        await _driver(db_session),
        assistant_id=new_id(),
        conversation_id=new_id(),
        user_id=user.id,
        credential_type="LiteLLM",
    )
    assert missing.assistant is None and not (missing.has_budgets or missing.has_skills or missing.has_credentials)

    # The conversation: its owner, finished or not, and whether its messages carry files.
    conversation = Conversation(user_id=user.id, project=project, name="c")
    db_session.add(conversation)
    await db_session.flush()
    found = await _probe(db_session, user, assistant.id, conversation_id=conversation.id)
    assert found == NOTHING | {"owner": user.id}
    now = datetime.now(UTC)
    for position, names in enumerate(([], ["file-1"])):
        db_session.add(
            ConversationMessage(
                conversation_id=conversation.id, position=position, history_index=0, role="User", message="q",
                created_at=now, file_names=names, thoughts=[], status="success",
            )
        )  # fmt: skip
    conversation.finished_at = now
    await db_session.flush()
    found = await _probe(db_session, user, assistant.id, conversation_id=conversation.id)
    assert found == NOTHING | {"owner": user.id, "finished": True, "files": True}

    # Budgets: the user's, the project's, its cost center's, the project's budget groups (each alone).
    center = CostCenter(name=f"cc-{uuid.uuid4().hex[:8]}")
    db_session.add(center)
    await db_session.flush()
    db_session.add(CostCenterProject(project=project, cost_center_id=center.id))
    await db_session.flush()
    for row in (
        Budget(scope="user", subject=user.id, max_budget=1.0),
        Budget(scope="project", subject=project, max_budget=1.0),
        Budget(scope="cost_center", subject=center.id, max_budget=1.0),
        ProjectBudgetGroup(project_name=project, name="g", total_amount=1.0, budget_duration="monthly"),
    ):
        db_session.add(row)
        await db_session.flush()
        assert (await _probe(db_session, user, assistant.id))["budgets"] is True
        await db_session.delete(row)
        await db_session.flush()
    db_session.add(Budget(scope="user", subject=other.id, max_budget=1.0))  # someone else's: not this turn's
    gone = ProjectBudgetGroup(project_name=project, name="gone", total_amount=1.0, budget_duration="monthly")
    db_session.add(gone)
    await db_session.flush()
    gone.deleted_at = now  # a deleted group counts no more
    await db_session.flush()
    assert (await _probe(db_session, user, assistant.id))["budgets"] is False

    # Skills attached to the assistant.
    skill = Skill(name="s", slug=f"s-{uuid.uuid4().hex[:8]}", project=project, created_by=user.id)
    db_session.add(skill)
    await db_session.flush()
    db_session.add(AssistantSkill(assistant_id=assistant.id, skill_id=skill.id))
    await db_session.flush()
    assert (await _probe(db_session, user, assistant.id))["skills"] is True

    # LLM credentials: the caller's in the project or global, the project's, or one the assistant names.
    def llm(**kw: Any) -> Integration:
        return Integration(alias=f"a-{uuid.uuid4().hex[:6]}", credential_type="LiteLLM", **kw)

    for key in (
        llm(setting_type="user", owner_id=user.id, project_name=project),
        llm(setting_type="user", owner_id=user.id, project_name=elsewhere, is_global=True),
        llm(setting_type="project", project_name=project),
    ):
        db_session.add(key)
        await db_session.flush()
        assert (await _probe(db_session, user, assistant.id))["credentials"] is True
        await db_session.delete(key)
        await db_session.flush()
    # Another user's key counts only where the assistant's configuration names it (a toolkit, a tool, an
    # MCP server).
    lent = llm(setting_type="user", owner_id=other.id, project_name=elsewhere)
    db_session.add(lent)
    await db_session.flush()
    assert (await _probe(db_session, user, assistant.id))["credentials"] is False
    named = {"settings": {"id": lent.id}}
    for toolkits, servers in (
        ([{"toolkit": "t", "tools": [], **named}], []),
        ([{"toolkit": "t", "tools": [{"name": "x", **named}]}], []),
        ([], [{"name": "m", **named}]),
    ):
        assistant.toolkits, assistant.mcp_servers = toolkits, servers
        await db_session.flush()
        assert (await _probe(db_session, user, assistant.id))["credentials"] is True
        loaded = await turn_repository.start(
            await _driver(db_session),
            assistant_id=assistant.id,
            conversation_id="",
            user_id=user.id,
            credential_type="LiteLLM",
        )
        assert loaded.assistant is not None  # the row as the ORM would load it (JSON columns parsed)
        assert (loaded.assistant.toolkits, loaded.assistant.mcp_servers) == (toolkits, servers)
        assert (loaded.assistant.project, loaded.assistant.created_by) == (project, user.id)
    assistant.toolkits, assistant.mcp_servers = [], []
    await db_session.delete(lent)
    await db_session.flush()
    db_session.add(llm(setting_type="user", owner_id=user.id, project_name=elsewhere))  # another project's
    db_session.add(Integration(alias="jira", credential_type="Jira", setting_type="project", project_name=project))
    await db_session.flush()
    assert (await _probe(db_session, user, assistant.id))["credentials"] is False


def _turn(conversation_id: str, user_id: str, assistant_id: str, text: str) -> dict[str, Any]:
    now = datetime.now(UTC)
    return {
        "conversation_id": conversation_id,
        "user_id": user_id,
        "project": "p",
        "name": text,
        "assistant_id": assistant_id,
        "llm_model": "m",
        "updated_at": now,
        "history_index": None,
        "question_id": new_id(),
        "question": text,
        "question_raw": None,
        "asked_at": now,
        "file_names": '["f1"]',
        "answer_id": new_id(),
        "answered_at": now,
        "response_time": 0.01,
    }


async def test_turns_sent_at_once_to_one_conversation_are_all_stored_in_order(
    engine: AsyncEngine, database_url: str
) -> None:
    sessions = make_sessionmaker(engine)
    async with sessions() as session, session.begin():
        user, other = await _user(session), await _user(session)
    conversation_id, assistant_id = new_id(), new_id()
    pool = RawPool(database_url, 5)

    async def begin(text: str, who: User = user) -> bool:
        async with pool.acquire() as conn:
            return await turn_repository.begin_turn(conn, _turn(conversation_id, who.id, assistant_id, text))

    try:
        assert await begin("first") is True
        # Five at once (five connections): each takes its own slot.
        assert await asyncio.gather(*(begin(f"q{i}") for i in range(5))) == [True] * 5
        assert await begin("not yours", other) is False  # another user's conversation: nothing stored
    finally:
        await pool.close()

    async with sessions() as session:
        conversation = await session.get(Conversation, conversation_id)
        rows = (
            await session.scalars(
                select(ConversationMessage)
                .where(ConversationMessage.conversation_id == conversation_id)
                .order_by(ConversationMessage.position)
            )
        ).all()
    assert conversation is not None and conversation.user_id == user.id and conversation.name == "first"
    assert conversation.assistant_ids == [assistant_id]
    assert [m.position for m in rows] == list(range(12))
    assert [m.role for m in rows] == ["User", "Assistant"] * 6
    assert [m.history_index for m in rows] == [i // 2 for i in range(12)]
    assert {m.message for m in rows[0::2]} == {"first", *(f"q{i}" for i in range(5))}
    assert all(m.status == "in_progress" and m.message == "" for m in rows[1::2])
    assert all(m.file_names == ["f1"] for m in rows[0::2])
    # Each question follows the answer of the turn before it.
    assert [q.parent_id for q in rows[2::2]] == [a.id for a in rows[1:-1:2]]
