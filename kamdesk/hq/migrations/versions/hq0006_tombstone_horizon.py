"""Each branch remembers its tombstone horizon (how far purged tombstones reach).

Revision ID: hq0006
Revises: hq0005
Create Date: 2026-12-12

Additive: ``sync_branch_state.purged_through`` (NOT NULL, default 0), the highest
changelog number of a tombstone HQ has purged. A device whose cursor is below it may
have missed a delete and must re-snapshot. Only the admin (table owner) purges, so
the serving role gets no new grant: it reads the column with the table.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "hq0006"
down_revision: str | Sequence[str] | None = "hq0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "sync_branch_state",
        sa.Column("purged_through", sa.BigInteger(), nullable=False, server_default="0"),
    )


def downgrade() -> None:
    with op.batch_alter_table("sync_branch_state") as batch:
        batch.drop_column("purged_through")
