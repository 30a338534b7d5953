"""assistant categories and reactions

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 02:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

# CodeMie's category ids and names (clients and stored assistants refer to them); the descriptions are ours.
CATEGORIES = [
    ("migration-modernization", "Migration & Modernization", "Cloud migrations, legacy upgrades, modernization."),
    ("support", "Support", "Help desks, FAQ bots and support automation."),
    ("business-analysis", "Business Analysis", "Business needs and requirements."),
    ("product-management", "Product management", "Roadmaps, prioritisation and the product lifecycle."),
    ("data-analytics", "Data Analytics", "Analysing and visualising data."),
    ("engineering", "Engineering", "Writing, reviewing and maintaining software."),
    ("quality-assurance", "Quality Assurance", "Testing and test automation."),
    ("devops", "DevOps", "Infrastructure, delivery pipelines and operations."),
    ("security", "Security", "Keeping systems and data secure."),
    ("compliance", "Compliance", "Regulations and audits."),
    ("project-management", "Project Management", "Planning and tracking work."),
    ("customer-experience", "Customer Experience", "Customer interactions, ticket routing and surveys."),
    ("monitoring-alerts", "Monitoring & Alerts", "System health, alerts and early warnings."),
    ("ui-ux-design", "UI/UX Design", "Prototypes, wireframes and user research."),
    ("knowledge-management", "Knowledge Management", "Documentation and finding what the organisation knows."),
    ("training", "Training", "Onboarding and learning."),
    ("architecture", "Architecture", "Designing scalable, reliable systems."),
    ("presales", "Presales", "Proposals, client conversations and demonstrations."),
]


def upgrade() -> None:
    categories = op.create_table(
        "assistant_categories",
        sa.Column("id", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assistant_categories")),
        sa.UniqueConstraint("name", name=op.f("uq_assistant_categories_name")),
    )
    op.bulk_insert(categories, [{"id": i, "name": n, "description": d} for i, n, d in CATEGORIES])
    op.create_table(
        "assistant_reactions",
        sa.Column("assistant_id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("reaction", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assistant_id"],
            ["assistants.id"],
            name=op.f("fk_assistant_reactions_assistant_id_assistants"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_assistant_reactions_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("assistant_id", "user_id", name=op.f("pk_assistant_reactions")),
    )


def downgrade() -> None:
    op.drop_table("assistant_reactions")
    op.drop_table("assistant_categories")
