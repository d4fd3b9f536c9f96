"""Sync store: rows by branch with a commit-ordered cursor, pushed batches, blobs.

Revision ID: hq0002
Revises: hq0001
Create Date: 2026-12-01

On PostgreSQL every new table is branch-scoped like those of hq0001: row-level
security ENABLED and FORCED with the policy ``branch_scope`` (``branch_id`` equals the
transaction's ``kamdesk.branch_id``), an ``hq_admin`` policy for the migrating role,
and only the privileges the service needs granted to the serving role (no DELETE).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "hq0002"
down_revision: str | Sequence[str] | None = "hq0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ROLE = "kamdesk_hq"
BRANCH = "current_setting('kamdesk.branch_id', true)"
TABLES = ("sync_rows", "sync_branch_state", "sync_push_batches", "sync_blobs")
GRANTS = [
    f"GRANT SELECT, INSERT, UPDATE ON sync_rows TO {ROLE}",
    f"GRANT SELECT, INSERT ON sync_branch_state TO {ROLE}",
    f"GRANT UPDATE (last_seq) ON sync_branch_state TO {ROLE}",
    f"GRANT SELECT, INSERT ON sync_push_batches TO {ROLE}",
    f"GRANT SELECT, INSERT ON sync_blobs TO {ROLE}",
]


def _branch_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["branch_id"], ["branches.id"], name=op.f(f"fk_{table}_branch_id_branches")
    )


def upgrade() -> None:
    ts = sa.DateTime(timezone=True)
    doc = sa.JSON().with_variant(JSONB(), "postgresql")
    op.create_table(
        "sync_rows",
        sa.Column("branch_id", sa.String(36), nullable=False),
        sa.Column("table_name", sa.String(48), nullable=False),
        sa.Column("row_id", sa.String(64), nullable=False),
        sa.Column("row_version", sa.Integer(), nullable=False),
        sa.Column("change_seq", sa.BigInteger(), nullable=False),
        sa.Column("hlc", sa.String(64), nullable=False),
        sa.Column("payload", doc, nullable=False),
        sa.Column("field_hlc", doc, nullable=False),
        sa.Column("field_versions", doc, nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("group_key", sa.String(64), nullable=True),
        sa.Column("origin_device_id", sa.String(36), nullable=True),
        sa.Column("updated_at", ts, nullable=False),
        _branch_fk("sync_rows"),
        sa.PrimaryKeyConstraint("branch_id", "table_name", "row_id", name=op.f("pk_sync_rows")),
    )
    op.create_index("ux_sync_rows_cursor", "sync_rows", ["branch_id", "change_seq"], unique=True)
    op.create_index("ix_sync_rows_group", "sync_rows", ["branch_id", "table_name", "group_key"])
    op.create_table(
        "sync_branch_state",
        sa.Column("branch_id", sa.String(36), nullable=False),
        sa.Column("last_seq", sa.BigInteger(), nullable=False),
        _branch_fk("sync_branch_state"),
        sa.PrimaryKeyConstraint("branch_id", name=op.f("pk_sync_branch_state")),
    )
    op.create_table(
        "sync_push_batches",
        sa.Column("device_id", sa.String(36), nullable=False),
        sa.Column("batch_seq", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.String(36), nullable=False),
        sa.Column("branch_id", sa.String(36), nullable=False),
        sa.Column("received_at", ts, nullable=False),
        sa.Column("response", doc, nullable=False),
        _branch_fk("sync_push_batches"),
        sa.ForeignKeyConstraint(
            ["device_id"], ["devices.id"], name=op.f("fk_sync_push_batches_device_id_devices")
        ),
        sa.PrimaryKeyConstraint("device_id", "batch_seq", name=op.f("pk_sync_push_batches")),
        sa.UniqueConstraint("batch_id", name=op.f("uq_sync_push_batches_batch_id")),
    )
    op.create_index(op.f("ix_sync_push_batches_branch_id"), "sync_push_batches", ["branch_id"])
    op.create_table(
        "sync_blobs",
        sa.Column("branch_id", sa.String(36), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", ts, nullable=False),
        _branch_fk("sync_blobs"),
        sa.PrimaryKeyConstraint("branch_id", "sha256", name=op.f("pk_sync_blobs")),
    )
    if op.get_bind().dialect.name == "postgresql":
        _guard_tables()


def _guard_tables() -> None:
    for grant in GRANTS:
        op.execute(grant)
    for table in TABLES:
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
        op.execute(
            f"CREATE POLICY branch_scope ON {table} USING (branch_id = {BRANCH})"
            f" WITH CHECK (branch_id = {BRANCH})"
        )
        op.execute(
            f"CREATE POLICY hq_admin ON {table} TO CURRENT_USER USING (true) WITH CHECK (true)"
        )


def downgrade() -> None:
    op.drop_table("sync_blobs")
    op.drop_index(op.f("ix_sync_push_batches_branch_id"), table_name="sync_push_batches")
    op.drop_table("sync_push_batches")
    op.drop_table("sync_branch_state")
    op.drop_index("ix_sync_rows_group", table_name="sync_rows")
    op.drop_index("ux_sync_rows_cursor", table_name="sync_rows")
    op.drop_table("sync_rows")
