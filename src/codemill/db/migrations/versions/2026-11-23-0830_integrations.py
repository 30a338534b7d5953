"""integrations: credentials with user, user-global and project scopes; secrets as AES-GCM envelopes

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 08:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "integrations",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("setting_type", sa.String(length=16), nullable=False),
        sa.Column("owner_id", sa.String(length=64), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=True),
        sa.Column("project_name", sa.String(length=200), nullable=False),
        sa.Column("is_global", sa.Boolean(), nullable=False),
        sa.Column("alias", sa.String(length=200), nullable=False),
        sa.Column("credential_type", sa.String(length=32), nullable=False),
        sa.Column("is_default", sa.Boolean(), nullable=False),
        sa.Column("values", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("secret_keys", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("secret_key_id", sa.String(length=64), nullable=True),
        sa.Column("secret_wrapped_key", sa.LargeBinary(), nullable=True),
        sa.Column("secret_ciphertext", sa.LargeBinary(), nullable=True),
        sa.Column("plugin_key_hash", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_integrations_owner_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_integrations_created_by_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["project_name"],
            ["projects.name"],
            name=op.f("fk_integrations_project_name_projects"),
            onupdate="CASCADE",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_integrations")),
        sa.UniqueConstraint("plugin_key_hash", name=op.f("uq_integrations_plugin_key_hash")),
    )
    op.create_index(op.f("ix_integrations_setting_type"), "integrations", ["setting_type"], unique=False)
    op.create_index(op.f("ix_integrations_owner_id"), "integrations", ["owner_id"], unique=False)
    op.create_index(op.f("ix_integrations_project_name"), "integrations", ["project_name"], unique=False)
    op.create_index(op.f("ix_integrations_credential_type"), "integrations", ["credential_type"], unique=False)
    op.create_index(op.f("ix_integrations_secret_key_id"), "integrations", ["secret_key_id"], unique=False)


def downgrade() -> None:
    op.drop_table("integrations")
