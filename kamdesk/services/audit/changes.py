"""The session hook that writes one audit entry per changed synced row.

An ``after_flush`` hook on every ORM :class:`Session` (the same pattern as
:mod:`kamdesk.sync.capture`) looks at the flushed rows while their attribute history
is still there and appends, through the flushing connection and so in the same
transaction, one entry per row: action ``create``, ``update``, ``tombstone`` (the
row got ``deleted_at``) or ``delete``; entity = table, entity_id = row id; details
``{"changes": {field: [old, new]}, "hidden": [fields]}``. The actor is
``session.info["actor"]``, set by ``write_session(engine, actor=...)``.

Guarantees:
- Personal fields (:data:`PERSONAL_FIELDS`: key persons' phones, e-mail, ID number
  and birthday, staff password hashes) are listed in ``hidden`` when they change; their
  values never reach the log.
- Long texts and structured values (signature strokes) are recorded as
  ``sha256:<hex>`` of their canonical JSON: the log proves what they were without
  copying them.

Hazards: Core statements bypass the hook (as they bypass the outbox), and sessions
applying rows pulled from HQ (``capture.APPLYING``) are not audited row by row; the
sync service records one ``sync`` event for them.
"""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import InstanceState, Session, UOWTransaction

from kamdesk.db.models.base import Synced
from kamdesk.services.actor import Actor
from kamdesk.services.audit import chain
from kamdesk.sync.capture import APPLYING, json_value

PERSONAL_FIELDS: dict[str, frozenset[str]] = {
    "key_persons": frozenset({"mobile", "landline", "email", "id_number", "birthday"}),
    "staff": frozenset({"password_hash"}),
}
"""Per table, the columns whose values are never written to the audit log."""
NOT_RECORDED = frozenset(
    {"id", "row_version", "updated_hlc", "updated_at", "created_at", "field_hlc"}
)
"""Bookkeeping columns that every change touches; they would only add noise."""
LONG_TEXT = 200
"""Texts longer than this are recorded by hash."""


def shown(value: Any) -> Any:
    """How a column value appears in the log: JSON-safe, long or structured ones hashed."""
    value = json_value(value)
    if isinstance(value, bytes | bytearray):
        return "sha256:" + hashlib.sha256(value).hexdigest()
    if isinstance(value, list | dict) or (isinstance(value, str) and len(value) > LONG_TEXT):
        return "sha256:" + hashlib.sha256(chain.canonical_json(value).encode()).hexdigest()
    return value


def row_change(obj: Synced, kind: str) -> chain.NewEntry | None:
    """The entry for one flushed row (``kind`` is create, update or delete), or None
    when an update changed only bookkeeping columns."""
    state: InstanceState[Synced] = inspect(obj)  # type: ignore[assignment]
    table: str = obj.__table__.name  # type: ignore[attr-defined]
    personal = PERSONAL_FIELDS.get(table, frozenset())
    changes: dict[str, Any] = {}
    hidden: list[str] = []
    action = kind
    if kind != "delete":
        for prop in state.mapper.column_attrs:
            name = prop.columns[0].name
            if name in NOT_RECORDED:
                continue
            if kind == "create":
                old, new = None, state.dict.get(prop.key)
                if new is None:
                    continue
            elif (history := state.attrs[prop.key].history).has_changes():
                old = history.deleted[0] if history.deleted else None
                new = history.added[0] if history.added else None
                if name == "deleted_at" and old is None and new is not None:
                    action = "tombstone"
            else:
                continue
            if name in personal:
                if new not in (None, "") or kind != "create":
                    hidden.append(name)
            else:
                changes[name] = [shown(old), shown(new)]
        if kind == "update" and not changes and not hidden:
            return None
    details: dict[str, Any] = {"changes": changes}
    if hidden:
        details["hidden"] = sorted(hidden)
    return chain.NewEntry(action=action, entity=table, entity_id=str(obj.id), details=details)


def session_actor(session: Session) -> Actor | None:
    """The actor of the unit of work, if its ``write_session`` was given one."""
    actor = session.info.get(chain.ACTOR_INFO)
    return actor if isinstance(actor, Actor) else None


def stamped(entry: chain.NewEntry, actor: Actor | None) -> chain.NewEntry:
    """``entry`` attributed to ``actor`` (and its branch)."""
    if actor is None:
        return entry
    return chain.NewEntry(
        entry.action,
        entry.entity,
        entry.entity_id,
        entry.details,
        actor_id=actor.staff_id,
        branch_id=actor.branch_id or None,
    )


@event.listens_for(Session, "after_flush")
def _audit_flushed_rows(session: Session, _ctx: UOWTransaction) -> None:
    if session.info.get(APPLYING) or session.get_bind().dialect.name != "sqlite":
        return
    flushed = [
        *(("create", o) for o in session.new if isinstance(o, Synced)),
        *(("update", o) for o in session.dirty if isinstance(o, Synced)),
        *(("delete", o) for o in session.deleted if isinstance(o, Synced)),
    ]
    if not flushed:
        return
    actor = session_actor(session)
    entries = [
        stamped(entry, actor)
        for kind, obj in flushed
        if (entry := row_change(obj, kind)) is not None
    ]
    chain.append(session.connection(), entries)
