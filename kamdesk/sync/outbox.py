"""The push side on the desktop: first-sync snapshot, frozen batches, acknowledgements.

Guarantees:
- G1: an outbox entry leaves only in :func:`record_ack`, in the transaction that
  stores HQ's verdict on it (accepted, or a visible :class:`SyncRejection`).
- G2/G5: :func:`next_batch` freezes entries into a batch with the next ``batch_seq``
  in one transaction; until HQ acknowledges it the same batch (same id, same number,
  same entries) is what is sent again, across crashes and restarts.
- :func:`snapshot_existing` puts rows that were never captured (demo data, rows of a
  database older than sync) into the outbox once; reference tables stay HQ's.
"""

from __future__ import annotations

import functools
from typing import Any

from sqlalchemy import Select, Table, Update, and_, bindparam, delete, func, select, update
from sqlalchemy.orm import Session

from kamdesk.db.models import SYNCED_TABLES, OutboxEntry, SyncBatch, SyncRejection
from kamdesk.domain.clock import utcnow
from kamdesk.domain.ids import uuid7
from kamdesk.sync import rows, state
from kamdesk.sync.capture import device_clock, json_value, outbox_payload
from kamdesk.sync.conflicts import record_conflicts
from kamdesk.sync.messages import MAX_BATCH_OPS, REJECTED, PushOp, PushRequest, PushResponse
from kamdesk.sync.policies import Policy, policy_of

BATCH_OPS = MAX_BATCH_OPS
BATCH_BYTES = 832 * 1024
"""Payload bytes per batch (stored JSON length, an upper bound of the wire's UTF-8):
with up to 300 bytes of envelope per operation the request stays under HQ's default
1 MiB body limit (fewer, larger batches: each costs a round trip and a transaction)."""
SNAPSHOT_CHUNK = 2000


def pending_count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(OutboxEntry)) or 0)


def snapshot_existing(session: Session) -> int:
    """Outbox entries for rows HQ has never seen and no entry describes; once per database."""
    if state.read(session, state.SNAPSHOT_DONE):
        return 0
    clock = device_clock(session.connection())
    now = utcnow()
    added = 0
    for name in SYNCED_TABLES:
        policy = policy_of(name)
        if policy is Policy.REFERENCE:
            continue
        table = rows.table_of(name)
        assert table is not None
        waiting = select(OutboxEntry.seq).where(
            and_(OutboxEntry.table_name == name, OutboxEntry.row_id == table.c.id)
        )
        query = select(table).where(table.c.row_version == 0, ~waiting.exists())
        entries: list[dict[str, Any]] = []
        for row in session.execute(query).mappings():
            payload = {k: json_value(v) for k, v in row.items()}
            hlc = str(row["updated_hlc"] or clock.now())
            if policy is Policy.FIELD_LWW and not payload.get("field_hlc"):
                payload["field_hlc"] = {}  # every field's clock is the row's own
            payload = outbox_payload(payload, hlc)
            append = policy in (Policy.APPEND_ONLY, Policy.TRANSITION_LOG)
            entries.append(
                {
                    "table_name": name,
                    "row_id": row["id"],
                    "op": "append" if append else "upsert",
                    "payload": payload,
                    "base_version": 0,
                    "hlc": hlc,
                    "created_at": now,
                }
            )
            if len(entries) >= SNAPSHOT_CHUNK:
                added += _insert(session, entries)
        added += _insert(session, entries)
    state.write(session, state.SNAPSHOT_DONE, True)
    state.write(session, "hlc_last", clock.last)
    return added


def _insert(session: Session, entries: list[dict[str, Any]]) -> int:
    count = len(entries)
    if entries:
        session.execute(OutboxEntry.__table__.insert(), entries)  # type: ignore[attr-defined]
        entries.clear()
    return count


def _waiting(after: int = 0) -> Select[tuple[SyncBatch]]:
    """The unacknowledged batches numbered after ``after``, in sending order."""
    return (
        select(SyncBatch)
        .where(SyncBatch.acked_at.is_(None), SyncBatch.batch_seq > after)
        .order_by(SyncBatch.batch_seq)
    )


def next_batch(session: Session, after: int | None = None) -> SyncBatch | None:
    """The batch to send: the first unacknowledged one (numbered after ``after``, the
    batch already on its way), else newly frozen entries, else None."""
    waiting = session.scalars(_waiting(after or 0)).first()
    if waiting is not None:
        return waiting
    entries = session.execute(  # the stored JSON text's length bounds the payload's bytes
        select(OutboxEntry.seq, func.length(OutboxEntry.payload))
        .where(OutboxEntry.batch_id.is_(None))
        .order_by(OutboxEntry.seq)
        .limit(BATCH_OPS)
    ).all()
    if not entries:
        return None
    chosen: list[int] = []
    size = 0
    for seq, length in entries:
        size += int(length or 0)
        if chosen and size > BATCH_BYTES:
            break
        chosen.append(seq)
    seq = int(state.read(session, state.LAST_BATCH_SEQ, 0)) + 1
    batch = SyncBatch(batch_id=uuid7(), batch_seq=seq, created_at=utcnow())
    session.add(batch)
    session.flush()
    session.execute(
        update(OutboxEntry).where(OutboxEntry.seq.in_(chosen)).values(batch_id=batch.batch_id)
    )
    state.write(session, state.LAST_BATCH_SEQ, seq)
    return batch


def renumber(session: Session, expected: int) -> None:
    """Number the unacknowledged batches from ``expected`` on, keeping their order (after
    a gap answer: this database was restored, so rows of the batches HQ applied in
    between may be missing here and must not be left out of pulls)."""
    waiting = session.scalars(_waiting()).all()
    for i in reversed(range(len(waiting))):  # the last first: numbers stay unique on the way
        session.execute(
            update(SyncBatch)
            .where(SyncBatch.batch_id == waiting[i].batch_id)
            .values(batch_seq=expected + i)
        )
    state.advance(session, state.LAST_BATCH_SEQ, expected + len(waiting) - 1)
    state.advance(session, state.HELD_FROM, expected)


def request_of(session: Session, batch: SyncBatch) -> PushRequest:
    """The frozen batch as sent (the same request every time until HQ acknowledges it)."""
    entries = session.execute(
        select(
            OutboxEntry.seq,
            OutboxEntry.table_name,
            OutboxEntry.row_id,
            OutboxEntry.op,
            OutboxEntry.payload,
            OutboxEntry.base_version,
            OutboxEntry.hlc,
        )
        .where(OutboxEntry.batch_id == batch.batch_id)
        .order_by(OutboxEntry.seq)
    ).all()
    ops = tuple(PushOp(*entry) for entry in entries)
    return PushRequest(batch_id=batch.batch_id, batch_seq=batch.batch_seq, ops=ops)


def record_ack(session: Session, response: PushResponse) -> tuple[int, int, int]:
    """Store HQ's verdicts: accepted entries leave, refusals become visible records,
    conflicts are kept. Returns (accepted, rejected, new conflicts)."""
    now = utcnow()
    accepted = rejected = 0
    versions: dict[Table, dict[str, int]] = {}
    for result in response.results:
        table = rows.table_of(result.table)
        if result.status == REJECTED:
            rejected += 1
            session.add(
                SyncRejection(
                    batch_id=response.batch_id,
                    table_name=result.table,
                    row_id=result.row_id,
                    code=result.code or "request.failed",
                    params=result.params,
                    received_at=now,
                )
            )
            if table is not None:
                _restore(session, table, result.row_id, result.current)
        else:
            accepted += 1
            if table is not None and result.row_version is not None:
                known = versions.setdefault(table, {})
                known[result.row_id] = max(result.row_version, known.get(result.row_id, 0))
    # versions only grow, so raising them after the refusals' restores changes nothing
    for table, by_id in versions.items():
        params = [{"b_id": row_id, "b_version": v} for row_id, v in by_id.items()]
        session.execute(_raise_version(table), params)
    session.execute(delete(OutboxEntry).where(OutboxEntry.batch_id == response.batch_id))
    state.advance(session, state.ACKED_BATCH_SEQ, response.batch_seq)
    session.execute(
        update(SyncBatch)
        .where(SyncBatch.batch_id == response.batch_id)
        .values(acked_at=now, response={"accepted": accepted, "rejected": rejected})
    )
    added = record_conflicts(session, response.conflicts, now)
    return accepted, rejected, added


@functools.lru_cache(maxsize=64)
def _raise_version(table: Table) -> Update:
    """``row_version := :b_version`` where it is lower, for row ``:b_id`` (executemany).

    Nothing else of the row changes: a column's ``onupdate`` (``updated_at``) is held
    at its value, so the row stays exactly as it was pushed (HQ need not echo it)."""
    kept = {c.name: c for c in table.c if c.onupdate is not None and c.name != "row_version"}
    return (
        update(table)
        .where(table.c.id == bindparam("b_id"), table.c.row_version < bindparam("b_version"))
        .values(row_version=bindparam("b_version"), **kept)
    )


def _restore(session: Session, table: Any, row_id: str, current: Any) -> None:
    """After a refusal the row goes back to HQ's copy; a refused new event goes away."""
    if current is not None:
        rows.write_row(session, table, current.payload)
    elif table.name == "work_order_events":
        rows.remove_row(session, table, row_id)
