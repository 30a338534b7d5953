"""analytics: usage roll-ups kept by triggers, tool usage, budgets, cost centers, activity events

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 20:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

USAGE_KEY = ("user_id", "project", "assistant_id", "workflow_id", "model", "source")
USAGE_SUMS = ("requests", "errors", "input_tokens", "output_tokens", "cached_input_tokens", "cost", "latency_ms")
TOOL_KEY = ("user_id", "project", "assistant_id", "tool", "mcp_server")
TOOL_SUMS = ("calls", "errors", "duration_ms")
LENGTHS = {"project": 200, "model": 200, "tool": 200, "mcp_server": 200, "source": 32}


def _usage_rollup(name: str) -> None:
    op.create_table(
        name,
        sa.Column("bucket", sa.DateTime(timezone=True), nullable=False),
        *(sa.Column(c, sa.String(LENGTHS.get(c, 64)), nullable=False) for c in USAGE_KEY),
        *(sa.Column(c, sa.BigInteger(), nullable=False) for c in USAGE_SUMS[:5]),
        sa.Column("cost", sa.Float(), nullable=False),
        sa.Column("latency_ms", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("bucket", *USAGE_KEY, name=f"pk_{name}"),
    )
    op.create_index(f"ix_{name}_project_bucket", name, ["project", "bucket"])
    op.create_index(f"ix_{name}_user_id_bucket", name, ["user_id", "bucket"])


def _tool_rollup(name: str) -> None:
    op.create_table(
        name,
        sa.Column("bucket", sa.DateTime(timezone=True), nullable=False),
        *(sa.Column(c, sa.String(LENGTHS.get(c, 64)), nullable=False) for c in TOOL_KEY),
        sa.Column("calls", sa.BigInteger(), nullable=False),
        sa.Column("errors", sa.BigInteger(), nullable=False),
        sa.Column("duration_ms", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("bucket", *TOOL_KEY, name=f"pk_{name}"),
    )


def _upsert(table: str, grain: str, key: tuple[str, ...], sums: dict[str, str]) -> str:
    """One INSERT … SELECT … GROUP BY … ON CONFLICT DO UPDATE adding the statement's new rows to a roll-up."""
    keys = ", ".join(key)
    picked = ", ".join(f"coalesce({c}, '')" for c in key)
    summed = ", ".join(f"sum({expr})" for expr in sums.values())
    adds = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in sums)
    positions = ", ".join(str(i + 2) for i in range(len(key)))
    # Every name in the statement comes from this file.
    return " ".join(
        [
            f"INSERT INTO {table} (bucket, {keys}, {', '.join(sums)})",
            f"SELECT date_trunc('{grain}', created_at, 'UTC'), {picked}, {summed} FROM new_rows",  # noqa: S608
            f"GROUP BY 1, {positions} ON CONFLICT (bucket, {keys}) DO UPDATE SET {adds};",
        ]
    )


USAGE_EXPRS = {
    "requests": "1",
    "errors": "CASE WHEN status = 'success' THEN 0 ELSE 1 END",
    "input_tokens": "input_tokens",
    "output_tokens": "output_tokens",
    "cached_input_tokens": "cached_input_tokens",
    "cost": "cost",
    "latency_ms": "latency_ms",
}
TOOL_EXPRS = {"calls": "1", "errors": "CASE WHEN status = 'success' THEN 0 ELSE 1 END", "duration_ms": "duration_ms"}


def _trigger(source: str, function: str, statements: list[str]) -> None:
    # A statement-level trigger with a transition table: one grouped upsert per roll-up per INSERT statement,
    # in the transaction that writes the raw rows, so the roll-ups are never behind and reads never scan raw rows.
    body = "\n".join(statements)
    op.execute(f"CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN {body} RETURN NULL; END $$")
    op.execute(
        f"CREATE TRIGGER {function} AFTER INSERT ON {source} REFERENCING NEW TABLE AS new_rows "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
    )


def upgrade() -> None:
    op.add_column("llm_usage", sa.Column("workflow_id", sa.String(64), nullable=True))
    op.add_column("llm_usage", sa.Column("cached_input_tokens", sa.Integer(), nullable=False, server_default="0"))
    _usage_rollup("usage_hourly")
    _usage_rollup("usage_daily")
    op.create_table(
        "tool_usage",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.String(64)),
        sa.Column("project", sa.String(200)),
        sa.Column("assistant_id", sa.String(64)),
        sa.Column("workflow_id", sa.String(64)),
        sa.Column("tool", sa.String(200), nullable=False),
        sa.Column("mcp_server", sa.String(200)),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("duration_ms", sa.Float(), nullable=False),
    )
    op.create_index("ix_tool_usage_created_at", "tool_usage", ["created_at"])
    _tool_rollup("tool_usage_hourly")
    _tool_rollup("tool_usage_daily")
    _trigger(
        "llm_usage",
        "llm_usage_rollup",
        [_upsert(t, g, USAGE_KEY, USAGE_EXPRS) for t, g in (("usage_hourly", "hour"), ("usage_daily", "day"))],
    )
    _trigger(
        "tool_usage",
        "tool_usage_rollup",
        [_upsert(t, g, TOOL_KEY, TOOL_EXPRS) for t, g in (("tool_usage_hourly", "hour"), ("tool_usage_daily", "day"))],
    )
    # Usage that existed before the roll-ups: counted once, here.
    op.execute(
        "INSERT INTO usage_hourly SELECT date_trunc('hour', created_at, 'UTC'), coalesce(user_id, ''), "
        "coalesce(project, ''), coalesce(assistant_id, ''), '', model, source, count(*), "
        "count(*) FILTER (WHERE status <> 'success'), sum(input_tokens), sum(output_tokens), 0, sum(cost), "
        "sum(latency_ms) FROM llm_usage GROUP BY 1, 2, 3, 4, 5, 6, 7"
    )
    op.execute(
        "INSERT INTO usage_daily SELECT date_trunc('day', bucket, 'UTC'), user_id, project, assistant_id, workflow_id, "
        "model, source, sum(requests), sum(errors), sum(input_tokens), sum(output_tokens), sum(cached_input_tokens), "
        "sum(cost), sum(latency_ms) FROM usage_hourly GROUP BY 1, 2, 3, 4, 5, 6, 7"
    )
    op.create_table(
        "cost_centers",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("description", sa.String(2000)),
        sa.Column("created_by", sa.String(320), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("name", name="uq_cost_centers_name"),
    )
    op.create_table(
        "cost_center_projects",
        sa.Column("project", sa.String(200), primary_key=True),
        sa.Column(
            "cost_center_id",
            sa.String(64),
            sa.ForeignKey(
                "cost_centers.id", ondelete="CASCADE", name="fk_cost_center_projects_cost_center_id_cost_centers"
            ),
            nullable=False,
        ),
    )
    op.create_index("ix_cost_center_projects_cost_center_id", "cost_center_projects", ["cost_center_id"])
    op.create_table(
        "budgets",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("scope", sa.String(16), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("soft_budget", sa.Float()),
        sa.Column("max_budget", sa.Float()),
        sa.Column("budget_duration", sa.String(16), nullable=False),
        sa.Column("reset_at", sa.DateTime(timezone=True)),
        sa.Column("spent_at_reset", sa.Float(), nullable=False),
        sa.Column("created_by", sa.String(320), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.UniqueConstraint("scope", "subject", name="uq_budgets_scope_subject"),
    )
    op.create_table(
        "activity_events",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("domain", sa.String(64), nullable=False),
        sa.Column("event_type", sa.String(64), nullable=False),
        sa.Column("entity_type", sa.String(64)),
        sa.Column("entity_id", sa.String(200)),
        sa.Column("actor_id", sa.String(64)),
        sa.Column("actor_email", sa.String(320)),
        sa.Column("actor_name", sa.String(320)),
        sa.Column("attributes", postgresql.JSONB(), nullable=False),
    )
    op.create_index("ix_activity_events_created_at", "activity_events", ["created_at"])
    op.create_index("ix_activity_events_domain", "activity_events", ["domain"])
    op.create_index("ix_activity_events_actor_id", "activity_events", ["actor_id"])
    # Append-only: the audit log cannot be edited through the application's connection.
    op.execute(
        "CREATE FUNCTION activity_events_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'activity_events is append-only'; END $$"
    )
    op.execute(
        "CREATE TRIGGER activity_events_append_only BEFORE UPDATE OR DELETE ON activity_events "
        "FOR EACH ROW EXECUTE FUNCTION activity_events_append_only()"
    )


def downgrade() -> None:
    op.drop_table("activity_events")
    op.execute("DROP FUNCTION activity_events_append_only()")
    op.drop_table("budgets")
    op.drop_table("cost_center_projects")
    op.drop_table("cost_centers")
    op.execute("DROP TRIGGER tool_usage_rollup ON tool_usage")
    op.execute("DROP FUNCTION tool_usage_rollup()")
    op.execute("DROP TRIGGER llm_usage_rollup ON llm_usage")
    op.execute("DROP FUNCTION llm_usage_rollup()")
    for table in ("tool_usage_daily", "tool_usage_hourly", "tool_usage", "usage_daily", "usage_hourly"):
        op.drop_table(table)
    op.drop_column("llm_usage", "cached_input_tokens")
    op.drop_column("llm_usage", "workflow_id")
