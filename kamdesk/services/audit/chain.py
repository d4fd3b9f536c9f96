"""The HMAC chain of ``audit_log``: appending entries, the chain head, verification.

Guarantees:
- ``mac = HMAC-SHA-256(key, prev_mac + canonical)``, where ``canonical`` is the JSON
  array of the entry's stored values exactly as SQLite holds them (``seq``, ``at``,
  ``branch_id``, ``actor_id``, ``action``, ``entity``, ``entity_id``, ``details``
  text). Changing any byte of an entry, deleting one, inserting one or moving one
  breaks the chain at that entry; :func:`verify` names the first such entry.
- The key belongs to the branch recorded once in ``settings`` (:data:`BRANCH_SETTING`)
  and lives in the credential store (:mod:`.keys`), never in the database, so whoever
  holds only the file cannot forge a chain.

Hazards:
- Appends read the last ``mac`` and write the next entry, so they must hold the
  database's write lock: inside :func:`kamdesk.services.uow.write_session` (``BEGIN
  IMMEDIATE``) they do. In a deferred transaction a concurrent writer makes SQLite
  refuse the late lock upgrade (``SQLITE_BUSY``) rather than fork the chain, so the
  race costs a retry, never a broken chain.
- Cutting off the newest entries or restoring an old backup leaves a valid but
  shorter chain; only the head sent to HQ and printed on work orders reveals that.
- A schema migration cannot write its own entry (the key lives above the database
  layer), so :func:`kamdesk.db.startup.open_database` leaves a note in ``settings``
  in the migration's transaction; the next append writes it as a ``migration`` entry
  before its own entries and removes the note, so a migration is never left unlogged
  once anything else is logged.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, delete, insert, select

from kamdesk.db.models import Branch, Setting
from kamdesk.db.startup import MIGRATION_NOTE_SETTING
from kamdesk.domain.clock import utcnow
from kamdesk.services.audit.keys import audit_key

GENESIS = "0" * 64
"""``prev_mac`` of the first entry."""
BRANCH_SETTING = "audit_branch_id"
"""``settings`` key naming the branch whose key signs this database's chain."""
UNASSIGNED_BRANCH = "unassigned"
"""Key owner of a database that had no branch when its first entry was written."""
ACTOR_INFO = "actor"
"""``Session.info`` key holding the :class:`~kamdesk.services.actor.Actor` of a unit of work."""
_STORED_AT = "%Y-%m-%d %H:%M:%S.%f"  # SQLAlchemy's SQLite DATETIME text, so the ORM reads it
_COLUMNS = "seq, at, branch_id, actor_id, action, entity, entity_id, details, prev_mac, mac"


@dataclass(frozen=True)
class NewEntry:
    """One entry to append; ``details`` must be JSON-safe."""

    action: str
    entity: str = ""
    entity_id: str = ""
    details: dict[str, Any] = field(default_factory=dict)
    actor_id: str | None = None
    branch_id: str | None = None


@dataclass(frozen=True)
class ChainHead:
    """The newest entry's number and MAC (``0``/:data:`GENESIS` for an empty log)."""

    seq: int
    mac: str

    @property
    def short(self) -> str:
        """``#<seq> <first 12 hex of the MAC>``: printed on signed work orders."""
        return f"#{self.seq} {self.mac[:12]}"


@dataclass(frozen=True)
class ChainProblem:
    """The first entry that breaks the chain.

    ``reason``: ``missing`` (entries ``missing_from``..``seq - 1`` are gone),
    ``unlinked`` (its ``prev_mac`` is not its predecessor's MAC: an entry before it
    was deleted, inserted or moved), ``altered`` (its content or MAC changed),
    ``unkeyed`` (the branch that owns the key was removed from ``settings``).
    """

    seq: int
    reason: str
    action: str = ""
    at: str = ""
    missing_from: int = 0


@dataclass(frozen=True)
class ChainReport:
    entries: int
    head: ChainHead
    branch_id: str | None
    problem: ChainProblem | None

    @property
    def ok(self) -> bool:
        return self.problem is None


def canonical_json(value: Any) -> str:
    """Sorted keys, no spaces, UTF-8 characters kept: the stored text of ``details``."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def entry_mac(key: bytes, prev_mac: str, stored: Sequence[Any]) -> str:
    """The MAC of an entry whose stored values (``seq`` .. ``details``) are ``stored``."""
    message = prev_mac.encode("ascii") + canonical_json(list(stored)).encode("utf-8")
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def head(connection: Connection) -> ChainHead:
    """The chain head as stored now (not verified)."""
    row = connection.exec_driver_sql(
        "SELECT seq, mac FROM audit_log ORDER BY seq DESC LIMIT 1"
    ).first()
    return ChainHead(0, GENESIS) if row is None else ChainHead(int(row[0]), str(row[1]))


def mac_at(connection: Connection, seq: int) -> str | None:
    """The stored MAC of entry ``seq`` (:data:`GENESIS` for 0); None when there is none."""
    if seq == 0:
        return GENESIS
    row = connection.exec_driver_sql("SELECT mac FROM audit_log WHERE seq = ?", (seq,)).first()
    return None if row is None else str(row[0])


def _migration_notes(connection: Connection) -> list[NewEntry]:
    """The ``migration`` entry a start-up migration left to write (and its note removed)."""
    note = connection.execute(
        select(Setting.value).where(Setting.key == MIGRATION_NOTE_SETTING)
    ).scalar_one_or_none()
    if note is None:
        return []
    connection.execute(delete(Setting).where(Setting.key == MIGRATION_NOTE_SETTING))
    return [NewEntry("migration", details=dict(note) if isinstance(note, dict) else {})]


def chain_branch(connection: Connection, hint: str | None) -> str:
    """The key owner of this database's chain; fixed in ``settings`` on first call.

    The first call records ``hint`` (the acting person's branch), else the database's
    first branch by code, else :data:`UNASSIGNED_BRANCH`, in the caller's transaction.
    """
    stored = connection.execute(
        select(Setting.value).where(Setting.key == BRANCH_SETTING)
    ).scalar_one_or_none()
    if stored:
        return str(stored)
    branch = (
        hint
        or connection.execute(
            select(Branch.id).where(Branch.deleted_at.is_(None)).order_by(Branch.code).limit(1)
        ).scalar_one_or_none()
    )
    chosen = str(branch or UNASSIGNED_BRANCH)
    connection.execute(insert(Setting).values(key=BRANCH_SETTING, value=chosen))
    return chosen


def append(connection: Connection, entries: Sequence[NewEntry]) -> ChainHead:
    """Append ``entries`` in order, chained to the current head; returns the new head.

    Must run inside a write transaction (see the module's hazards). Raises
    ``KamdeskError("audit.no_keyring")`` when the key cannot be had.
    """
    last = head(connection)
    if not entries:
        return last
    entries = [*_migration_notes(connection), *entries]
    branch = chain_branch(connection, next((e.branch_id for e in entries if e.branch_id), None))
    key = audit_key(branch)
    at = utcnow().strftime(_STORED_AT)
    rows: list[tuple[Any, ...]] = []
    seq, prev = last.seq, last.mac
    for entry in entries:
        seq += 1
        stored = (
            seq,
            at,
            entry.branch_id or branch,
            entry.actor_id,
            entry.action,
            entry.entity,
            entry.entity_id,
            canonical_json(entry.details),
        )
        mac = entry_mac(key, prev, stored)
        rows.append((*stored, prev, mac))
        prev = mac
    connection.exec_driver_sql(
        f"INSERT INTO audit_log ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows
    )
    return ChainHead(seq, prev)


def verify(connection: Connection) -> ChainReport:
    """Walk the whole chain in ``seq`` order and report the first broken entry.

    Raises ``KamdeskError("audit.key_missing")`` when the credential store has no key
    for the chain's branch (a key is never created here).
    """
    branch = connection.execute(
        select(Setting.value).where(Setting.key == BRANCH_SETTING)
    ).scalar_one_or_none()
    rows = connection.exec_driver_sql(f"SELECT {_COLUMNS} FROM audit_log ORDER BY seq")
    key = audit_key(str(branch), create=False) if branch else None
    count, prev_seq, prev_mac = 0, 0, GENESIS
    for row in rows:
        count += 1
        seq, stored, row_prev, mac = row[0], tuple(row[:8]), row[8], row[9]
        problem = _check(key, stored, prev_seq, prev_mac, row_prev, mac)
        if problem is not None:
            reason, missing_from = problem
            return ChainReport(
                count,
                ChainHead(prev_seq, prev_mac),
                None if branch is None else str(branch),
                ChainProblem(int(seq), reason, str(row[4]), str(row[1]), missing_from),
            )
        prev_seq, prev_mac = int(seq), str(mac)
    return ChainReport(
        count, ChainHead(prev_seq, prev_mac), None if branch is None else str(branch), None
    )


def _check(
    key: bytes | None,
    stored: tuple[Any, ...],
    prev_seq: int,
    prev_mac: str,
    row_prev: Any,
    mac: Any,
) -> tuple[str, int] | None:
    if key is None:
        return "unkeyed", 0
    if stored[0] != prev_seq + 1:
        return "missing", prev_seq + 1
    if row_prev != prev_mac:
        return "unlinked", 0
    if not isinstance(row_prev, str) or not hmac.compare_digest(
        str(mac), entry_mac(key, row_prev, stored)
    ):
        return "altered", 0
    return None
