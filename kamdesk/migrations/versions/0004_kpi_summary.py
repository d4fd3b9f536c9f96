"""KPI summary table and the indexes the KPI periods filter on.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 04:00:00

``kpi_month_sums`` holds exact integer KPI sums per dimension key and month
(:mod:`kamdesk.db.models.kpi_summary`). It is created empty: until
``kamdesk.services.kpi.summary.rebuild`` has filled it (and written the row of
``kpi_summary_state``), the KPI engine computes from the raw rows. The indexes
serve the raw engine and the summary's per-period rebuilds: confirmations, revenue
months, closed complaints and done visits.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = {
    "ix_work_orders_confirmed": ("work_orders", ["confirmed_at"]),
    "ix_revenue_month": ("revenue_months", ["month"]),
    "ix_complaints_closed_at": ("complaints", ["closed_at"]),
    "ix_visits_status_done": ("visits", ["status", "done_at"]),
}


def upgrade() -> None:
    op.create_table(
        "kpi_month_sums",
        sa.Column("dim", sa.String(length=16), nullable=False),
        sa.Column("month", sa.String(length=10), nullable=False),
        sa.Column("code", sa.String(length=8), nullable=False),
        sa.Column("key", sa.String(length=36), nullable=False),
        sa.Column("product", sa.String(length=36), nullable=False),
        sa.Column("bucket", sa.String(length=7), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("d", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "dim", "month", "code", "key", "product", "bucket", name=op.f("pk_kpi_month_sums")
        ),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "kpi_summary_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("first", sa.String(length=10), nullable=False),
        sa.Column("last", sa.String(length=10), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kpi_summary_state")),
    )
    for name, (table, columns) in INDEXES.items():
        op.create_index(name, table, columns, unique=False)


def downgrade() -> None:
    for name, (table, _) in INDEXES.items():
        op.drop_index(name, table_name=table)
    op.drop_table("kpi_summary_state")
    op.drop_table("kpi_month_sums")
