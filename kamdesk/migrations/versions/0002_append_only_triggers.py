"""Append-only triggers: the audit chain and work-order events cannot be rewritten.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 09:30:00

``audit_log`` refuses every UPDATE and DELETE. ``work_order_events`` refuses DELETE
and any UPDATE that touches the event itself; only the sync stamps
(``row_version``, ``updated_hlc``, ``updated_at``) may be written, so HQ's accepted
version can be recorded on the local copy.

Hazard: a batch (rebuild) migration of either table drops these triggers; it must
create them again. A column added to ``work_order_events`` must be added to the
guarded list (tests/db/test_append_only.py fails until it is).
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

EVENT_COLUMNS = (
    "id",
    "order_id",
    "seq",
    "action",
    "from_state",
    "to_state",
    "actor_id",
    "actor_role",
    "at",
    "payload",
    "created_at",
    "deleted_at",
    "deleted_by",
)

TRIGGERS = {
    "audit_log_no_update": (
        "BEFORE UPDATE ON audit_log",
        "audit_log is append-only: entries cannot be changed",
    ),
    "audit_log_no_delete": (
        "BEFORE DELETE ON audit_log",
        "audit_log is append-only: entries cannot be deleted",
    ),
    "work_order_events_no_update": (
        f"BEFORE UPDATE OF {', '.join(EVENT_COLUMNS)} ON work_order_events",
        "work_order_events is append-only: an event cannot be changed",
    ),
    "work_order_events_no_delete": (
        "BEFORE DELETE ON work_order_events",
        "work_order_events is append-only: an event cannot be deleted",
    ),
}


def upgrade() -> None:
    for name, (when, message) in TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} {when} BEGIN SELECT RAISE(ABORT, '{message}'); END")


def downgrade() -> None:
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
