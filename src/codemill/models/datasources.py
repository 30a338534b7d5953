"""Datasources (CodeMie "indexes"), their items (files, pages, issues) and their searchable chunks."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pgvector.sqlalchemy import VECTOR
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Computed,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column

from codemill.models.base import Base, Timestamps, new_id

# Vector dimensions that get an HNSW index (partial, on a cast): local MiniLM and common API models.
INDEXED_DIMENSIONS = (384, 768, 1024, 1536)


class DatasourceStatus(StrEnum):
    """Where a datasource's indexing stands (stored as its value; CodeMie's flags derive from it)."""

    PENDING = "pending"
    INDEXING = "indexing"
    INDEXED = "indexed"
    FAILED = "failed"
    PAUSED = "paused"


class IndexingMode(StrEnum):
    """How an indexing job treats what is already indexed."""

    FULL = "full"  # start over
    INCREMENTAL = "incremental"  # only what changed since the last indexed commit / content hash
    RECONCILE = "reconcile"  # walk the whole tree again; unchanged files stay
    RESUME = "resume"  # continue an interrupted run without redoing finished items


class Datasource(Timestamps, Base):
    """A datasource: what to index (config), how far indexing got (status, counters) and with which model."""

    __tablename__ = "datasources"
    __table_args__ = (UniqueConstraint("project_name", "name"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True, default=new_id)
    project_name: Mapped[str] = mapped_column(
        String(320), ForeignKey("projects.name", ondelete="CASCADE", onupdate="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text, default="")
    index_type: Mapped[str] = mapped_column(String(64))
    created_by: Mapped[str | None] = mapped_column(
        String(64), ForeignKey("users.id", ondelete="SET NULL"), default=None, index=True
    )
    creator: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    shared_with_project: Mapped[bool] = mapped_column(Boolean, default=False)
    setting_id: Mapped[str | None] = mapped_column(String(64), default=None)
    config: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    embeddings_model: Mapped[str] = mapped_column(String(200), default="")
    embedding_dims: Mapped[int] = mapped_column(Integer, default=0)
    # pending | indexing | indexed | failed | paused
    status: Mapped[str] = mapped_column(String(16), default=DatasourceStatus.PENDING.value)
    error_message: Mapped[str | None] = mapped_column(Text, default=None)
    items_total: Mapped[int] = mapped_column(Integer, default=0)
    items_done: Mapped[int] = mapped_column(Integer, default=0)
    items_skipped: Mapped[int] = mapped_column(Integer, default=0)
    chunks_total: Mapped[int] = mapped_column(Integer, default=0)
    chunks_done: Mapped[int] = mapped_column(Integer, default=0)
    last_commit: Mapped[str | None] = mapped_column(String(64), default=None)
    job_id: Mapped[int | None] = mapped_column(BigInteger, default=None)
    indexed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)


class DatasourceItem(Base):
    """One indexed unit: a file, a page or an issue; its content hash drives incremental reindexing."""

    __tablename__ = "datasource_items"

    datasource_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("datasources.id", ondelete="CASCADE"), primary_key=True
    )
    path: Mapped[str] = mapped_column(Text, primary_key=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    # Uploaded files and fetched pages keep their content here so any worker can (re)index them.
    content: Mapped[bytes | None] = mapped_column(LargeBinary, default=None, deferred=True)
    mime_type: Mapped[str | None] = mapped_column(String(200), default=None)
    title: Mapped[str | None] = mapped_column(Text, default=None)
    url: Mapped[str | None] = mapped_column(Text, default=None)
    # pending | done | skipped
    state: Mapped[str] = mapped_column(String(16), default="pending")
    chunk_count: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text, default=None)


class DatasourceChunk(Base):
    """A searchable piece of an item: text, full-text vector and embedding. chunk_key makes writes idempotent."""

    __tablename__ = "datasource_chunks"
    __table_args__ = (
        UniqueConstraint("datasource_id", "chunk_key"),
        Index("ix_datasource_chunks_tsv", "tsv", postgresql_using="gin"),
        Index("ix_datasource_chunks_item", "datasource_id", "item_path"),
        *(
            Index(
                f"ix_datasource_chunks_hnsw_{dims}",
                text(f"(embedding::vector({dims})) vector_cosine_ops"),
                postgresql_using="hnsw",
                postgresql_with={"m": 16, "ef_construction": 128},
                postgresql_where=text(f"dims = {dims}"),
            )
            for dims in INDEXED_DIMENSIONS
        ),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    datasource_id: Mapped[str] = mapped_column(String(64), ForeignKey("datasources.id", ondelete="CASCADE"))
    item_path: Mapped[str] = mapped_column(Text)
    chunk_key: Mapped[str] = mapped_column(String(64))
    ordinal: Mapped[int] = mapped_column(Integer)
    content: Mapped[str] = mapped_column(Text)
    meta: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    dims: Mapped[int] = mapped_column(Integer)
    embedding: Mapped[Any] = mapped_column(VECTOR())
    tsv: Mapped[Any] = mapped_column(
        TSVECTOR, Computed("to_tsvector('english', item_path || ' ' || content)", persisted=True)
    )
