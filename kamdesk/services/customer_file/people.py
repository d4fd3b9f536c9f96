"""Adding and editing key persons (关键人) of an account.

Guarantees: ``reports_to`` names a live key person of the same account and never
closes a loop (A reports to B reports to A), so the influence map is a forest.
Phones are stored in one form (``13800138000``, ``025-87654321``) so search and
comparison work.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from kamdesk.db.models import KeyPerson
from kamdesk.domain.customers.phone import PhoneExpectation
from kamdesk.errors import KamdeskError, define
from kamdesk.i18n import N_
from kamdesk.services.actor import Actor
from kamdesk.services.customer_file.drafts import KeyPersonDraft
from kamdesk.services.customer_file.guards import child_row, open_customer
from kamdesk.services.customer_file.validation import (
    key_person_problems,
    require_valid,
    stored_or_empty,
)

define(
    {
        "customer_file.reports_loop": N_(
            "{name} cannot report to {boss}: {boss} already reports to {name}, directly "
            "or through others"
        ),
        "customer_file.reports_self": N_("A person cannot report to themselves"),
    }
)


def _check_reporting(
    session: Session, customer_id: str, person_id: str | None, draft: KeyPersonDraft
) -> None:
    boss_id = draft.reports_to_id
    if boss_id is None:
        return
    if boss_id == person_id:
        raise KamdeskError("customer_file.reports_self")
    boss = child_row(session, KeyPerson, boss_id, customer_id)
    seen: set[str] = set()
    current: KeyPerson | None = boss
    while current is not None and current.id not in seen:
        if person_id is not None and current.reports_to_id == person_id:
            raise KamdeskError("customer_file.reports_loop", name=draft.name, boss=boss.name)
        seen.add(current.id)
        current = session.get(KeyPerson, current.reports_to_id) if current.reports_to_id else None


def save_key_person(
    session: Session,
    customer_id: str,
    draft: KeyPersonDraft,
    actor: Actor,
    person_id: str | None = None,
) -> str:
    """Add a key person (``person_id`` None) or edit one; returns its id."""
    open_customer(session, customer_id, actor)
    require_valid(key_person_problems(draft))
    _check_reporting(session, customer_id, person_id, draft)
    if person_id is None:
        person = KeyPerson(customer_id=customer_id)
        session.add(person)
    else:
        person = child_row(session, KeyPerson, person_id, customer_id)
    person.name = draft.name.strip()
    person.title = draft.title.strip()
    person.department = draft.department.strip()
    person.decision_role = draft.decision_role
    person.tier = draft.tier
    person.mobile = stored_or_empty(draft.mobile, PhoneExpectation.MOBILE)
    person.landline = stored_or_empty(draft.landline, PhoneExpectation.LANDLINE)
    person.email = draft.email.strip()
    person.birthday = draft.birthday
    person.preferences = draft.preferences.strip()
    person.relationship = draft.relationship
    person.reports_to_id = draft.reports_to_id
    session.flush()
    return person.id
