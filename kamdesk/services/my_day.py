"""我的一天: what the signed-in person should act on today, account by account.

Sections, each over the open accounts of the actor's scope (:mod:`scope`):

- visits: accounts overdue or due within 7 days by their grade's interval
  (:func:`visit_status`; a never-visited account counts from its opening day). The
  last visit is the account's ``last_visit_at``, the cache that recording a visit
  moves and the customer list's overdue filter reads, so both always agree (and a
  leader's 100,000 accounts need no scan of every visit);
- care: planned care actions due this week (Monday to Sunday, local), and earlier
  ones of this week not done yet;
- complaints: open complaints past their deadline or due within 24 hours;
- churn: accounts at medium or high churn risk (:mod:`churn`; live, or from the
  list's cache above :data:`LIVE_CHURN_LIMIT` accounts);
- agreements: an account's latest-ending live agreement that ends within 60 days;
- orders: work orders of those accounts whose promised-time clock runs and which are
  past their deadline or due within 24 hours (the orders list's own test).

Every line carries its account's id and name. A section keeps its
:data:`LINE_LIMIT` most urgent lines and says how many there are in all, so a
leader's day over 100,000 accounts stays a readable page. Texts are translated
into the language current at the call.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, Engine, and_, case, func, literal, select
from sqlalchemy.orm import Session

from kamdesk.db.models import (
    Agreement,
    AwareDateTime,
    CareAction,
    Complaint,
    Customer,
    KeyPerson,
    Product,
    WorkOrder,
)
from kamdesk.domain.clock import local, start_of_day, utcnow
from kamdesk.domain.customers.churn import ChurnRisk, ChurnRules
from kamdesk.domain.customers.classification import Grade
from kamdesk.domain.customers.reasons import Reason, describe
from kamdesk.domain.customers.visits import DEFAULT_DUE_SOON_DAYS, VisitState, visit_status
from kamdesk.domain.workorders.vocabulary import CLOCK_STATES
from kamdesk.i18n import N_, tr
from kamdesk.services.actor import Actor
from kamdesk.services.churn import grade_or_c, scope_warnings
from kamdesk.services.grading import OPEN_STATUS
from kamdesk.services.reason_json import reasons_from_json
from kamdesk.services.scope import account_scope
from kamdesk.services.uow import read_session

LINE_LIMIT = 200
LIVE_CHURN_LIMIT = 5_000
"""Up to this many open accounts in scope, churn is assessed live; above it (a leader
of a big branch) the cached ``churn_score``/``churn_reasons`` the list shows are read."""
COMPLAINT_NEAR = timedelta(hours=24)
ORDER_NEAR = timedelta(hours=24)
AGREEMENT_DAYS = 60
AGREEMENT_URGENT_DAYS = 14
PLANNED = "planned"
SUMMARY_CHARS = 40


class Section(StrEnum):
    VISITS = "visits"
    CARE = "care"
    COMPLAINTS = "complaints"
    CHURN = "churn"
    AGREEMENTS = "agreements"
    ORDERS = "orders"


SECTION_TITLES: dict[Section, str] = {
    Section.VISITS: N_("Visits overdue or due"),
    Section.CARE: N_("Care actions this week"),
    Section.COMPLAINTS: N_("Complaints near or past their deadline"),
    Section.CHURN: N_("Churn warnings"),
    Section.AGREEMENTS: N_("Agreements ending within 60 days"),
    Section.ORDERS: N_("Work orders near or past their deadline"),
}


class Urgency(StrEnum):
    """How a line is tagged: overdue / high risk (red), or soon / medium risk (amber)."""

    URGENT = "urgent"
    SOON = "soon"


@dataclass(frozen=True)
class DayLine:
    customer_id: str
    customer_name: str
    grade: str
    text: str  # translated
    urgency: Urgency
    when: date | datetime | None  # the due day or deadline the line is about
    item_id: str | None = None  # the visit plan, care action, complaint or agreement


@dataclass(frozen=True)
class DaySection:
    section: Section
    title: str  # translated
    total: int  # lines in all; ``lines`` holds at most LINE_LIMIT of them
    lines: tuple[DayLine, ...]


@dataclass(frozen=True)
class MyDay:
    staff_name: str
    role: str
    day: date
    sections: tuple[DaySection, ...]

    def section(self, section: Section) -> DaySection:
        return next(s for s in self.sections if s.section is section)


@dataclass(frozen=True)
class _Account:
    name: str
    grade: str


def _short(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= SUMMARY_CHARS else flat[: SUMMARY_CHARS - 1] + "…"


class MyDayService:
    """Builds :class:`MyDay` in one read unit of work."""

    def __init__(self, engine: Engine, churn_rules: ChurnRules | None = None) -> None:
        self._engine = engine
        self._churn_rules = churn_rules or ChurnRules()

    def for_actor(self, actor: Actor, at: datetime | None = None) -> MyDay:
        when = at or utcnow()
        with read_session(self._engine, actor=actor) as s:
            builder = _Builder(s, actor, when, self._churn_rules)
            sections = (
                builder.visits(),
                builder.care(),
                builder.complaints(),
                builder.churn(),
                builder.agreements(),
                builder.orders(),
            )
        return MyDay(actor.name, actor.role, local(when).date(), sections)


class _Builder:
    def __init__(self, session: Session, actor: Actor, at: datetime, rules: ChurnRules) -> None:
        self.s = session
        self.actor = actor
        self.at = at
        self.today = local(at).date()
        self.rules = rules
        self.open_accounts = and_(account_scope(actor), Customer.status == OPEN_STATUS)
        # As an IN (subquery), the small date range drives the plan, not the branch.
        self.scope_ids = select(Customer.id).where(self.open_accounts)

    def _section(
        self, section: Section, lines: Sequence[DayLine], total: int | None = None
    ) -> DaySection:
        count = len(lines) if total is None else total
        return DaySection(section, tr(SECTION_TITLES[section]), count, tuple(lines[:LINE_LIMIT]))

    def visits(self) -> DaySection:
        rows = self.s.execute(
            select(
                Customer.id,
                Customer.name,
                Customer.grade,
                Customer.opened_at,
                Customer.last_visit_at.label("last_done"),
            ).where(self.open_accounts, self._visit_candidates())
        )
        found: list[tuple[tuple[int, int, str], DayLine]] = []
        for row in rows:
            grade = grade_or_c(row.grade)
            last_day = None if row.last_done is None else local(row.last_done).date()
            status = visit_status(
                last_day,
                grade,
                self.today,
                since=local(row.opened_at).date(),
                intervals=self.rules.visit_intervals,
            )
            if status.state is VisitState.OK:
                continue
            params = {"grade": grade.value, "interval": status.interval_days}
            if status.state is VisitState.OVERDUE:
                overdue = status.days_overdue or 0
                text = tr(
                    "Visit overdue by {days} days (grade {grade}: every {interval} days)",
                    days=overdue,
                    **params,
                )
                key = (0, -overdue, row.name)
                urgency = Urgency.URGENT
            else:
                due = status.due or self.today
                text = tr(
                    "Visit due in {days} days (grade {grade}: every {interval} days)",
                    days=(due - self.today).days,
                    **params,
                )
                key = (1, (due - self.today).days, row.name)
                urgency = Urgency.SOON
            found.append((key, DayLine(row.id, row.name, grade.value, text, urgency, status.due)))
        found.sort(key=lambda pair: pair[0])
        return self._section(Section.VISITS, [line for _, line in found])

    def _visit_candidates(self) -> ColumnElement[bool]:
        """Accounts not "ok" by :func:`visit_status`: their interval (from the last visit,
        else from opening) reaches into the due-soon window; exact states are decided
        in Python, this only spares reading accounts visited recently."""

        def cutoff(grade: Grade) -> ColumnElement[datetime]:
            days = self.rules.visit_intervals[grade] - DEFAULT_DUE_SOON_DAYS - 1
            return literal(start_of_day(self.today - timedelta(days=days)), AwareDateTime())

        start = func.coalesce(Customer.last_visit_at, Customer.opened_at)
        limit = case(
            {Grade.A.value: cutoff(Grade.A), Grade.B.value: cutoff(Grade.B)},
            value=Customer.grade,
            else_=cutoff(Grade.C),
        )
        return start < limit

    def care(self) -> DaySection:
        week_start = self.today - timedelta(days=self.today.weekday())
        week_end = week_start + timedelta(days=6)
        rows = self.s.execute(
            select(
                CareAction.id,
                CareAction.title,
                CareAction.due_on,
                Customer.id.label("customer_id"),
                Customer.name,
                Customer.grade,
                KeyPerson.name.label("person"),
            )
            .join(Customer, Customer.id == CareAction.customer_id)
            .outerjoin(KeyPerson, KeyPerson.id == CareAction.key_person_id)
            .where(CareAction.customer_id.in_(self.scope_ids))
            .where(CareAction.deleted_at.is_(None), CareAction.status == PLANNED)
            .where(CareAction.due_on >= week_start, CareAction.due_on <= week_end)
            .order_by(CareAction.due_on, Customer.name, CareAction.id)
        )
        lines = []
        for row in rows:
            text = (
                tr("{action} for {person}", action=row.title, person=row.person)
                if row.person
                else row.title
            )
            urgency = Urgency.URGENT if row.due_on < self.today else Urgency.SOON
            lines.append(
                DayLine(row.customer_id, row.name, row.grade, text, urgency, row.due_on, row.id)
            )
        return self._section(Section.CARE, lines)

    def complaints(self) -> DaySection:
        rows = self.s.execute(
            select(
                Complaint.id,
                Complaint.description,
                Complaint.deadline_at,
                Customer.id.label("customer_id"),
                Customer.name,
                Customer.grade,
            )
            .join(Customer, Customer.id == Complaint.customer_id)
            .where(self.open_accounts)
            .where(Complaint.deleted_at.is_(None), Complaint.closed_at.is_(None))
            .where(Complaint.deadline_at <= self.at + COMPLAINT_NEAR)
            .order_by(Complaint.deadline_at, Complaint.id)
        )

        def text(row: Any, past: bool) -> str:
            template = (
                N_("Past its deadline: {summary}") if past else N_("Deadline near: {summary}")
            )
            return tr(template, summary=_short(row.description))

        return self._section(Section.COMPLAINTS, self._deadline_lines(rows, "deadline_at", text))

    def churn(self) -> DaySection:
        scope_size = self.s.execute(
            select(func.count()).select_from(Customer).where(self.open_accounts)
        ).scalar_one()
        if scope_size > LIVE_CHURN_LIMIT:
            return self._cached_churn()
        warnings = scope_warnings(self.s, self.actor, self.at, self.rules, ChurnRisk.MEDIUM)
        shown = warnings[:LINE_LIMIT]
        accounts = self._accounts([w.customer_id for w in shown])
        lines = [
            self._churn_line(
                w.customer_id, accounts.get(w.customer_id, _Account("", "")), w.score, w.reasons
            )
            for w in shown
        ]
        return self._section(Section.CHURN, lines, len(warnings))

    def _cached_churn(self) -> DaySection:
        at_risk = and_(self.open_accounts, Customer.churn_score >= self.rules.medium_from)
        total = self.s.execute(
            select(func.count()).select_from(Customer).where(at_risk)
        ).scalar_one()
        rows = self.s.execute(
            select(Customer.id, Customer.name, Customer.grade, Customer.churn_score)
            .add_columns(Customer.churn_reasons)
            .where(at_risk)
            .order_by(Customer.churn_score.desc(), Customer.id)
            .limit(LINE_LIMIT)
        )
        lines = [
            self._churn_line(
                row.id,
                _Account(row.name, row.grade),
                row.churn_score,
                reasons_from_json(row.churn_reasons),
            )
            for row in rows
        ]
        return self._section(Section.CHURN, lines, int(total))

    def _churn_line(
        self, customer_id: str, account: _Account, score: int, reasons: Sequence[Reason]
    ) -> DayLine:
        text = tr(
            "Risk score {score}: {reasons}",
            score=score,
            reasons=tr("; ").join(describe(r) for r in reasons),
        )
        high = score >= self.rules.high_from
        return DayLine(
            customer_id,
            account.name,
            account.grade,
            text,
            Urgency.URGENT if high else Urgency.SOON,
            None,
        )

    def _accounts(self, ids: Sequence[str]) -> dict[str, _Account]:
        rows = self.s.execute(
            select(Customer.id, Customer.name, Customer.grade).where(Customer.id.in_(ids))
        )
        return {row.id: _Account(row.name, row.grade) for row in rows}

    def agreements(self) -> DaySection:
        latest = (
            select(Agreement.customer_id, func.max(Agreement.ends_on).label("last_end"))
            .where(Agreement.deleted_at.is_(None))
            .group_by(Agreement.customer_id)
            .subquery()
        )
        limit = self.today + timedelta(days=AGREEMENT_DAYS)
        rows = self.s.execute(
            select(
                Agreement.id,
                Agreement.number,
                Agreement.ends_on,
                Customer.id.label("customer_id"),
                Customer.name,
                Customer.grade,
            )
            .join(Customer, Customer.id == Agreement.customer_id)
            .join(
                latest,
                and_(
                    latest.c.customer_id == Agreement.customer_id,
                    latest.c.last_end == Agreement.ends_on,
                ),
            )
            .where(self.open_accounts, Agreement.deleted_at.is_(None))
            .where(Agreement.ends_on >= self.today, Agreement.ends_on <= limit)
            .order_by(Agreement.ends_on, Customer.name, Agreement.id)
        )
        lines = []
        for row in rows:
            days = (row.ends_on - self.today).days
            lines.append(
                DayLine(
                    row.customer_id,
                    row.name,
                    row.grade,
                    tr(
                        "Agreement {number} ends on {end}, in {days} days",
                        number=row.number,
                        end=row.ends_on.isoformat(),
                        days=days,
                    ),
                    Urgency.URGENT if days <= AGREEMENT_URGENT_DAYS else Urgency.SOON,
                    row.ends_on,
                    row.id,
                )
            )
        return self._section(Section.AGREEMENTS, lines)

    def orders(self) -> DaySection:
        rows = self.s.execute(
            select(
                WorkOrder.id,
                WorkOrder.order_no,
                WorkOrder.due_at,
                Product.name.label("product"),
                Customer.id.label("customer_id"),
                Customer.name,
                Customer.grade,
            )
            .join(Customer, Customer.id == WorkOrder.customer_id)
            .join(Product, Product.id == WorkOrder.product_id)
            .where(account_scope(self.actor))
            .where(WorkOrder.deleted_at.is_(None))
            .where(WorkOrder.state.in_([state.value for state in CLOCK_STATES]))
            .where(WorkOrder.due_at <= self.at + ORDER_NEAR)
            .order_by(WorkOrder.due_at, WorkOrder.id)
        )

        def text(row: Any, past: bool) -> str:
            template = (
                N_("Order {order} ({product}) is past its deadline")
                if past
                else N_("Order {order} ({product}) is due within 24 hours")
            )
            return tr(template, order=row.order_no, product=row.product)

        return self._section(Section.ORDERS, self._deadline_lines(rows, "due_at", text))

    def _deadline_lines(
        self, rows: Iterable[Any], deadline: str, text: Callable[[Any, bool], str]
    ) -> list[DayLine]:
        """One line per row (``id``, ``customer_id``, ``name``, ``grade`` and the
        ``deadline`` column): urgent once past the deadline, else soon."""
        lines = []
        for row in rows:
            when = getattr(row, deadline)
            past = when < self.at
            urgency = Urgency.URGENT if past else Urgency.SOON
            lines.append(
                DayLine(
                    row.customer_id, row.name, row.grade, text(row, past), urgency, when, row.id
                )
            )
        return lines
