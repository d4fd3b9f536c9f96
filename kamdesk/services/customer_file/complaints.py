"""Complaints (投诉): received → handled → closed → followed up.

Each step is one move along :data:`COMPLAINT_NEXT`, stamped with its instant; the
loop is not closed until the follow-up (回访) is recorded, which also records a done
visit linked to the complaint (so K09 and the account's last visit see it).
Handling needs the resolution and the follow-up needs its notes.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from kamdesk.db.models import Complaint
from kamdesk.errors import KamdeskError, define
from kamdesk.i18n import N_, tr
from kamdesk.services.actor import Actor
from kamdesk.services.customer_file.activities import record_visit
from kamdesk.services.customer_file.drafts import ComplaintDraft, VisitDraft
from kamdesk.services.customer_file.guards import child_row, open_customer
from kamdesk.services.customer_file.validation import (
    Problems,
    complaint_problems,
    require_valid,
    required,
)
from kamdesk.services.customer_file.vocabulary import (
    COMPLAINT_NEXT,
    ComplaintState,
    VisitStatus,
)

define({"customer_file.complaint_done": N_("This complaint is closed and followed up already")})

FOLLOW_UP_PURPOSE = N_("Follow-up visit (回访) on the complaint: {category}")


def add_complaint(
    session: Session, customer_id: str, draft: ComplaintDraft, actor: Actor, now: datetime
) -> str:
    open_customer(session, customer_id, actor)
    require_valid(complaint_problems(draft, now))
    complaint = Complaint(
        customer_id=customer_id,
        received_at=draft.received_at,
        channel=draft.channel,
        category=draft.category.strip(),
        severity=draft.severity,
        description=draft.description.strip(),
        deadline_at=draft.deadline_at,
        handler_id=draft.handler_id or actor.staff_id,
        status=ComplaintState.RECEIVED.value,
    )
    session.add(complaint)
    session.flush()
    return complaint.id


def next_state(state: str) -> ComplaintState | None:
    """Where a complaint in ``state`` moves next (None once followed up)."""
    try:
        return COMPLAINT_NEXT.get(ComplaintState(state))
    except ValueError:
        return None


def advance_complaint(
    session: Session,
    customer_id: str,
    complaint_id: str,
    notes: str,
    actor: Actor,
    now: datetime,
) -> ComplaintState:
    """Move the complaint one step; returns its new state."""
    open_customer(session, customer_id, actor)
    complaint = child_row(session, Complaint, complaint_id, customer_id)
    target = next_state(complaint.status)
    if target is None:
        raise KamdeskError("customer_file.complaint_done")
    text = notes.strip()
    if target in (ComplaintState.HANDLED, ComplaintState.FOLLOWED_UP):
        problems: Problems = {}
        required(problems, "notes", notes, 4000)
        require_valid(problems)
    if target is ComplaintState.HANDLED:
        complaint.handled_at = now
        complaint.resolution = text
        complaint.handler_id = complaint.handler_id or actor.staff_id
    elif target is ComplaintState.CLOSED:
        complaint.closed_at = now
        if text:
            complaint.resolution = "\n".join(t for t in (complaint.resolution, text) if t)
    else:
        complaint.followed_up_at = now
        complaint.followup_notes = text
        visit = VisitDraft(
            status=VisitStatus.DONE.value,
            at=now,
            purpose=tr(FOLLOW_UP_PURPOSE, category=complaint.category),
            findings=text,
        )
        record_visit(session, customer_id, visit, actor, now, complaint_id=complaint.id)
    complaint.status = target.value
    session.flush()
    return target
