"""Churn warning (预警) for one account or many: the signals of DOMAIN.md read from the
customer file in a few grouped queries, scored by :func:`assess_churn`.

Facts read, as of ``at`` (local days in Asia/Shanghai):

- revenue: the billed months among the last ``revenue_months + 1`` complete months;
- complaints: open (not closed) ones whose deadline has passed;
- agreement: the end of the latest-ending live agreement;
- visits: the last done visit (not a complaint's follow-up); the account's opening
  day when never visited;
- competitor: the latest competitor note.

:func:`assess_accounts` runs inside a caller's session, a constant number of
queries per 900 accounts (never one per account). :class:`ChurnService` wraps it in
read units of work and refreshes the cached ``churn_score``/``churn_reasons`` the
customer list sorts and filters by.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Engine, func, select
from sqlalchemy.orm import Session

from kamdesk.db.models import Agreement, CompetitorNote, Complaint, Customer, Visit
from kamdesk.domain.clock import local, utcnow
from kamdesk.domain.customers.churn import (
    ChurnAssessment,
    ChurnInputs,
    ChurnRisk,
    ChurnRules,
    ChurnSignal,
    assess_churn,
)
from kamdesk.domain.customers.classification import Grade
from kamdesk.domain.customers.reasons import Reason
from kamdesk.domain.progress import CancelCheck, Progress, check_cancel
from kamdesk.i18n import tr
from kamdesk.services.actor import Actor
from kamdesk.services.grading import OPEN_STATUS, monthly_revenue
from kamdesk.services.reason_json import reasons_to_json
from kamdesk.services.scope import account_scope
from kamdesk.services.uow import read_session, write_session

BATCH = 900  # ids per IN (...) list, below SQLite's bound-parameter limit
REFRESH_CHUNK = 2_000
DONE_VISIT = "done"


@dataclass(frozen=True)
class ChurnOutcome:
    customer_id: str
    score: int
    risk: ChurnRisk
    signals: tuple[ChurnSignal, ...]
    reasons: tuple[Reason, ...]


@dataclass(frozen=True)
class _Account:
    id: str
    grade: str
    opened_at: datetime


def cadence_visits(at: datetime) -> tuple[ColumnElement[bool], ...]:
    """Visits that count for the grade's visit interval: done by ``at``, and not the
    follow-up of a complaint (回访 closes the complaint loop; it is not an account visit)."""
    return (
        Visit.deleted_at.is_(None),
        Visit.status == DONE_VISIT,
        Visit.done_at <= at,
        Visit.complaint_id.is_(None),
    )


def grade_or_c(value: str | None) -> Grade:
    """The stored grade; an account not graded yet is served as grade C."""
    try:
        return Grade(value or Grade.C.value)
    except ValueError:
        return Grade.C


def _day(value: datetime | None) -> date | None:
    return None if value is None else local(value).date()


def _grouped(session: Session, query: Any, ids: Sequence[str], column: Any) -> dict[str, Any]:
    return dict(session.execute(query.where(column.in_(ids)).group_by(column)).tuples().all())


def _assess_batch(
    session: Session, accounts: Sequence[_Account], at: datetime, rules: ChurnRules
) -> dict[str, ChurnOutcome]:
    ids = [a.id for a in accounts]
    revenue = monthly_revenue(session, ids, at, rules.revenue_months + 1)
    complaints = _grouped(
        session,
        select(Complaint.customer_id, func.count()).where(
            Complaint.deleted_at.is_(None),
            Complaint.closed_at.is_(None),
            Complaint.deadline_at < at,
        ),
        ids,
        Complaint.customer_id,
    )
    agreement_end = _grouped(
        session,
        select(Agreement.customer_id, func.max(Agreement.ends_on)).where(
            Agreement.deleted_at.is_(None)
        ),
        ids,
        Agreement.customer_id,
    )
    last_visit = _grouped(
        session,
        select(Visit.customer_id, func.max(Visit.done_at)).where(*cadence_visits(at)),
        ids,
        Visit.customer_id,
    )
    competitor = _grouped(
        session,
        select(CompetitorNote.customer_id, func.max(CompetitorNote.noted_at)).where(
            CompetitorNote.deleted_at.is_(None), CompetitorNote.noted_at <= at
        ),
        ids,
        CompetitorNote.customer_id,
    )
    today = local(at).date()
    out: dict[str, ChurnOutcome] = {}
    for account in accounts:
        months = revenue.get(account.id, {})
        assessment = assess_churn(
            ChurnInputs(
                today=today,
                grade=grade_or_c(account.grade),
                monthly_revenue=[months[m] for m in sorted(months)],
                overdue_open_complaints=int(complaints.get(account.id, 0)),
                agreement_end=agreement_end.get(account.id),
                last_done_visit=_day(last_visit.get(account.id)),
                account_since=_day(account.opened_at),
                last_competitor_activity=_day(competitor.get(account.id)),
            ),
            rules,
        )
        out[account.id] = _outcome(account.id, assessment)
    return out


def _outcome(customer_id: str, assessment: ChurnAssessment) -> ChurnOutcome:
    return ChurnOutcome(
        customer_id=customer_id,
        score=assessment.score,
        risk=assessment.risk,
        signals=assessment.signals,
        reasons=assessment.reasons,
    )


def assess_accounts(
    session: Session,
    customer_ids: Iterable[str],
    at: datetime,
    rules: ChurnRules | None = None,
) -> dict[str, ChurnOutcome]:
    """Churn outcome of each live account among ``customer_ids`` (unknown ids are left out)."""
    rules = rules or ChurnRules()
    wanted = list(dict.fromkeys(customer_ids))
    out: dict[str, ChurnOutcome] = {}
    for start in range(0, len(wanted), BATCH):
        rows = session.execute(
            select(Customer.id, Customer.grade, Customer.opened_at).where(
                Customer.id.in_(wanted[start : start + BATCH]), Customer.deleted_at.is_(None)
            )
        )
        accounts = [_Account(r.id, r.grade, r.opened_at) for r in rows]
        out.update(_assess_batch(session, accounts, at, rules))
    return out


def refresh_churn(session: Session, customer_id: str, at: datetime) -> ChurnOutcome | None:
    """Recompute one account's cached churn columns inside the caller's transaction;
    a closed account's warning is cleared. ``None`` when there is no such live account."""
    customer = session.get(Customer, customer_id)
    if customer is None or customer.deleted_at is not None:
        return None
    outcome = assess_accounts(session, [customer_id], at)[customer_id]
    _store(customer, outcome if customer.status == OPEN_STATUS else None)
    return outcome


def _store(customer: Customer, outcome: ChurnOutcome | None) -> bool:
    score = 0 if outcome is None else outcome.score
    reasons = [] if outcome is None else reasons_to_json(outcome.reasons)
    if customer.churn_score == score and customer.churn_reasons == reasons:
        return False
    customer.churn_score = score
    customer.churn_reasons = reasons
    return True


class ChurnService:
    """Churn warnings read live from the customer file, and the list's cached score."""

    def __init__(self, engine: Engine, rules: ChurnRules | None = None) -> None:
        self._engine = engine
        self._rules = rules or ChurnRules()

    def assess(self, customer_id: str, at: datetime | None = None) -> ChurnOutcome | None:
        """One account's warning now (or at ``at``); ``None`` for an unknown account."""
        return self.assess_many([customer_id], at).get(customer_id)

    def assess_many(
        self, customer_ids: Iterable[str], at: datetime | None = None
    ) -> dict[str, ChurnOutcome]:
        with read_session(self._engine) as s:
            return assess_accounts(s, customer_ids, at or utcnow(), self._rules)

    def warnings(
        self, actor: Actor, at: datetime | None = None, minimum: ChurnRisk = ChurnRisk.MEDIUM
    ) -> tuple[ChurnOutcome, ...]:
        """Open accounts of the actor's scope at ``minimum`` risk or above, highest first."""
        when = at or utcnow()
        with read_session(self._engine, actor=actor) as s:
            outcomes = scope_warnings(s, actor, when, self._rules, minimum)
        return tuple(outcomes)

    def refresh_all(
        self,
        *,
        at: datetime | None = None,
        progress: Progress | None = None,
        cancel: CancelCheck | None = None,
    ) -> int:
        """Recompute the cached churn columns of every open account; returns how many
        changed. Hazard: a cancel keeps the chunks already written."""
        when = at or utcnow()
        with read_session(self._engine) as s:
            total = s.execute(
                select(func.count())
                .select_from(Customer)
                .where(Customer.deleted_at.is_(None), Customer.status == OPEN_STATUS)
            ).scalar_one()
        done = changed = 0
        last_id = ""
        while True:
            check_cancel(cancel)
            with write_session(self._engine) as s:
                customers = list(
                    s.scalars(
                        select(Customer)
                        .where(
                            Customer.deleted_at.is_(None),
                            Customer.status == OPEN_STATUS,
                            Customer.id > last_id,
                        )
                        .order_by(Customer.id)
                        .limit(REFRESH_CHUNK)
                    )
                )
                if not customers:
                    break
                outcomes = assess_accounts(s, [c.id for c in customers], when, self._rules)
                changed += sum(1 for c in customers if _store(c, outcomes[c.id]))
                last_id = customers[-1].id
            done += len(customers)
            if progress is not None:
                progress(
                    done, total, tr("Checked {done} of {total} accounts", done=done, total=total)
                )
        return changed


RISK_ORDER = (ChurnRisk.LOW, ChurnRisk.MEDIUM, ChurnRisk.HIGH)


def scope_warnings(
    session: Session, actor: Actor, at: datetime, rules: ChurnRules, minimum: ChurnRisk
) -> list[ChurnOutcome]:
    """Warnings of the actor's open accounts, highest score first (ties by id)."""
    ids = session.scalars(
        select(Customer.id).where(account_scope(actor), Customer.status == OPEN_STATUS)
    ).all()
    floor = RISK_ORDER.index(minimum)
    found = [
        o
        for o in assess_accounts(session, ids, at, rules).values()
        if RISK_ORDER.index(o.risk) >= floor
    ]
    return sorted(found, key=lambda o: (-o.score, o.customer_id))
