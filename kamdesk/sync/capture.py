"""Outbox capture: every flushed change of a synced row becomes an outbox entry in the
same transaction (SYNC.md "Capture", guarantee G1).

A ``before_flush`` hook on every ORM :class:`Session` stamps each new or changed
synced row with the device's hybrid logical clock (and, for field-clock entities,
each changed field); an ``after_flush`` hook writes one ``sync_outbox`` row per
change through the flushing connection, so the change and its outbox entry commit
or roll back together. The clock's last stamp is saved in ``settings`` in the same
transaction, so stamps never go backwards across restarts (G5).

Hazards:
- Core ``insert``/``update`` statements bypass the hook; services must write synced
  rows through the ORM. The demo generator and the first sync's snapshot are the
  only bulk writers, and both are accounted for by the sync engine.
- Rows applied from HQ are not changes of this desktop: the applier sets
  ``session.info[APPLYING] = True`` to switch capture off for its session.
"""

from __future__ import annotations

import threading
import weakref
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Engine, event, insert, inspect, select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import InstanceState, Session, UOWTransaction
from sqlalchemy.pool import Pool

from kamdesk.db.models import OutboxEntry, Setting
from kamdesk.db.models.base import FieldClocks, Synced
from kamdesk.domain.clock import utcnow
from kamdesk.domain.hlc import HybridClock
from kamdesk.domain.ids import uuid7
from kamdesk.sync.policies import Policy, policy_of

APPLYING = "kamdesk_sync_applying"
"""``Session.info`` flag: the session applies rows pulled from HQ; nothing is captured."""
DEVICE_ID_KEY = "device_id"
HLC_KEY = "hlc_last"
_PENDING = "kamdesk_outbox_pending"
_SYNC_STAMPS = frozenset({"row_version", "updated_hlc", "updated_at", "field_hlc"})

_clocks: weakref.WeakKeyDictionary[Pool, HybridClock] = weakref.WeakKeyDictionary()
"""One clock per database, keyed by the engine's pool: ``engine.execution_options()``
(as ``write_session`` uses) makes a new engine object over the same pool, and two
clocks for one database would let a local edit carry a stamp older than one it saw."""
_clocks_lock = threading.Lock()


def device_clock(connection: Connection) -> HybridClock:
    """The device's clock for the database behind ``connection``, resumed from ``settings``.

    The first call on a database without a device id gives it one (in the caller's
    transaction).
    """
    pool = connection.engine.pool
    with _clocks_lock:
        clock = _clocks.get(pool)
        if clock is None:
            rows = connection.execute(
                select(Setting.key, Setting.value).where(Setting.key.in_((DEVICE_ID_KEY, HLC_KEY)))
            )
            stored: dict[str, Any] = {key: value for key, value in rows}
            device = stored.get(DEVICE_ID_KEY)
            if not device:
                device = uuid7()
                _save_setting(connection, DEVICE_ID_KEY, device)
            clock = HybridClock(str(device), last=stored.get(HLC_KEY) or None)
            _clocks[pool] = clock
        return clock


def forget_clock(engine: Engine) -> None:
    """Drop the cached clock of ``engine`` (after a restore replaced the database)."""
    with _clocks_lock:
        _clocks.pop(engine.pool, None)


def json_value(value: Any) -> Any:
    """A column value as JSON: money and instants become exact strings."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def outbox_payload(payload: dict[str, Any], hlc: str) -> dict[str, Any]:
    """``payload`` as an outbox entry stamped ``hlc`` keeps it: field clocks equal to
    ``hlc`` are left out of its ``field_hlc``, as HQ reads a missing field clock as the
    operation's own (:func:`kamdesk.hq.rowstore.pushed_clocks`). A new row's clocks are
    all its own, so its entry (stored, then pushed) is about a third of the size."""
    clocks = payload.get("field_hlc")
    if not isinstance(clocks, dict) or not clocks:
        return payload
    return {**payload, "field_hlc": {k: v for k, v in clocks.items() if v != hlc}}


def _state(obj: Synced) -> InstanceState[Synced]:
    return inspect(obj)  # type: ignore[return-value]


def row_payload(obj: Synced) -> dict[str, Any]:
    """Every column of ``obj`` by column name, JSON-safe."""
    mapper = _state(obj).mapper
    return {
        prop.columns[0].name: json_value(getattr(obj, prop.key)) for prop in mapper.column_attrs
    }


def _changed_fields(obj: Synced) -> list[str]:
    state = _state(obj)
    return sorted(
        prop.columns[0].name
        for prop in state.mapper.column_attrs
        if prop.key not in _SYNC_STAMPS and state.attrs[prop.key].history.has_changes()
    )


@event.listens_for(Session, "before_flush")
def _stamp_changes(session: Session, _ctx: UOWTransaction, _instances: object) -> None:
    if session.info.get(APPLYING) or session.get_bind().dialect.name != "sqlite":
        return  # desktops are SQLite; the models' PostgreSQL test is not a desktop
    changes: list[tuple[Synced, str, list[str]]] = []
    for obj in session.new:
        if isinstance(obj, Synced):
            if obj.id is None:
                obj.id = uuid7()
            changes.append((obj, "insert", []))
    for obj in session.dirty:
        if isinstance(obj, Synced) and session.is_modified(obj, include_collections=False):
            fields = _changed_fields(obj)
            if fields:
                changes.append((obj, "update", fields))
    for obj in session.deleted:
        if isinstance(obj, Synced):
            changes.append((obj, "delete", []))
    if not changes:
        return
    clock = device_clock(session.connection())
    for obj, kind, fields in changes:
        if kind == "delete":
            continue
        stamp = clock.now()
        obj.updated_hlc = stamp
        if isinstance(obj, FieldClocks):
            names = fields or [p.columns[0].name for p in _state(obj).mapper.column_attrs]
            obj.field_hlc = {**(obj.field_hlc or {}), **dict.fromkeys(names, stamp)}
    session.info.setdefault(_PENDING, []).extend(changes)


@event.listens_for(Session, "after_flush")
def _write_outbox(session: Session, _ctx: UOWTransaction) -> None:
    changes: list[tuple[Synced, str, list[str]]] = session.info.pop(_PENDING, [])
    if not changes:
        return
    connection = session.connection()
    clock = device_clock(connection)
    now = utcnow()
    rows: list[dict[str, Any]] = []
    for obj, kind, fields in changes:
        table = obj.__table__.name  # type: ignore[attr-defined]
        payload: dict[str, Any]
        if kind == "delete":
            op, payload, hlc = "delete", {"id": obj.id}, clock.now()
        else:
            append = policy_of(table) in (Policy.APPEND_ONLY, Policy.TRANSITION_LOG)
            op = "append" if append and kind == "insert" else "upsert"
            hlc = obj.updated_hlc or clock.now()
            payload = outbox_payload(row_payload(obj), hlc)
            if fields:
                payload["_changed"] = fields
        rows.append(
            {
                "table_name": table,
                "row_id": obj.id,
                "op": op,
                "payload": payload,
                "base_version": obj.row_version or 0,
                "hlc": hlc,
                "created_at": now,
            }
        )
    connection.execute(insert(OutboxEntry), rows)
    _save_setting(connection, HLC_KEY, clock.last)


@event.listens_for(Session, "after_soft_rollback")
def _forget_pending(session: Session, _previous: object) -> None:
    session.info.pop(_PENDING, None)


def _save_setting(connection: Connection, key: str, value: str) -> None:
    statement = sqlite_insert(Setting).values(key=key, value=value)
    connection.execute(
        statement.on_conflict_do_update(index_elements=[Setting.key], set_={"value": value})
    )
