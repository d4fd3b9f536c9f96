"""Checks of customer-file drafts, field by field, with messages a person can act on.

Each ``*_problems`` function is pure (no database) and returns ``{field: error}`` for
every field that is wrong, so a form can show each message under its field as the
user leaves it, and the write operation can refuse the whole draft with
:class:`InvalidInput`. The credit code and phone rules are the domain's
(:mod:`kamdesk.domain.customers.credit_code`, :mod:`~kamdesk.domain.customers.phone`);
this module only says which field they apply to.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from kamdesk.domain.clock import local
from kamdesk.domain.customers.credit_code import validate_credit_code
from kamdesk.domain.customers.funnel import Stage as FunnelStage
from kamdesk.domain.customers.phone import Phone, PhoneExpectation, PhoneKind, parse_phone
from kamdesk.errors import KamdeskError, define
from kamdesk.i18n import N_, tr
from kamdesk.services.customer_file.drafts import (
    AgreementDraft,
    CareActionDraft,
    ComplaintDraft,
    CustomerDraft,
    KeyPersonDraft,
    OpportunityDraft,
    VisitDraft,
)
from kamdesk.services.customer_file.months import first_of_month, months_between
from kamdesk.services.customer_file.vocabulary import (
    CareKind,
    DecisionRole,
    Tier,
    VisitStatus,
)

define(
    {
        "customer_file.invalid": N_("Please correct the marked fields ({count})"),
        "customer_file.required": N_("{field} is required"),
        "customer_file.too_long": N_("{field} may have at most {limit} characters"),
        "customer_file.choice": N_("Please choose a valid {field}"),
        "customer_file.range": N_("{field} must be between {low} and {high}"),
        "customer_file.negative": N_("{field} cannot be negative"),
        "customer_file.email": N_(
            "'{text}' is not an e-mail address; write it like name@example.com"
        ),
        "customer_file.future_done": N_("A done visit cannot lie in the future"),
        "customer_file.past_planned": N_("A planned visit must be today or later"),
        "customer_file.deadline_before": N_(
            "The deadline must come after the complaint was received"
        ),
        "customer_file.received_future": N_("A complaint cannot be received in the future"),
        "customer_file.ends_before": N_("The agreement must end on or after the day it starts"),
        "customer_file.signed_after": N_("The agreement must be signed before it ends"),
        "customer_file.month_outside": N_(
            "The month {month} of the revenue split lies outside the agreement's term"
        ),
        "customer_file.month_twice": N_("The month {month} appears twice in the revenue split"),
        "customer_file.split_sum": N_(
            "The monthly split adds up to {split} CNY but the agreement is worth {total} CNY"
        ),
    }
)

Problems = dict[str, KamdeskError]

FIELD_LABELS: dict[str, str] = {
    "name": N_("Name"),
    "credit_code": N_("Unified social credit code"),
    "address": N_("Address"),
    "growth_potential": N_("Growth potential"),
    "monthly_spend": N_("Monthly spend"),
    "decision_role": N_("Role in decisions"),
    "tier": N_("Contact tier"),
    "relationship": N_("Relationship strength"),
    "status": N_("Visit status"),
    "purpose": N_("Purpose"),
    "kind": N_("Kind of care"),
    "title": N_("Title"),
    "category": N_("Category"),
    "description": N_("Description"),
    "number": N_("Agreement number"),
    "total_value": N_("Total value"),
    "stage": N_("Funnel stage"),
    "expected_value": N_("Expected value"),
    "reason": N_("Reason"),
    "notes": N_("Notes"),
    "industry_group_id": N_("Industry group"),
    "owner_id": N_("Account manager"),
    "head_office_branch_id": N_("Head-office branch"),
    "reports_to_id": N_("Reports to"),
    "key_person_id": N_("Key person"),
    "product_id": N_("Product"),
}
"""English labels of the fields named in messages (filled in through ``tr``)."""

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class InvalidInput(KamdeskError):
    """A draft with at least one wrong field; ``problems`` maps field → its error.

    ``message()`` lists every problem, one per line, so a message box says it all.
    """

    def __init__(self, problems: Mapping[str, KamdeskError]) -> None:
        super().__init__("customer_file.invalid", count=len(problems))
        self.problems: Problems = dict(problems)

    def message(self) -> str:
        return "\n".join(problem.message() for problem in self.problems.values())


def require_valid(problems: Problems) -> None:
    if problems:
        raise InvalidInput(problems)


def field_label(name: str) -> str:
    return tr(FIELD_LABELS.get(name, name))


def required(problems: Problems, name: str, value: str, limit: int) -> None:
    """Record a missing or too long text field."""
    text = value.strip()
    if not text:
        problems[name] = KamdeskError("customer_file.required", field=field_label(name))
    elif len(text) > limit:
        problems[name] = KamdeskError(
            "customer_file.too_long", field=field_label(name), limit=limit
        )


def _choice(problems: Problems, name: str, value: str, allowed: type[StrEnum]) -> None:
    if value not in {member.value for member in allowed}:
        problems[name] = KamdeskError("customer_file.choice", field=field_label(name))


def _within(problems: Problems, name: str, value: int, low: int, high: int) -> None:
    if not low <= value <= high:
        problems[name] = KamdeskError(
            "customer_file.range", field=field_label(name), low=low, high=high
        )


def stored_phone(phone: Phone) -> str:
    """How a checked number is stored: ``13800138000``, ``025-87654321[-8001]``."""
    if phone.region != "CN":
        text = phone.display
    elif phone.kind is PhoneKind.MOBILE:
        text = re.sub(r"\D", "", phone.display)
    else:
        area, _, rest = phone.display.partition(" ")
        text = f"{area}-{rest.replace(' ', '')}" if rest else area
    return f"{text}-{phone.extension}" if phone.extension else text


def stored_or_empty(text: str, expect: PhoneExpectation) -> str:
    """The stored form of a phone field that passed its check ("" when empty)."""
    return stored_phone(parse_phone(text, expect=expect)) if text.strip() else ""


def checked_phone(problems: Problems, name: str, text: str, expect: PhoneExpectation) -> str:
    """The stored form of an optional phone field; records the problem if it is wrong."""
    if not text.strip():
        return ""
    try:
        return stored_phone(parse_phone(text, expect=expect))
    except KamdeskError as exc:
        problems[name] = exc
        return text.strip()


def customer_problems(draft: CustomerDraft) -> Problems:
    problems: Problems = {}
    required(problems, "name", draft.name, 200)
    try:
        validate_credit_code(draft.credit_code)
    except KamdeskError as exc:
        problems["credit_code"] = exc
    if len(draft.address.strip()) > 300:
        problems["address"] = KamdeskError(
            "customer_file.too_long", field=field_label("address"), limit=300
        )
    checked_phone(problems, "phone", draft.phone, PhoneExpectation.ANY)
    _within(problems, "growth_potential", draft.growth_potential, 1, 5)
    if draft.monthly_spend < 0:
        problems["monthly_spend"] = KamdeskError(
            "customer_file.negative", field=field_label("monthly_spend")
        )
    return problems


def key_person_problems(draft: KeyPersonDraft) -> Problems:
    problems: Problems = {}
    required(problems, "name", draft.name, 64)
    _choice(problems, "decision_role", draft.decision_role, DecisionRole)
    _choice(problems, "tier", draft.tier, Tier)
    checked_phone(problems, "mobile", draft.mobile, PhoneExpectation.MOBILE)
    checked_phone(problems, "landline", draft.landline, PhoneExpectation.LANDLINE)
    email = draft.email.strip()
    if email and not _EMAIL.match(email):
        problems["email"] = KamdeskError("customer_file.email", text=email)
    _within(problems, "relationship", draft.relationship, 1, 5)
    return problems


def visit_problems(draft: VisitDraft, now: datetime) -> Problems:
    problems: Problems = {}
    _choice(problems, "status", draft.status, VisitStatus)
    required(problems, "purpose", draft.purpose, 2000)
    if draft.status == VisitStatus.DONE and draft.at > now:
        problems["at"] = KamdeskError("customer_file.future_done")
    if draft.status == VisitStatus.PLANNED and local(draft.at).date() < local(now).date():
        problems["at"] = KamdeskError("customer_file.past_planned")
    return problems


def care_problems(draft: CareActionDraft) -> Problems:
    problems: Problems = {}
    _choice(problems, "kind", draft.kind, CareKind)
    required(problems, "title", draft.title, 120)
    return problems


def complaint_problems(draft: ComplaintDraft, now: datetime) -> Problems:
    problems: Problems = {}
    required(problems, "category", draft.category, 32)
    required(problems, "description", draft.description, 4000)
    if draft.received_at > now:
        problems["received_at"] = KamdeskError("customer_file.received_future")
    if draft.deadline_at <= draft.received_at:
        problems["deadline_at"] = KamdeskError("customer_file.deadline_before")
    return problems


def agreement_problems(draft: AgreementDraft) -> Problems:
    problems: Problems = {}
    required(problems, "number", draft.number, 64)
    required(problems, "title", draft.title, 200)
    if draft.ends_on < draft.starts_on:
        problems["ends_on"] = KamdeskError("customer_file.ends_before")
    if draft.signed_on > draft.ends_on:
        problems["signed_on"] = KamdeskError("customer_file.signed_after")
    if draft.total_value < 0:
        problems["total_value"] = KamdeskError(
            "customer_file.negative", field=field_label("total_value")
        )
    _split_problems(problems, draft)
    return problems


def _split_problems(problems: Problems, draft: AgreementDraft) -> None:
    term = set(months_between(draft.starts_on, draft.ends_on))
    seen: set[tuple[date, str | None]] = set()
    for share in draft.months:
        month = first_of_month(share.month)
        key = (month, share.product_id)
        if month not in term:
            problems["months"] = KamdeskError("customer_file.month_outside", month=_ym(month))
            return
        if key in seen:
            problems["months"] = KamdeskError("customer_file.month_twice", month=_ym(month))
            return
        if share.amount < 0:
            problems["months"] = KamdeskError("customer_file.negative", field=_ym(month))
            return
        seen.add(key)
    split = sum((share.amount for share in draft.months), Decimal("0.00"))
    if draft.months and split != draft.total_value:
        problems["months"] = KamdeskError(
            "customer_file.split_sum", split=f"{split:,.2f}", total=f"{draft.total_value:,.2f}"
        )


def _ym(month: date) -> str:
    return f"{month.year}-{month.month:02d}"


def opportunity_problems(draft: OpportunityDraft) -> Problems:
    problems: Problems = {}
    required(problems, "title", draft.title, 200)
    _choice(problems, "stage", draft.stage, FunnelStage)
    if draft.expected_value < 0:
        problems["expected_value"] = KamdeskError(
            "customer_file.negative", field=field_label("expected_value")
        )
    return problems
