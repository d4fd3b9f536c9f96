"""Incentive schedules: HQ's published versions of the evaluation sheet's schedule.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 06:00:00

``incentive_schedules`` is reference data like ``grading_rule_sets``: a version, the
day it applies from and the schedule as JSON
(:class:`kamdesk.domain.incentive.IncentiveSchedule`). It is created empty; until HQ
publishes a version the evaluation sheet uses KAMDesk's defaults (the seed's figures).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "incentive_schedules",
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("schedule", sa.JSON(), nullable=False),
        sa.Column("published_at", sa.DateTime(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("row_version", sa.Integer(), server_default="0", nullable=False),
        sa.Column("updated_hlc", sa.String(length=48), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.Column("deleted_by", sa.String(length=36), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incentive_schedules")),
        sa.UniqueConstraint("version", name=op.f("uq_incentive_schedules_version")),
    )


def downgrade() -> None:
    op.drop_table("incentive_schedules")
