"""The chat turn's own SQL, raw statements on the chat's own asyncpg pool (`db.raw`: the hot path skips
SQLAlchemy's per-statement pipeline): the turn's start, its question stored, its answer finished.

The start: the assistant, and whether the turn's optional lookups have anything to find. Most turns have no
budget, no skills, no LLM integration and no attached files; asking for each of them cost a statement apiece
(~0.8 ms of CPU each in the API process, more in PostgreSQL). One statement answers all of them; the turn then
loads only what exists, through the owning domain's services as before.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg

from codemill.db.raw import RawSql, fetch_row, fetch_value, run
from codemill.models import Assistant

# Turns of one conversation sent at once: each is stored, after at most this many tries for a slot.
SLOT_RACE_ATTEMPTS = 20

# The assistant's columns, in the order of its table.
_ASSISTANT_COLUMNS = tuple(column.name for column in Assistant.__table__.columns)

_START = RawSql.of(
    "SELECT "  # noqa: S608  (column names of the model; every value is a bound parameter)
    + ", ".join(f"a.{name} AS assistant_{name}" for name in _ASSISTANT_COLUMNS)
    + """,
           c.user_id AS owner_id, c.finished_at,
           c.id IS NOT NULL AND EXISTS (
               SELECT 1 FROM conversation_messages m
               WHERE m.conversation_id = :conversation_id AND m.file_names <> CAST('[]' AS jsonb)
           ) AS has_files,
           EXISTS (
               SELECT 1 FROM budgets b
               WHERE (b.scope = 'user' AND b.subject = :user_id)
                  OR (b.scope = 'project' AND b.subject = a.project)
                  OR (b.scope = 'cost_center' AND b.subject IN (
                         SELECT cost_center_id FROM cost_center_projects WHERE project = a.project))
           ) OR EXISTS (
               SELECT 1 FROM project_budget_groups g WHERE g.project_name = a.project AND g.deleted_at IS NULL
           ) AS has_budgets,
           EXISTS (SELECT 1 FROM assistant_skills s WHERE s.assistant_id = a.id) AS has_skills,
           EXISTS (
               SELECT 1 FROM integrations i
               WHERE i.credential_type = :credential_type AND (
                   (i.setting_type = 'user' AND i.owner_id = :user_id
                        AND (i.is_global OR i.project_name = a.project))
                   OR (i.setting_type = 'project' AND i.project_name = a.project)
                   -- the integrations the assistant's configuration names (a superset is harmless: the
                   -- lookup that follows decides)
                   OR i.id IN (
                       SELECT jsonb_path_query(a.toolkits, 'lax $[*].settings.id') #>> '{}'
                       UNION ALL SELECT jsonb_path_query(a.toolkits, 'lax $[*].tools[*].settings.id') #>> '{}'
                       UNION ALL SELECT jsonb_path_query(a.mcp_servers, 'lax $[*].settings.id') #>> '{}'
                   )
               )
           ) AS has_credentials
    FROM (SELECT 1) AS one
    LEFT JOIN assistants a ON a.id = :assistant_id
    LEFT JOIN conversations c ON c.id = :conversation_id
    """
)


@dataclass(frozen=True, slots=True)
class TurnStart:
    """A turn's assistant (None: no such id), and what exists for the turn: its conversation (owner,
    finished), files in it, budgets it falls under, the assistant's skills, LLM credentials to look up."""

    assistant: Assistant | None
    owner_id: str | None
    finished_at: datetime | None
    has_files: bool
    has_budgets: bool
    has_skills: bool
    has_credentials: bool


async def start(
    conn: asyncpg.Connection, *, assistant_id: str, conversation_id: str, user_id: str, credential_type: str
) -> TurnStart:
    """One statement: the assistant and the rest of TurnStart."""
    if "\x00" in assistant_id + conversation_id:  # text PostgreSQL cannot hold matches nothing
        return TurnStart(None, None, None, has_files=False, has_budgets=False, has_skills=False, has_credentials=False)
    row = await fetch_row(
        conn,
        _START,
        {
            "assistant_id": assistant_id,
            "conversation_id": conversation_id,
            "user_id": user_id,
            "credential_type": credential_type,
        },
    )
    assert row is not None  # one row always (LEFT JOINs on a single row)
    found = row["assistant_id"] is not None
    return TurnStart(
        # A plain object of the row (not attached to a session): the turn reads it, never changes it.
        assistant=Assistant(**{name: row[f"assistant_{name}"] for name in _ASSISTANT_COLUMNS}) if found else None,
        owner_id=row["owner_id"],
        finished_at=row["finished_at"],
        has_files=bool(row["has_files"]),
        has_budgets=found and bool(row["has_budgets"]),
        has_skills=found and bool(row["has_skills"]),
        has_credentials=found and bool(row["has_credentials"]),
    )


# A turn begun, in one statement: its conversation created or touched (the assistant joins `assistant_ids`, an
# empty name takes the turn's, the model is remembered), and its question and an answer in progress placed
# after the conversation's last message. Nothing is stored, and 0 returned, when the id is another user's
# conversation. Two turns racing for the same slot: the second fails on the unique (conversation, position)
# and is run again (begin_turn), then seeing the first.
_BEGIN_TURN = RawSql.of(
    """
    WITH conversation AS (
        INSERT INTO conversations (
            id, user_id, project, name, pinned, assistant_ids, initial_assistant_id, llm_model, created_at,
            updated_at
        )
        VALUES (
            :conversation_id, :user_id, :project, :name, false, jsonb_build_array(CAST(:assistant_id AS varchar)),
            :assistant_id, :llm_model, :asked_at, :updated_at
        )
        ON CONFLICT (id) DO UPDATE SET
            updated_at = EXCLUDED.updated_at,
            llm_model = EXCLUDED.llm_model,
            name = CASE WHEN conversations.name = '' THEN EXCLUDED.name ELSE conversations.name END,
            assistant_ids = CASE
                WHEN conversations.assistant_ids @> jsonb_build_array(CAST(:assistant_id AS varchar))
                    THEN conversations.assistant_ids
                ELSE conversations.assistant_ids || jsonb_build_array(CAST(:assistant_id AS varchar))
            END
        WHERE conversations.user_id = EXCLUDED.user_id
        RETURNING id
    ),
    slots AS (
        SELECT COALESCE(MAX(position), -1) + 1 AS position,
               COALESCE(CAST(:history_index AS integer), COALESCE(MAX(history_index), -1) + 1) AS history_index
        FROM conversation_messages WHERE conversation_id = CAST(:conversation_id AS varchar)
    ),
    messages AS (
        INSERT INTO conversation_messages (
            id, conversation_id, position, history_index, role, message, message_raw, created_at,
            response_time, input_tokens, output_tokens, money_spent, assistant_id, file_names, thoughts, status,
            parent_id
        )
        SELECT CAST(:question_id AS varchar), conversation.id, position, history_index, 'User',
               CAST(:question AS text), CAST(:question_raw AS text), CAST(:asked_at AS timestamptz), NULL, NULL,
               NULL, NULL, CAST(:assistant_id AS varchar), CAST(:file_names AS jsonb), CAST('[]' AS jsonb),
               'success',
               -- The answer this question follows: the one the client names (when it is this conversation's),
               -- else the newest answer of the turn before.
               COALESCE(
                   (SELECT id FROM conversation_messages WHERE conversation_id = CAST(:conversation_id AS varchar)
                        AND id = CAST(:parent_id AS varchar) AND role = 'Assistant'),
                   (SELECT id FROM conversation_messages WHERE conversation_id = CAST(:conversation_id AS varchar)
                        AND role = 'Assistant' AND history_index = slots.history_index - 1
                    ORDER BY position DESC LIMIT 1)
               )
        FROM slots, conversation
        UNION ALL
        SELECT CAST(:answer_id AS varchar), conversation.id, position + 1, history_index, 'Assistant', '', NULL,
               CAST(:answered_at AS timestamptz), CAST(:response_time AS double precision), 0, 0, 0,
               CAST(:assistant_id AS varchar), CAST('[]' AS jsonb), CAST('[]' AS jsonb), 'in_progress', NULL
        FROM slots, conversation
        RETURNING 1
    )
    SELECT count(*) FROM conversation
    """
)

# The turn's usage rows (`usage`: a JSON array of llm_usage rows): the first step of both statements below.
_USAGE_ROWS_CTE = """
    WITH usage AS (
        INSERT INTO llm_usage (
            id, created_at, user_id, project, assistant_id, conversation_id, source, model, provider,
            input_tokens, output_tokens, estimated, cost, latency_ms, status
        )
        SELECT id, created_at, user_id, project, assistant_id, conversation_id, source, model, provider,
               input_tokens, output_tokens, estimated, cost, latency_ms, status
        FROM jsonb_to_recordset(CAST(:usage AS jsonb)) AS u(
            id varchar, created_at timestamptz, user_id varchar, project varchar, assistant_id varchar,
            conversation_id varchar, source varchar, model varchar, provider varchar, input_tokens integer,
            output_tokens integer, estimated boolean, cost double precision, latency_ms double precision,
            status varchar
        )
    )"""

# A begun turn's answer, finished: its text, status and figures, and the turn's usage rows, in one statement.
_FINISH_TURN = RawSql.of(
    _USAGE_ROWS_CTE  # noqa: S608  (two constants; every value is a bound parameter)
    + """
    UPDATE conversation_messages
    SET message = CAST(:answer AS text), status = CAST(:status AS varchar),
        created_at = CAST(:answered_at AS timestamptz), response_time = CAST(:response_time AS double precision),
        input_tokens = CAST(:input_tokens AS integer), output_tokens = CAST(:output_tokens AS integer),
        money_spent = CAST(:money_spent AS double precision), thoughts = CAST(:thoughts AS jsonb)
    WHERE id = CAST(:answer_id AS varchar)
    """
)


async def begin_turn(conn: asyncpg.Connection, values: Mapping[str, Any]) -> bool:
    """Store a turn's question and its answer in progress, creating or touching the conversation (one
    statement, see _BEGIN_TURN); False (nothing stored) when the conversation id is another user's.

    `values`: conversation_id, user_id, project, name, assistant_id, llm_model, asked_at, updated_at,
    history_index, question_id, question, question_raw, file_names (JSON text), answer_id, answered_at,
    response_time, and parent_id (the answer the question follows; may be left out).
    """
    values = {"parent_id": None, **values}
    for attempt in range(SLOT_RACE_ATTEMPTS):
        try:
            return bool(await fetch_value(conn, _BEGIN_TURN, values))
        except asyncpg.UniqueViolationError:  # another turn of this conversation took the slot first
            if attempt == SLOT_RACE_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


async def finish_turn(conn: asyncpg.Connection, values: Mapping[str, Any]) -> None:
    """Store a begun turn's answer and its usage rows (see _FINISH_TURN; JSON parameters as JSON text)."""
    await run(conn, _FINISH_TURN, values)
