"""The desktop's sync state in ``settings``: HQ address, cursor, batch numbers, flags.

Every value is written inside the caller's transaction, so it commits together with
the change it describes (a page and its cursor, a batch and its number: G5).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from kamdesk.db.models import Setting

HQ_URL = "sync.hq_url"
CA_BUNDLE = "sync.ca_bundle"
HQ_DEVICE_ID = "sync.hq_device_id"
BRANCH_CODE = "sync.branch_code"
BRANCH_NAME = "sync.branch_name"
CURSOR = "sync.cursor"
LAST_BATCH_SEQ = "sync.last_batch_seq"
SNAPSHOT_DONE = "sync.snapshot_done"
LAST_SUCCESS = "sync.last_success"
AUDIT_ANCHOR = "sync.audit_anchor"
"""The audit entry HQ recorded last for this device (a hint; HQ has the final word)."""
AUDIT_ALARM = "sync.audit_alarm"
"""HQ's open audit alarm for this device as last answered (wire form), or None."""


def read(session: Session | Connection, key: str, default: Any = None) -> Any:
    value = session.execute(select(Setting.value).where(Setting.key == key)).scalar()
    return default if value is None else value


def write(session: Session | Connection, key: str, value: Any) -> None:
    statement = sqlite_insert(Setting).values(key=key, value=value)
    session.execute(
        statement.on_conflict_do_update(index_elements=[Setting.key], set_={"value": value})
    )


def advance(session: Session | Connection, key: str, value: int) -> None:
    """Store ``value`` unless a larger number is already stored (never backwards)."""
    if int(read(session, key, 0)) < value:
        write(session, key, value)
