"""Visits (走访) and care actions (客户关怀) of an account.

Visits are append-only (SYNC.md): a planned visit that took place is not rewritten;
a new ``done`` row is added and the planned one is tombstoned. A done visit moves
the account's ``last_visit_at`` (the list's overdue filter reads it) and the met
key persons' last contact forward, never backward.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from kamdesk.db.models import CareAction, Customer, KeyPerson, Visit
from kamdesk.errors import KamdeskError, define
from kamdesk.i18n import N_
from kamdesk.services.actor import Actor
from kamdesk.services.customer_file.drafts import CareActionDraft, VisitDraft
from kamdesk.services.customer_file.guards import child_row, open_customer
from kamdesk.services.customer_file.validation import (
    care_problems,
    require_valid,
    visit_problems,
)
from kamdesk.services.customer_file.vocabulary import CareStatus, VisitStatus

define(
    {
        "customer_file.visit_not_planned": N_("Only a planned visit can be recorded as done"),
        "customer_file.care_done": N_("This care action is already done"),
    }
)


def note_done_visit(
    session: Session, customer: Customer, at: datetime, key_person_ids: tuple[str, ...] = ()
) -> None:
    """Move the account's last visit and the met persons' last contact to ``at``."""
    if customer.last_visit_at is None or customer.last_visit_at < at:
        customer.last_visit_at = at
    for person_id in key_person_ids:
        person = child_row(session, KeyPerson, person_id, customer.id)
        if person.last_contact_at is None or person.last_contact_at < at:
            person.last_contact_at = at


def record_visit(
    session: Session,
    customer_id: str,
    draft: VisitDraft,
    actor: Actor,
    now: datetime,
    *,
    complaint_id: str | None = None,
) -> str:
    """A planned or done visit; returns its id."""
    customer = open_customer(session, customer_id, actor)
    require_valid(visit_problems(draft, now))
    planned_at = draft.at if draft.status == VisitStatus.PLANNED else None
    if draft.fulfils_visit_id is not None:
        planned = child_row(session, Visit, draft.fulfils_visit_id, customer_id)
        if planned.status != VisitStatus.PLANNED or draft.status != VisitStatus.DONE:
            raise KamdeskError("customer_file.visit_not_planned")
        planned.deleted_at = now
        planned.deleted_by = actor.staff_id
        planned_at = planned.planned_at
    visit = Visit(
        customer_id=customer_id,
        owner_id=actor.staff_id,
        status=draft.status,
        planned_at=planned_at,
        done_at=draft.at if draft.status == VisitStatus.DONE else None,
        purpose=draft.purpose.strip(),
        participants=draft.participants.strip(),
        findings=draft.findings.strip(),
        explicit_needs=draft.explicit_needs.strip(),
        hidden_needs=draft.hidden_needs.strip(),
        next_steps=draft.next_steps.strip(),
        complaint_id=complaint_id,
    )
    session.add(visit)
    if draft.status == VisitStatus.DONE:
        note_done_visit(session, customer, draft.at, draft.key_person_ids)
    session.flush()
    return visit.id


def add_care_action(
    session: Session, customer_id: str, draft: CareActionDraft, actor: Actor
) -> str:
    open_customer(session, customer_id, actor)
    require_valid(care_problems(draft))
    if draft.key_person_id is not None:
        child_row(session, KeyPerson, draft.key_person_id, customer_id)
    action = CareAction(
        customer_id=customer_id,
        key_person_id=draft.key_person_id,
        owner_id=actor.staff_id,
        kind=draft.kind,
        title=draft.title.strip(),
        due_on=draft.due_on,
        status=CareStatus.PLANNED.value,
        notes=draft.notes.strip(),
    )
    session.add(action)
    session.flush()
    return action.id


def complete_care_action(
    session: Session, customer_id: str, action_id: str, notes: str, actor: Actor, now: datetime
) -> None:
    open_customer(session, customer_id, actor)
    action = child_row(session, CareAction, action_id, customer_id)
    if action.status == CareStatus.DONE:
        raise KamdeskError("customer_file.care_done")
    action.status = CareStatus.DONE.value
    action.done_at = now
    if notes.strip():
        action.notes = "\n".join(t for t in (action.notes, notes.strip()) if t)
