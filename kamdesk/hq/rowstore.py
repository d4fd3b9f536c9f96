"""HQ's branch-scoped row store: numbering changes, merging pushed rows, reading pages.

A transaction works on a :class:`RowSet`: the rows it needs are read in one query per
table, merged in memory and written back in one statement per kind (insert, update),
with the branch counter stored once.

Guarantees:
- :class:`BranchLog` takes the branch's counter row lock before numbering changes and
  holds it to commit, so ``change_seq`` follows commit order within a branch: a pull
  that saw number ``n`` has seen every change numbered below ``n``.
- A pushed field replaces the stored one only when its hybrid logical clock is newer
  (per field for field-clock tables, the row's clock otherwise). Whenever two
  different values met and one lost, a :class:`~kamdesk.sync.messages.ConflictRecord`
  says so (G6): the pushed value lost, or it won over a value the pusher had not seen
  (stored field changed after the push's ``base_version`` by another device; a
  device's own earlier, not yet acknowledged write is not a conflict).
- Delete against edit keeps the delete, whichever reaches HQ first: an edit of a
  deleted row never revives it (each edited field becomes a conflict record), and a
  delete that meets edits it had not seen puts those fields back to the deleter's
  values, each edit kept as a conflict record. Restoring is an explicit edit of
  ``deleted_at``.
- Clocks more than :data:`MAX_DRIFT_MS` ahead of HQ's wall clock are clamped.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session

from kamdesk.domain.clock import utcnow
from kamdesk.domain.hlc import Stamp
from kamdesk.hq.models import SyncBranchState, SyncRow
from kamdesk.hq.row_checks import check_row
from kamdesk.sync.messages import Change, ConflictRecord, PushOp
from kamdesk.sync.policies import Policy, policy_of

MAX_DRIFT_MS = 5 * 60_000
META_FIELDS = frozenset({"id", "row_version", "updated_hlc", "field_hlc", "_changed"})
NOT_EDITS = frozenset({"deleted_at", "deleted_by", "updated_at"})
"""Fields a delete sets itself, or that every edit stamps: never an edit a delete undoes."""
GROUP_FIELD = "order_id"


def clamp(stamp: str, now_ms: int | None = None) -> str:
    """``stamp`` with its wall time cut to HQ's clock plus :data:`MAX_DRIFT_MS`."""
    decoded = Stamp.decode(stamp)
    ceiling = (now_ms if now_ms is not None else time.time_ns() // 1_000_000) + MAX_DRIFT_MS
    if decoded.wall_ms <= ceiling:
        return stamp
    return Stamp(ceiling, decoded.counter, decoded.node).encode()


def node_of(stamp: str | None) -> str | None:
    return Stamp.decode(stamp).node if stamp else None


class BranchLog:
    """Numbers the changes of one branch inside the caller's transaction."""

    def __init__(self, session: Session, branch_id: str) -> None:
        self.session = session
        self.branch_id = branch_id
        dialect = session.get_bind().dialect.name
        insert: Any = (
            sa.dialects.postgresql.insert if dialect == "postgresql" else sa.dialects.sqlite.insert
        )
        session.execute(
            insert(SyncBranchState)
            .values(branch_id=branch_id, last_seq=0)
            .on_conflict_do_nothing(index_elements=["branch_id"])
        )
        self._last = session.execute(
            sa.select(SyncBranchState.last_seq)
            .where(SyncBranchState.branch_id == branch_id)
            .with_for_update()
        ).scalar_one()
        self._start = self._last

    def next_seq(self) -> int:
        self._last += 1
        return self._last

    def close(self) -> None:
        """Store the last number handed out (call before commit)."""
        if self._last != self._start:
            self.session.execute(
                sa.update(SyncBranchState)
                .where(SyncBranchState.branch_id == self.branch_id)
                .values(last_seq=self._last)
            )


def head(session: Session, branch_id: str) -> int:
    value = session.scalar(
        sa.select(SyncBranchState.last_seq).where(SyncBranchState.branch_id == branch_id)
    )
    return int(value or 0)


def as_change(row: SyncRow | StoredRow) -> Change:
    payload = {
        **row.payload,
        "id": row.row_id,
        "row_version": row.row_version,
        "updated_hlc": row.hlc,
    }
    if policy_of(row.table_name) is Policy.FIELD_LWW:
        payload["field_hlc"] = dict(row.field_hlc)
    return Change(
        seq=row.change_seq,
        table=row.table_name,
        row_id=row.row_id,
        row_version=row.row_version,
        hlc=row.hlc,
        deleted=row.deleted,
        payload=payload,
        field_hlc=dict(row.field_hlc),
        field_versions=dict(row.field_versions),
    )


def change_wire(change: Change) -> dict[str, Any]:
    """``change`` as its JSON object (by hand: ``dataclasses.asdict`` deep-copies)."""
    return {
        "seq": change.seq,
        "table": change.table,
        "row_id": change.row_id,
        "row_version": change.row_version,
        "hlc": change.hlc,
        "deleted": change.deleted,
        "payload": change.payload,
        "field_hlc": change.field_hlc,
        "field_versions": change.field_versions,
    }


@dataclass
class StoredRow:
    """One row of ``sync_rows`` held in memory while a transaction folds changes in."""

    table_name: str
    row_id: str
    row_version: int
    change_seq: int
    hlc: str
    payload: dict[str, Any]
    field_hlc: dict[str, Any]
    field_versions: dict[str, Any]
    deleted: bool
    group_key: str | None
    origin_device_id: str | None
    held_batch_seq: int | None
    updated_at: datetime


_STORED = tuple(f.name for f in fields(StoredRow))
_COLUMNS = [getattr(SyncRow, name) for name in _STORED]
IN_CHUNK = 500
"""Ids per ``IN (…)`` list (well under SQLite's and PostgreSQL's parameter limits)."""
Key = tuple[str, str]


class RowSet:
    """The rows one transaction reads and changes, batch-wise.

    Rows are loaded with one query per table (and per :data:`IN_CHUNK` ids), merged in
    memory, and written by :meth:`flush`: one executemany INSERT of the new rows and
    one executemany UPDATE of the changed ones, then the branch counter once. Reads
    after a change see it (the set is the transaction's view). Hazard: nothing is in
    the database before :meth:`flush`; call it before commit.
    """

    def __init__(self, log: BranchLog) -> None:
        self.log = log
        self.session = log.session
        self.branch_id = log.branch_id
        self._rows: dict[Key, StoredRow | None] = {}
        self._groups: dict[Key, list[StoredRow]] = {}
        self._new: dict[Key, StoredRow] = {}
        self._changed: dict[Key, StoredRow] = {}
        self._whole: set[str] = set()

    def load(self, keys: Iterable[Key]) -> None:
        """Read the rows ``keys`` name that are not in the set yet (one query per table)."""
        by_table: dict[str, set[str]] = defaultdict(set)
        for table, row_id in keys:
            if (table, row_id) not in self._rows:
                by_table[table].add(row_id)
        for table, ids in by_table.items():
            for chunk in _chunks(sorted(ids)):
                self._read_ids(table, chunk)
            for row_id in ids:
                self._rows.setdefault((table, row_id), None)

    def load_groups(self, table: str, groups: Iterable[str]) -> None:
        """Read every row of ``table`` in the ``group_key`` groups not loaded yet."""
        wanted = sorted({g for g in groups if (table, g) not in self._groups})
        for group in wanted:
            self._groups[(table, group)] = []
        for row in self._new.values() if wanted else ():
            self._join_group(row)
        for chunk in _chunks(wanted):
            self._read(SyncRow.table_name == table, SyncRow.group_key.in_(chunk))

    def _read_ids(self, table: str, ids: list[str]) -> None:
        """One primary-key probe per id. On PostgreSQL a LATERAL lookup per id: with
        ``row_id IN (…)`` the planner may, before the table has statistics, walk every
        row of the table through the key's prefix and filter the list over each."""
        if self.session.get_bind().dialect.name != "postgresql":
            self._read(SyncRow.table_name == table, SyncRow.row_id.in_(ids))
            return
        wanted = (
            sa.func.unnest(sa.cast(ids, postgresql.ARRAY(sa.String)))
            .table_valued("row_id")
            .render_derived(name="wanted")
        )
        found = (
            sa.select(*_COLUMNS)
            .where(
                SyncRow.branch_id == self.branch_id,
                SyncRow.table_name == table,
                SyncRow.row_id == wanted.c.row_id,
            )
            .limit(1)  # keeps the subquery a per-id index probe (no hash join)
            .lateral("found")
        )
        self._keep(sa.select(found).select_from(wanted).join(found, sa.true()))

    def _read(self, *where: sa.ColumnElement[bool]) -> None:
        self._keep(sa.select(*_COLUMNS).where(SyncRow.branch_id == self.branch_id, *where))

    def _keep(self, query: sa.Select[Any]) -> None:
        for record in self.session.execute(query).mappings():
            loaded = StoredRow(**record)
            known = self._rows.get((loaded.table_name, loaded.row_id))
            if known is None:  # else the set's copy, maybe changed, is the newer one
                self._rows[(loaded.table_name, loaded.row_id)] = known = loaded
            self._join_group(known)

    def _join_group(self, row: StoredRow) -> None:
        group = self._groups.get((row.table_name, row.group_key or ""))
        if group is not None and row.group_key is not None and all(r is not row for r in group):
            group.append(row)

    def get(self, table: str, row_id: str) -> StoredRow | None:
        if (table, row_id) not in self._rows:
            self.load([(table, row_id)])
        return self._rows[(table, row_id)]

    def group(self, table: str, group: str) -> list[StoredRow]:
        """The rows of ``table`` whose ``group_key`` is ``group``, this transaction's view."""
        self.load_groups(table, [group])
        return list(self._groups[(table, group)])

    def table(self, table: str) -> list[StoredRow]:
        """Every row of ``table`` in the branch, this transaction's view. Hazard: reads
        the table whole; for small reference tables only."""
        if table not in self._whole:
            self._read(SyncRow.table_name == table)
            self._whole.add(table)
        return [row for (name, _), row in self._rows.items() if name == table and row is not None]

    def add(self, row: StoredRow) -> None:
        key = (row.table_name, row.row_id)
        self._rows[key] = row
        self._new[key] = row
        self._join_group(row)

    def touched(self, row: StoredRow) -> None:
        key = (row.table_name, row.row_id)
        if key not in self._new:
            self._changed[key] = row

    def flush(self) -> None:
        """Write the new and changed rows and the branch counter."""
        if self._new:  # on the connection: a Core executemany, no ORM bulk work per row
            self.session.connection().execute(
                sa.insert(SyncRow),
                [{"branch_id": self.branch_id, **_values(r)} for r in self._new.values()],
            )
        if self._changed:
            self.session.execute(
                sa.update(SyncRow),
                [{"branch_id": self.branch_id, **_values(r)} for r in self._changed.values()],
            )
        self._new.clear()
        self._changed.clear()
        self.log.close()


def _values(row: StoredRow) -> dict[str, Any]:
    return {name: getattr(row, name) for name in _STORED}


def _chunks(items: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(items), IN_CHUNK):
        yield items[start : start + IN_CHUNK]


@dataclass
class Merge:
    """What a pushed row did to the store: the row now, and the conflicts it met."""

    row: StoredRow
    conflicts: list[ConflictRecord]


def _data(payload: dict[str, Any]) -> dict[str, Any]:
    data = dict(payload)  # a copy, then the few meta keys out: cheaper than filtering each
    for name in META_FIELDS:
        data.pop(name, None)
    return data


def pushed_names(op: PushOp, data: dict[str, Any]) -> list[str]:
    """The fields an edit sets: its ``_changed`` list, else every field it carries."""
    changed = op.payload.get("_changed")
    return [n for n in (changed if isinstance(changed, list) else sorted(data)) if n in data]


def check_pushed(op: PushOp, *, new: bool) -> None:
    """Refuse (``sync.missing_value``/``sync.wrong_type``) a pushed row no desktop could
    store, before any of it is applied (:mod:`kamdesk.hq.row_checks`)."""
    data = _data(op.payload)
    check_row(op.table, data, sorted(data) if new else pushed_names(op, data), new=new)


def pushed_clocks(op: PushOp, names: list[str], now_ms: int) -> dict[str, str]:
    """The clamped clock of each pushed field: its own from the payload's ``field_hlc``
    (field-clock tables), else the operation's ``hlc``. A desktop leaves out field
    clocks equal to the operation's (:func:`kamdesk.sync.capture.outbox_payload`)."""
    row_hlc = clamp(op.hlc, now_ms)
    stamps = op.payload.get("field_hlc") if policy_of(op.table) is Policy.FIELD_LWW else None
    if not stamps or not isinstance(stamps, dict):
        return dict.fromkeys(names, row_hlc)
    clamped = {op.hlc: row_hlc}  # a row's fields mostly share a few stamps: clamp each once
    clocks: dict[str, str] = {}
    for name in names:
        stamp = str(stamps.get(name) or op.hlc)
        found = clamped.get(stamp)
        if found is None:
            found = clamped[stamp] = clamp(stamp, now_ms)
        clocks[name] = found
    return clocks


def insert_row(
    rows: RowSet,
    op: PushOp,
    device_id: str | None,
    now_ms: int,
    *,
    batch_seq: int | None = None,
) -> StoredRow:
    """Store a new row as pushed. With ``batch_seq`` (a device's push) and no clock
    clamped, the row is marked held by that batch: the device has it as stored. Not
    for work orders and complaints: the desktop rewrites their cached state after the
    event it pushes, so its copy may differ from the pushed one until it pulls."""
    data = _data(op.payload)
    clocks = pushed_clocks(op, sorted(data), now_ms)
    held = (
        batch_seq
        if batch_seq is not None
        and policy_of(op.table) is not Policy.TRANSITION_LOG
        and _unclamped(op, clocks, now_ms)
        else None
    )
    deleted = op.op == "delete" or data.get("deleted_at") is not None
    row = StoredRow(
        table_name=op.table,
        row_id=op.row_id,
        row_version=1,
        change_seq=rows.log.next_seq(),
        hlc=max([clamp(op.hlc, now_ms), *clocks.values()]),
        payload=data,
        field_hlc=clocks,
        field_versions=dict.fromkeys(data, 1),
        deleted=deleted,
        group_key=str(data[GROUP_FIELD]) if data.get(GROUP_FIELD) else None,
        origin_device_id=device_id,
        held_batch_seq=held,
        updated_at=utcnow(),
    )
    rows.add(row)
    return row


def _unclamped(op: PushOp, clocks: dict[str, str], now_ms: int) -> bool:
    """Whether HQ kept every clock the push carried (clamping keeps order, so the
    latest one tells)."""
    stamps = op.payload.get("field_hlc")
    pushed = [op.hlc]
    if isinstance(stamps, dict) and policy_of(op.table) is Policy.FIELD_LWW:
        pushed.extend(str(stamps.get(name) or op.hlc) for name in clocks)
    top = max(pushed)
    return clamp(top, now_ms) == top


def merge_row(
    rows: RowSet, stored: StoredRow, op: PushOp, device_id: str | None, now_ms: int
) -> Merge:
    """Fold a pushed upsert or delete into ``stored`` field by field (see module doc)."""
    conflicts: list[ConflictRecord] = []
    if op.op == "delete":
        if stored.deleted:
            return Merge(stored, conflicts)
        _bump(rows, stored, {}, {}, device_id, deleted=True, hlc=clamp(op.hlc, now_ms))
        return Merge(stored, conflicts)
    data = _data(op.payload)
    names = pushed_names(op, data)
    clocks = pushed_clocks(op, names, now_ms)
    reviving = "deleted_at" in names and data.get("deleted_at") is None
    won: dict[str, Any] = {}
    for name in names:
        pushed, current = data[name], stored.payload.get(name)
        pushed_hlc, stored_hlc = clocks[name], str(stored.field_hlc.get(name, ""))
        if stored.deleted and not reviving and name != "deleted_at":
            won_now = False
        else:
            won_now = pushed_hlc > stored_hlc
        if pushed == current:
            continue
        if won_now:
            won[name] = pushed
            if _unseen(stored, name, op.base_version, pushed_hlc):
                conflicts.append(_conflict(op, name, pushed, current, pushed_hlc, stored_hlc))
        else:
            conflicts.append(_conflict(op, name, current, pushed, stored_hlc, pushed_hlc))
    if not stored.deleted and won.get("deleted_at") is not None:
        _undo_unseen_edits(stored, op, data, won, clocks, conflicts)
    if won:
        stamps = {n: clocks[n] for n in won}
        deleted = won.get("deleted_at", stored.payload.get("deleted_at")) is not None
        _bump(rows, stored, won, stamps, device_id, deleted=deleted, hlc=max(stamps.values()))
    return Merge(stored, conflicts)


def _unseen(stored: StoredRow, name: str, base_version: int, pushed_hlc: str) -> bool:
    """Whether ``name`` changed at HQ after ``base_version`` by another device (a device
    has seen its own earlier writes, acknowledged or not)."""
    stored_hlc = str(stored.field_hlc.get(name, "")) or None
    changed_after = int(stored.field_versions.get(name, 0)) > base_version
    return changed_after and node_of(stored_hlc) != node_of(pushed_hlc)


def _undo_unseen_edits(
    stored: StoredRow,
    op: PushOp,
    data: dict[str, Any],
    won: dict[str, Any],
    clocks: dict[str, str],
    conflicts: list[ConflictRecord],
) -> None:
    """A delete that wins over edits it had not seen keeps the row as its deleter saw it.

    Delete against edit keeps the delete (SYNC.md), whichever reached HQ first: each
    field another device changed after the deleter's ``base_version`` goes back to the
    deleter's value, and the edit becomes a conflict record (G6), the same outcome as
    when the edit arrives after the delete. A field's clock never goes backwards.
    """
    stamp = clocks["deleted_at"]
    for name in sorted(data):
        if name in won or name in NOT_EDITS or name not in stored.payload:
            continue
        mine, theirs = data[name], stored.payload[name]
        if mine == theirs or not _unseen(stored, name, op.base_version, stamp):
            continue
        stored_hlc = str(stored.field_hlc.get(name, ""))
        won[name] = mine
        clocks[name] = max(stamp, stored_hlc)
        conflicts.append(_conflict(op, name, mine, theirs, stamp, stored_hlc))


def _conflict(
    op: PushOp, name: str, kept: Any, lost: Any, kept_hlc: str, lost_hlc: str
) -> ConflictRecord:
    return ConflictRecord(
        table=op.table,
        row_id=op.row_id,
        field=name,
        kept_value=kept,
        lost_value=lost,
        kept_hlc=kept_hlc,
        lost_hlc=lost_hlc,
        kept_by=node_of(kept_hlc),
        lost_by=node_of(lost_hlc),
    )


def _bump(
    rows: RowSet,
    row: StoredRow,
    values: dict[str, Any],
    stamps: dict[str, str],
    device_id: str | None,
    *,
    deleted: bool,
    hlc: str,
) -> None:
    version = row.row_version + 1
    row.payload = {**row.payload, **values}
    row.field_hlc = {**row.field_hlc, **stamps}
    row.field_versions = {**row.field_versions, **dict.fromkeys(values, version)}
    row.row_version = version
    row.change_seq = rows.log.next_seq()
    row.hlc = max(row.hlc, hlc)
    row.deleted = deleted
    row.origin_device_id = device_id
    row.held_batch_seq = None  # only a new row stored as pushed is known held
    row.updated_at = utcnow()
    rows.touched(row)


@dataclass(frozen=True)
class Held:
    """Rows a device holds as stored: those its batches ``first``…``last`` made
    (``held_batch_seq``); its pull leaves them out."""

    device_id: str
    first: int
    last: int


NOTHING_HELD = Held("", 1, 0)


def page(
    session: Session, branch_id: str, cursor: int, limit: int, held: Held = NOTHING_HELD
) -> tuple[list[SyncRow], bool]:
    """The branch's rows changed after ``cursor``, in changelog order, and whether more;
    the ``held`` rows left out."""
    rows = list(
        session.scalars(
            sa.select(SyncRow)
            .where(
                SyncRow.branch_id == branch_id,
                SyncRow.change_seq > cursor,
                sa.or_(
                    SyncRow.held_batch_seq.is_(None),
                    SyncRow.origin_device_id.is_distinct_from(held.device_id),
                    sa.not_(SyncRow.held_batch_seq.between(held.first, held.last)),
                ),
            )
            .order_by(SyncRow.change_seq)
            .limit(limit + 1)
        )
    )
    return rows[:limit], len(rows) > limit
