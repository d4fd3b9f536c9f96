"""The work-order group index covers only rows that have a group.

Revision ID: hq0004
Revises: hq0003
Create Date: 2026-12-03

``ix_sync_rows_group`` becomes partial (``WHERE group_key IS NOT NULL``): only
work-order rows carry a group, and a full index on ``(branch_id, table_name, …)``
tempted PostgreSQL's planner, before the table had statistics, to answer a lookup of
rows by id by walking every row of the table through it instead of the primary key.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "hq0004"
down_revision: str | Sequence[str] | None = "hq0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "ix_sync_rows_group"
COLUMNS = ["branch_id", "table_name", "group_key"]
GROUPED = sa.text("group_key IS NOT NULL")


def upgrade() -> None:
    op.drop_index(INDEX, table_name="sync_rows")
    op.create_index(INDEX, "sync_rows", COLUMNS, postgresql_where=GROUPED, sqlite_where=GROUPED)


def downgrade() -> None:
    op.drop_index(INDEX, table_name="sync_rows")
    op.create_index(INDEX, "sync_rows", COLUMNS)
