"""Applying a pushed batch at HQ: one transaction, idempotent, per-operation verdicts.

Guarantees:
- G2: the batch's response is stored with it; the same ``batch_id`` again gets the
  stored response and changes nothing. Two copies at once queue on the branch's
  counter lock (:class:`~kamdesk.hq.rowstore.BranchLog`), so the second one sees the
  first and replays it.
- ``batch_seq`` must be the device's last applied number plus one; anything else is
  refused with ``push.sequence_gap`` (409) naming the expected number.
- One bad operation never blocks the batch: it comes back ``rejected`` with a code and
  HQ's current copy of the row, and nothing of it is applied. A row no desktop could
  store (a required column missing or null, a value of the wrong form) is refused
  before it is applied (:mod:`kamdesk.hq.row_checks`); so is an edit of a row whose
  tombstone HQ purged (:mod:`kamdesk.hq.tombstones`). Reference tables are HQ's
  alone. A work-order event must be what the state machine would produce from HQ's
  accepted events (first accepted wins); when one is refused, the batch's other
  changes of that order are refused too, so an order's cached state never disagrees
  with its events.
"""

from __future__ import annotations

import time
from dataclasses import asdict
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from kamdesk.domain.clock import local
from kamdesk.domain.workorders.events import Actor, WorkOrderEvent
from kamdesk.domain.workorders.machine import check_event
from kamdesk.domain.workorders.rules import PublishedPolicy, WorkOrderPolicy, policy_in_force
from kamdesk.domain.workorders.view import replay
from kamdesk.domain.workorders.vocabulary import Role
from kamdesk.errors import KamdeskError
from kamdesk.hq import rowstore, tombstones
from kamdesk.hq.database import scope_to_branch
from kamdesk.hq.devices import DeviceIdentity
from kamdesk.hq.models import SyncPushBatch
from kamdesk.sync.messages import ACCEPTED, REJECTED, ConflictRecord, PushOp, PushRequest
from kamdesk.sync.policies import POLICIES, Policy

POLICIES_TABLE = "workorder_policies"

EVENTS = "work_order_events"
ORDER_TABLES = frozenset(t for t, p in POLICIES.items() if p is Policy.TRANSITION_LOG)


def push_batch(engine: sa.Engine, device: DeviceIdentity, batch: PushRequest) -> dict[str, Any]:
    """Apply ``batch`` for ``device`` (or replay its stored response); the response body."""
    with Session(engine) as session, session.begin():
        scope_to_branch(session, device.branch_id)
        log = rowstore.BranchLog(session, device.branch_id)
        done = session.scalars(
            sa.select(SyncPushBatch).where(SyncPushBatch.batch_id == batch.batch_id)
        ).one_or_none()
        if done is not None:
            if done.device_id != device.device_id or done.batch_seq != batch.batch_seq:
                raise KamdeskError("push.batch_mismatch", batch_id=batch.batch_id)
            return dict(done.response)
        last = session.scalar(
            sa.select(sa.func.max(SyncPushBatch.batch_seq)).where(
                SyncPushBatch.device_id == device.device_id
            )
        )
        expected = int(last or 0) + 1
        if batch.batch_seq != expected:
            raise KamdeskError("push.sequence_gap", expected=expected, got=batch.batch_seq)
        rows = rowstore.RowSet(log)
        response = _Applier(rows, device, tombstones.horizon(session, device.branch_id)).apply(
            batch
        )
        session.add(
            SyncPushBatch(
                device_id=device.device_id,
                batch_seq=batch.batch_seq,
                batch_id=batch.batch_id,
                branch_id=device.branch_id,
                response=response,
            )
        )
        rows.flush()
    return response


class _Applier:
    def __init__(self, rows: rowstore.RowSet, device: DeviceIdentity, horizon: int) -> None:
        self.rows = rows
        self.device = device
        self.batch_seq: int | None = None
        self.horizon = horizon
        self.now_ms = time.time_ns() // 1_000_000
        self.conflicts: list[ConflictRecord] = []
        self.refused_orders: set[str] = set()
        self._policies: tuple[PublishedPolicy, ...] | None = None

    def apply(self, batch: PushRequest) -> dict[str, Any]:
        self.batch_seq = batch.batch_seq
        verdicts: dict[int, dict[str, Any]] = {}
        synced = [op for op in batch.ops if POLICIES.get(op.table) not in (None, Policy.REFERENCE)]
        self.rows.load((op.table, op.row_id) for op in synced)
        self.rows.load_groups(EVENTS, (self._order_of(op) for op in synced if op.table == EVENTS))
        events_first = sorted(batch.ops, key=lambda op: op.table != EVENTS)
        for op in events_first:
            verdicts[op.seq] = self._one(op)
        return {
            "batch_id": batch.batch_id,
            "batch_seq": batch.batch_seq,
            "results": [verdicts[op.seq] for op in batch.ops],
            "conflicts": [asdict(c) for c in self.conflicts],
        }

    def _one(self, op: PushOp) -> dict[str, Any]:
        policy = POLICIES.get(op.table)
        try:
            if policy is None:
                raise KamdeskError("sync.unknown_table", table=op.table)
            if policy is Policy.REFERENCE:
                raise KamdeskError("sync.reference_read_only", table=op.table)
            if op.table in ORDER_TABLES and self._order_of(op) in self.refused_orders:
                raise KamdeskError("sync.order_transition_rejected")
            stored = self.rows.get(op.table, op.row_id)
            if stored is None and op.base_version > 0 and self.horizon > 0:
                if op.op == "delete" or op.payload.get("deleted_at") is not None:
                    return self._accepted(op, op.base_version)  # gone already
                raise KamdeskError("sync.row_purged", table=op.table)
            if op.op != "delete" and not (stored is not None and op.op == "append"):
                rowstore.check_pushed(op, new=stored is None)
            if stored is None:
                if op.table == EVENTS:
                    self._check_transition(op)
                row = rowstore.insert_row(
                    self.rows, op, self.device.device_id, self.now_ms, batch_seq=self.batch_seq
                )
            elif op.op == "append":
                row = stored  # a resent append: already here, nothing to do
            else:
                device_id = self.device.device_id
                merged = rowstore.merge_row(self.rows, stored, op, device_id, self.now_ms)
                self.conflicts.extend(merged.conflicts)
                row = merged.row
        except KamdeskError as exc:
            if op.table == EVENTS:
                self.refused_orders.add(self._order_of(op))
            return self._rejected(op, exc.code, exc.params)
        except (KeyError, ValueError, TypeError) as exc:
            return self._rejected(op, "sync.bad_row", {"table": op.table, "detail": str(exc)})
        return self._accepted(op, row.row_version)

    @staticmethod
    def _accepted(op: PushOp, row_version: int) -> dict[str, Any]:
        return {
            "seq": op.seq,
            "table": op.table,
            "row_id": op.row_id,
            "status": ACCEPTED,
            "row_version": row_version,
        }

    def _rejected(self, op: PushOp, code: str, params: dict[str, object]) -> dict[str, Any]:
        current = self.rows.get(op.table, op.row_id)
        wire = None if current is None else rowstore.change_wire(rowstore.as_change(current))
        return {
            "seq": op.seq,
            "table": op.table,
            "row_id": op.row_id,
            "status": REJECTED,
            "code": code,
            "params": {k: v if isinstance(v, int | str) else str(v) for k, v in params.items()},
            "current": wire,
        }

    @staticmethod
    def _order_of(op: PushOp) -> str:
        return str(op.row_id if op.table == "work_orders" else op.payload.get("order_id", ""))

    def _check_transition(self, op: PushOp) -> None:
        """First accepted wins: the event must extend HQ's accepted log of its order."""
        event = WorkOrderEvent.from_json_dict(op.payload)
        rows = self.rows.group(EVENTS, event.order_id)
        accepted = sorted(
            (WorkOrderEvent.from_json_dict(r.payload) for r in rows), key=lambda e: e.seq
        )
        if any(e.seq >= event.seq for e in accepted):
            raise KamdeskError("sync.transition_taken", seq=event.seq)
        view = replay(accepted) if accepted else None
        check_event(view, event, self._actor(event), self._policy(event.at))

    def _policy(self, at: datetime) -> WorkOrderPolicy:
        """The work-order policy HQ published to the branch, in force at ``at`` (the
        desktop decided with the same one)."""
        if self._policies is None:
            self._policies = tuple(
                PublishedPolicy(
                    int(row.payload["version"]),
                    date.fromisoformat(str(row.payload["effective_from"])),
                    Decimal(str(row.payload["leader_value_threshold"])),
                )
                for row in self.rows.table(POLICIES_TABLE)
                if not row.deleted
            )
        return policy_in_force(self._policies, local(at).date())

    def _actor(self, event: WorkOrderEvent) -> Actor:
        """The author as HQ's staff directory knows them; the event's claim when unknown."""
        staff = self._reference("staff", event.actor_id)
        if staff is None:
            return Actor(event.actor_id, event.actor_role)
        groups = self._codes("industry_groups", staff.get("industry_group_id"))
        stations = self._codes("workstations", staff.get("workstation_id"))
        return Actor(event.actor_id, Role(str(staff["role"])), groups, stations)

    def _reference(self, table: str, row_id: object) -> dict[str, Any] | None:
        if not row_id:
            return None
        row = self.rows.get(table, str(row_id))
        return None if row is None or row.deleted else dict(row.payload)

    def _codes(self, table: str, row_id: object) -> frozenset[str]:
        row = self._reference(table, row_id)
        return frozenset({str(row["code"])}) if row and row.get("code") else frozenset()
