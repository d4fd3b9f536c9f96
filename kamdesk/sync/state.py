"""The desktop's sync state in ``settings``: HQ address, cursor, batch numbers, flags.

Every value is written inside the caller's transaction, so it commits together with
the change it describes (a page and its cursor, a batch and its number: G5).
"""

from __future__ import annotations

from dataclasses import dataclass
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
ACKED_BATCH_SEQ = "sync.acked_batch_seq"
"""The highest batch number HQ acknowledged to this database."""
HELD_FROM = "sync.held_from"
"""The first batch whose acknowledged rows this database is known to hold (1; after a
restore from a backup, the first batch numbered after it: the rows of the batches in
between may be missing here, so HQ must send them)."""
SNAPSHOT_DONE = "sync.snapshot_done"
LAST_SUCCESS = "sync.last_success"
PULL_HEAD = "sync.pull_head"
"""HQ's newest changelog number as of the last page pulled (progress of a long pull)."""
LOADED = "sync.loaded"
"""True once a pull reached HQ's head: the first load from HQ is complete."""
RESNAPSHOT = "sync.resnapshot"
"""While a re-snapshot runs: the snapshot pull's own cursor (None otherwise)."""
HORIZON = "sync.horizon"
"""HQ's tombstone horizon as of the last reconcile (local tombstones HQ forgot are gone)."""
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


def held_batches(session: Session | Connection) -> tuple[int, int] | None:
    """The acknowledged batches whose stored-as-sent new rows this database holds, for
    HQ to leave out of its pulls (None: none)."""
    first, last = int(read(session, HELD_FROM, 1)), int(read(session, ACKED_BATCH_SEQ, 0))
    return (first, last) if last >= first else None


def advance(session: Session | Connection, key: str, value: int) -> None:
    """Store ``value`` unless a larger number is already stored (never backwards)."""
    if int(read(session, key, 0)) < value:
        write(session, key, value)


@dataclass(frozen=True)
class LoadProgress:
    """How far a first load (or a re-snapshot) from HQ has come, in changelog numbers
    as of the last page received: ``reached`` of ``head``."""

    reached: int
    head: int
    reloading: bool
    """A re-snapshot (everything again after a long time offline), not the first load."""

    @property
    def percent(self) -> int:
        """Whole percent done; 100 only when ``reached`` is ``head``."""
        if self.head <= 0 or self.reached >= self.head:
            return 100
        return min(99, self.reached * 100 // self.head)


def load_progress(session: Session | Connection) -> LoadProgress | None:
    """The first load or re-snapshot still under way (None when there is none)."""
    head = int(read(session, PULL_HEAD, 0))
    snapshot = read(session, RESNAPSHOT)
    if snapshot is not None:
        return LoadProgress(int(snapshot), head, reloading=True)
    if not head or read(session, LOADED):
        return None
    return LoadProgress(int(read(session, CURSOR, 0)), head, reloading=False)
