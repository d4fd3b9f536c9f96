"""A stored row remembers the push that made it, when its device holds it as stored.

Revision ID: hq0007
Revises: hq0006
Create Date: 2026-12-13

Additive: ``sync_rows.held_batch_seq`` (nullable). Set to the pushing device's batch
number when a pushed new row was stored exactly as sent (its clocks not clamped), so
that device already holds this version and its pulls may leave it out (SYNC.md,
"Own rows are not echoed"); any later change of the row clears it. Existing rows keep
NULL and are pulled as before. The serving role reads and writes the column with the
table, so no new grant is needed.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "hq0007"
down_revision: str | Sequence[str] | None = "hq0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("sync_rows", sa.Column("held_batch_seq", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sync_rows") as batch:
        batch.drop_column("held_batch_seq")
