"""The history of each device's audit chain heads, with HQ's verdict on each.

Revision ID: hq0005
Revises: hq0004
Create Date: 2026-12-10

Additive: a new table ``audit_heads``. On PostgreSQL it is branch-scoped like the
sync tables (row-level security ENABLED and FORCED, ``branch_scope`` and ``hq_admin``
policies); the serving role may read and insert, never change or delete: accepting
an alarm is an admin's act.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "hq0005"
down_revision: str | Sequence[str] | None = "hq0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ROLE = "kamdesk_hq"
BRANCH = "current_setting('kamdesk.branch_id', true)"
TABLE = "audit_heads"
PROBLEM = sa.text("verdict IN ('rewound', 'forked')")


def upgrade() -> None:
    ts = sa.DateTime(timezone=True)
    op.create_table(
        TABLE,
        sa.Column("device_id", sa.String(36), nullable=False),
        sa.Column("report_no", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.String(36), nullable=False),
        sa.Column("received_at", ts, nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("mac", sa.String(64), nullable=False),
        sa.Column("verdict", sa.String(16), nullable=False),
        sa.Column("known_seq", sa.BigInteger(), nullable=True),
        sa.Column("known_mac", sa.String(64), nullable=True),
        sa.Column("accepted_at", ts, nullable=True),
        sa.ForeignKeyConstraint(
            ["branch_id"], ["branches.id"], name=op.f("fk_audit_heads_branch_id_branches")
        ),
        sa.ForeignKeyConstraint(
            ["device_id"], ["devices.id"], name=op.f("fk_audit_heads_device_id_devices")
        ),
        sa.PrimaryKeyConstraint("device_id", "report_no", name=op.f("pk_audit_heads")),
    )
    op.create_index(op.f("ix_audit_heads_branch_id"), TABLE, ["branch_id"])
    op.create_index(
        "ix_audit_heads_problem",
        TABLE,
        ["device_id", "report_no"],
        postgresql_where=PROBLEM,
        sqlite_where=PROBLEM,
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"GRANT SELECT, INSERT ON {TABLE} TO {ROLE}")
        op.execute(f"ALTER TABLE {TABLE} ENABLE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {TABLE} FORCE ROW LEVEL SECURITY")
        op.execute(
            f"CREATE POLICY branch_scope ON {TABLE} USING (branch_id = {BRANCH})"
            f" WITH CHECK (branch_id = {BRANCH})"
        )
        op.execute(
            f"CREATE POLICY hq_admin ON {TABLE} TO CURRENT_USER USING (true) WITH CHECK (true)"
        )


def downgrade() -> None:
    op.drop_index("ix_audit_heads_problem", table_name=TABLE)
    op.drop_index(op.f("ix_audit_heads_branch_id"), table_name=TABLE)
    op.drop_table(TABLE)
