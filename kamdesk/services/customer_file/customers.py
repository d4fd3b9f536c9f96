"""Creating, editing and closing (离网) an account, and the duplicate check before create.

Each function works inside the caller's unit of work and changes nothing when it
raises. After a change to a grading input the account is regraded in the same
transaction (:func:`kamdesk.services.grading.regrade`), so category, level and grade
never disagree with the file.

Closing is a state, not a deletion: ``status = "left"`` with the instant and the
reason; the row and everything under it stay readable, and the account accepts no
further change.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from kamdesk.db.models import Branch, Customer, IndustryGroup, Staff
from kamdesk.db.models.base import Synced
from kamdesk.domain.customers.classification import AccountLevel, Grade, KeyAccountCategory
from kamdesk.domain.customers.credit_code import normalize_credit_code
from kamdesk.domain.customers.names import (
    DEFAULT_THRESHOLD,
    find_near_duplicates,
    name_similarity,
    normalize_name,
)
from kamdesk.domain.customers.phone import PhoneExpectation
from kamdesk.domain.customers.pinyin_keys import pinyin_keys
from kamdesk.domain.workorders.vocabulary import Role
from kamdesk.errors import KamdeskError
from kamdesk.services.actor import Actor
from kamdesk.services.customer_file.drafts import CustomerDraft
from kamdesk.services.customer_file.guards import open_customer, require_editor
from kamdesk.services.customer_file.validation import (
    Problems,
    checked_phone,
    customer_problems,
    field_label,
    require_valid,
    required,
)
from kamdesk.services.customer_file.views import CreateOutcome, DuplicateCandidate
from kamdesk.services.customer_file.vocabulary import CustomerStatus
from kamdesk.services.grading import regrade
from kamdesk.services.scope import UNSCOPED

GRADING_FIELDS = frozenset(
    {
        "industry_group_id",
        "is_group",
        "head_office_branch_id",
        "strategic",
        "growth_potential",
        "monthly_spend",
    }
)
"""Customer columns the grading engine reads: changing one triggers a regrade."""

# An Indel ratio of at least 85 needs the shorter key to be ≥ 0.739 of the longer.
_LENGTH_RATIO = DEFAULT_THRESHOLD / (200 - DEFAULT_THRESHOLD)


def find_duplicates(
    session: Session, draft: CustomerDraft, *, exclude_id: str | None = None
) -> tuple[DuplicateCandidate, ...]:
    """Live accounts with the same credit code or a near-identical name, best first.

    Searched past the record rules (whoever asks): an account in another manager's
    portfolio must still stop a second file for the same customer. Only its name and
    credit code are shown.
    """
    everyone = {UNSCOPED: True}
    code = normalize_credit_code(draft.credit_code)
    key = normalize_name(draft.name)
    found: dict[str, DuplicateCandidate] = {}
    live = and_(Customer.deleted_at.is_(None), Customer.id != (exclude_id or ""))
    if code:
        for row_id, name, stored_code in session.execute(
            select(Customer.id, Customer.name, Customer.credit_code).where(
                live, Customer.credit_code == code
            ),
            execution_options=everyone,
        ):
            score = name_similarity(draft.name, name)
            found[row_id] = DuplicateCandidate(row_id, name, stored_code, True, score)
    if key:
        low, high = int(len(key) * _LENGTH_RATIO), int(len(key) / _LENGTH_RATIO) + 1
        # Compared on the stored keys (normalising a key again is cheap and idempotent).
        rows = session.execute(
            select(Customer.id, Customer.name_key, Customer.name, Customer.credit_code).where(
                live, func.length(Customer.name_key).between(low, high)
            ),
            execution_options=everyone,
        ).all()
        shown = {row_id: (name, stored_code) for row_id, _, name, stored_code in rows}
        for near in find_near_duplicates(draft.name, [(r[0], r[1]) for r in rows]):
            name, stored_code = shown[near.candidate_id]
            same_code = near.candidate_id in found
            found[near.candidate_id] = DuplicateCandidate(
                near.candidate_id, name, stored_code, same_code, near.score
            )
    return tuple(
        sorted(found.values(), key=lambda d: (not d.same_credit_code, -d.name_score, d.name))
    )


def _reference_problems(session: Session, draft: CustomerDraft, owner_id: str | None) -> Problems:
    problems: Problems = {}
    checks: tuple[tuple[str, type[Synced], str | None], ...] = (
        ("industry_group_id", IndustryGroup, draft.industry_group_id),
        ("owner_id", Staff, owner_id),
        ("head_office_branch_id", Branch, draft.head_office_branch_id),
    )
    for name, model, row_id in checks:
        if row_id is None:
            continue
        row = session.get(model, row_id)
        if row is None or row.deleted_at is not None:
            problems[name] = KamdeskError("customer_file.choice", field=field_label(name))
    return problems


def _checked(session: Session, draft: CustomerDraft, owner_id: str | None) -> str:
    """All problems of the draft at once; returns the phone in its stored form."""
    problems = customer_problems(draft)
    phone = checked_phone(problems, "phone", draft.phone, PhoneExpectation.ANY)
    problems.update(_reference_problems(session, draft, owner_id))
    require_valid(problems)
    return phone


def apply_draft(customer: Customer, draft: CustomerDraft, phone: str) -> set[str]:
    """Write the draft's fields; returns the names of the columns that changed."""
    name = draft.name.strip()
    keys = pinyin_keys(name)
    values = {
        "name": name,
        "name_key": normalize_name(name),
        "name_pinyin": keys.full,
        "name_initials": keys.initials,
        "credit_code": normalize_credit_code(draft.credit_code),
        "industry_group_id": draft.industry_group_id,
        "address": draft.address.strip(),
        "district": draft.district.strip(),
        "phone": phone,
        "is_group": draft.is_group,
        "head_office_branch_id": draft.head_office_branch_id if draft.is_group else None,
        "strategic": draft.strategic,
        "growth_potential": draft.growth_potential,
        "monthly_spend": draft.monthly_spend,
        "competitor_presence": draft.competitor_presence.strip(),
    }
    changed = set()
    for column, value in values.items():
        if getattr(customer, column, None) != value:
            setattr(customer, column, value)
            changed.add(column)
    return changed


def create_customer(
    session: Session,
    draft: CustomerDraft,
    actor: Actor,
    now: datetime,
    *,
    accept_duplicates: bool,
) -> CreateOutcome:
    """A new account of the actor's branch, graded at once.

    Unless ``accept_duplicates``, look-alikes found by :func:`find_duplicates` are
    returned instead and nothing is written.
    """
    require_editor(actor)
    owner_id = draft.owner_id or (actor.staff_id if actor.role == Role.AM else None)
    phone = _checked(session, draft, owner_id)
    if not accept_duplicates:
        duplicates = find_duplicates(session, draft)
        if duplicates:
            return CreateOutcome(None, duplicates)
    customer = Customer(
        branch_id=actor.branch_id,
        owner_id=owner_id,
        # Provisional until regraded below. Kept in the key-account desk, the account is
        # at least a local key account in the branch's judgement (grading reads this).
        category=KeyAccountCategory.LOCAL_KEY.value,
        level=AccountLevel.LOCAL.value,
        grade=Grade.C.value,
        status=CustomerStatus.ACTIVE.value,
        opened_at=now,
    )
    apply_draft(customer, draft, phone)
    session.add(customer)
    session.flush()
    regrade(session, customer.id, now)
    return CreateOutcome(customer.id)


def edit_customer(
    session: Session, customer_id: str, draft: CustomerDraft, actor: Actor, now: datetime
) -> None:
    """Save the edited fields; regrade when a grading input changed."""
    customer = open_customer(session, customer_id, actor)
    owner_id = draft.owner_id or customer.owner_id
    phone = _checked(session, draft, owner_id)
    changed = apply_draft(customer, draft, phone)
    if owner_id != customer.owner_id:
        customer.owner_id = owner_id
    session.flush()
    if changed & GRADING_FIELDS:
        regrade(session, customer.id, now)


def close_customer(
    session: Session, customer_id: str, reason: str, actor: Actor, now: datetime
) -> None:
    """离网: the account leaves the network at ``now`` for ``reason`` (required)."""
    customer = open_customer(session, customer_id, actor)
    problems: Problems = {}
    required(problems, "reason", reason, 2000)
    require_valid(problems)
    customer.status = CustomerStatus.LEFT.value
    customer.left_at = now
    customer.leave_reason = reason.strip()
    customer.churn_score = 0  # a churn warning is about accounts that may still leave
    customer.churn_reasons = []
