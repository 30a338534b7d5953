"""datasources, items, chunks (pgvector HNSW + full text) and the procrastinate job schema

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from pgvector.sqlalchemy import VECTOR
from procrastinate.schema import SchemaManager
from sqlalchemy.dialects import postgresql
from sqlalchemy.util import await_

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

INDEXED_DIMENSIONS = (384, 768, 1024, 1536)
JOBS_SCHEMA = "procrastinate"


def _jobs_schema() -> None:
    # procrastinate's tables live in their own schema (kept out of the models' namespace); every one of its
    # functions pins search_path so a job can be deferred from any connection, inside our own transaction.
    op.execute(f"CREATE SCHEMA IF NOT EXISTS {JOBS_SCHEMA}")
    op.execute(f"SELECT set_config('search_path', '{JOBS_SCHEMA}', true)")
    # The schema file is many statements: asyncpg runs it unprepared on the raw connection.
    raw = op.get_bind().connection.dbapi_connection
    driver = getattr(raw, "driver_connection", None) or raw._connection  # type: ignore[union-attr]
    await_(driver.execute(SchemaManager.get_schema()))
    op.execute("SELECT set_config('search_path', '\"$user\", public', true)")
    op.execute(
        """
        DO $$
        DECLARE f record;
        BEGIN
          FOR f IN SELECT p.oid::regprocedure AS sig FROM pg_proc p
                   JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'procrastinate'
          LOOP
            EXECUTE format('ALTER FUNCTION %s SET search_path = procrastinate, public', f.sig);
          END LOOP;
        END $$;
        """
    )


def upgrade() -> None:
    op.create_table(
        "datasources",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("project_name", sa.String(length=200), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("index_type", sa.String(length=64), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=True),
        sa.Column("creator", sa.JSON(), nullable=False),
        sa.Column("shared_with_project", sa.Boolean(), nullable=False),
        sa.Column("setting_id", sa.String(length=64), nullable=True),
        sa.Column("config", sa.JSON(), nullable=False),
        sa.Column("embeddings_model", sa.String(length=200), nullable=False),
        sa.Column("embedding_dims", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("error_message", sa.Text(), nullable=True),
        sa.Column("items_total", sa.Integer(), nullable=False),
        sa.Column("items_done", sa.Integer(), nullable=False),
        sa.Column("items_skipped", sa.Integer(), nullable=False),
        sa.Column("chunks_total", sa.Integer(), nullable=False),
        sa.Column("chunks_done", sa.Integer(), nullable=False),
        sa.Column("last_commit", sa.String(length=64), nullable=True),
        sa.Column("job_id", sa.BigInteger(), nullable=True),
        sa.Column("indexed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_datasources_created_by_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["project_name"],
            ["projects.name"],
            name=op.f("fk_datasources_project_name_projects"),
            onupdate="CASCADE",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_datasources")),
        sa.UniqueConstraint("project_name", "name", name=op.f("uq_datasources_project_name")),
    )
    op.create_index(op.f("ix_datasources_created_by"), "datasources", ["created_by"], unique=False)
    op.create_index(op.f("ix_datasources_project_name"), "datasources", ["project_name"], unique=False)
    op.create_table(
        "datasource_items",
        sa.Column("datasource_id", sa.String(length=64), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=True),
        sa.Column("mime_type", sa.String(length=200), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("chunk_count", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["datasource_id"],
            ["datasources.id"],
            name=op.f("fk_datasource_items_datasource_id_datasources"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("datasource_id", "path", name=op.f("pk_datasource_items")),
    )
    op.create_table(
        "datasource_chunks",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("datasource_id", sa.String(length=64), nullable=False),
        sa.Column("item_path", sa.Text(), nullable=False),
        sa.Column("chunk_key", sa.String(length=64), nullable=False),
        sa.Column("ordinal", sa.Integer(), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("meta", sa.JSON(), nullable=False),
        sa.Column("dims", sa.Integer(), nullable=False),
        sa.Column("embedding", VECTOR(), nullable=False),
        sa.Column(
            "tsv",
            postgresql.TSVECTOR(),
            sa.Computed("to_tsvector('english', item_path || ' ' || content)", persisted=True),
            nullable=True,
        ),
        sa.ForeignKeyConstraint(
            ["datasource_id"],
            ["datasources.id"],
            name=op.f("fk_datasource_chunks_datasource_id_datasources"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_datasource_chunks")),
        sa.UniqueConstraint("datasource_id", "chunk_key", name=op.f("uq_datasource_chunks_datasource_id")),
    )
    op.create_index("ix_datasource_chunks_item", "datasource_chunks", ["datasource_id", "item_path"], unique=False)
    op.create_index("ix_datasource_chunks_tsv", "datasource_chunks", ["tsv"], unique=False, postgresql_using="gin")
    for dims in INDEXED_DIMENSIONS:
        # One partial HNSW index per dimension: vectors of different models never share an index.
        op.execute(
            f"CREATE INDEX ix_datasource_chunks_hnsw_{dims} ON datasource_chunks "
            f"USING hnsw ((embedding::vector({dims})) vector_cosine_ops) WITH (m = 16, ef_construction = 128) "
            f"WHERE dims = {dims}"
        )
    _jobs_schema()


def downgrade() -> None:
    op.execute(f"DROP SCHEMA IF EXISTS {JOBS_SCHEMA} CASCADE")
    op.drop_table("datasource_chunks")
    op.drop_table("datasource_items")
    op.drop_index(op.f("ix_datasources_project_name"), table_name="datasources")
    op.drop_index(op.f("ix_datasources_created_by"), table_name="datasources")
    op.drop_table("datasources")
