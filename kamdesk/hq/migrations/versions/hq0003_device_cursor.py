"""Devices remember how far they pulled (for the sync-health report's backlog).

Revision ID: hq0003
Revises: hq0002
Create Date: 2026-12-02

Additive: a nullable ``devices.pulled_cursor``; on PostgreSQL the serving role may
update that one column (row-level security of ``devices`` is unchanged).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "hq0003"
down_revision: str | Sequence[str] | None = "hq0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ROLE = "kamdesk_hq"


def upgrade() -> None:
    op.add_column("devices", sa.Column("pulled_cursor", sa.BigInteger(), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"GRANT UPDATE (pulled_cursor) ON devices TO {ROLE}")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"REVOKE UPDATE (pulled_cursor) ON devices FROM {ROLE}")
    with op.batch_alter_table("devices") as batch:
        batch.drop_column("pulled_cursor")
