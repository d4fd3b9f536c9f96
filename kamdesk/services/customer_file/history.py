"""Who changed what in one account's file, from the audit chain (``audit_log``).

Entries are those whose ``entity``/``entity_id`` name the account (table
``customers``) or one of its records (key persons, visits, care actions,
complaints, agreements, opportunities). The log may be empty: nothing writes it
yet in every build, and the tab then says so.
"""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from kamdesk.db.models import (
    Agreement,
    AuditEntry,
    CareAction,
    Complaint,
    KeyPerson,
    Opportunity,
    Staff,
    Visit,
)
from kamdesk.services.customer_file.views import HistoryEntry

HISTORY_LIMIT = 500
_CHILDREN = (KeyPerson, Visit, CareAction, Complaint, Agreement, Opportunity)


def read_history(session: Session, customer_id: str) -> tuple[HistoryEntry, ...]:
    """Newest first, at most :data:`HISTORY_LIMIT` entries."""
    conditions = [(AuditEntry.entity == "customers") & (AuditEntry.entity_id == customer_id)]
    for model in _CHILDREN:
        ids = select(model.id).where(model.customer_id == customer_id)
        conditions.append(
            (AuditEntry.entity == model.__tablename__) & AuditEntry.entity_id.in_(ids)
        )
    rows = session.execute(
        select(AuditEntry, Staff.name)
        .outerjoin(Staff, Staff.id == AuditEntry.actor_id)
        .where(or_(*conditions))
        .order_by(AuditEntry.seq.desc())
        .limit(HISTORY_LIMIT)
    ).all()
    return tuple(
        HistoryEntry(
            at=entry.at,
            actor_name=name or (entry.actor_id or ""),
            action=entry.action,
            entity=entry.entity,
            entity_id=entry.entity_id,
            details=dict(entry.details or {}),
        )
        for entry, name in rows
    )
