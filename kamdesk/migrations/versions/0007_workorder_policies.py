"""Work-order policies: HQ's published versions of the leader-approval threshold.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 15:00:00

``workorder_policies`` is reference data like ``grading_rule_sets``: a version, the
day it applies from and the value above which a reviewed order needs the leader. It
is created empty; until HQ publishes a version KAMDesk's default (¥100,000) applies.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "workorder_policies",
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("leader_value_threshold", sa.Integer(), nullable=False),  # fen
        sa.Column("published_at", sa.DateTime(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("row_version", sa.Integer(), server_default="0", nullable=False),
        sa.Column("updated_hlc", sa.String(length=48), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.Column("deleted_by", sa.String(length=36), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workorder_policies")),
        sa.UniqueConstraint("version", name=op.f("uq_workorder_policies_version")),
    )


def downgrade() -> None:
    op.drop_table("workorder_policies")
