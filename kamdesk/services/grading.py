"""Grading of accounts under the rules HQ published: category, level, grade and reasons.

:func:`regrade` works inside the caller's unit of work, so a customer-file edit and
the grade it implies commit together. :class:`GradingService` regrades every open
account (after HQ published new rules) in chunks, each its own transaction.

The inputs come from the customer file:

- industry group: the code of the account's ``industry_groups`` row (the keys of the
  rules' ``industry_scores``); the group whose code is ``party_government_military``
  marks a party, government or military body;
- monthly spend: the mean of the billed months among the last three complete local
  months before ``at`` (``revenue_months``, truncated to the fen as the demo data
  is); with no bill in those months, the spend recorded on the file counts;
- strategic: the file's HQ-strategic flag; growth: ``growth_potential`` 1-2 low,
  3 medium, 4-5 high;
- group scope and level: a group customer (``is_group``) of national level is a
  national group, any other group customer a provincial one; a national account that
  is not a group is on HQ's top-500 list. Level is thus kept, never guessed;
- large for the area: the branch's judgement already on the file (an account it
  keeps as a key account of any kind stays at least a local key account).

Rules: the published ``grading_rule_sets`` row of the highest version effective on
``at``'s local day; without one, KAMDesk's defaults (version 0).

Guarantees: an account is only written when a stored value differs (no needless
sync traffic); a ``grade_history`` row is appended when the grade or category
changes, or when the account has no history yet. Closed (离网) and deleted accounts
are never regraded.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_DOWN, Decimal

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from kamdesk.db.models import (
    Customer,
    GradeHistory,
    GradingRuleSet,
    IndustryGroup,
    RevenueMonth,
)
from kamdesk.domain.clock import local, utcnow
from kamdesk.domain.customers.classification import (
    AccountLevel,
    Grade,
    GroupScope,
    GrowthPotential,
    KeyAccountCategory,
)
from kamdesk.domain.customers.grading import GradingInputs, grade
from kamdesk.domain.customers.grading_rules import DEFAULT_GRADING_RULES, GradingRules
from kamdesk.domain.customers.reasons import Reason
from kamdesk.domain.progress import CancelCheck, Progress, check_cancel
from kamdesk.i18n import tr
from kamdesk.services.actor import Actor
from kamdesk.services.reason_json import reasons_from_json, reasons_to_json
from kamdesk.services.redo_marks import due_mark, mark_done
from kamdesk.services.uow import read_session, write_session

PARTY_GOVERNMENT_MILITARY_GROUP = KeyAccountCategory.PARTY_GOVERNMENT_MILITARY.value
"""Industry-group code of party, government and military bodies."""
SPEND_MONTHS = 3
CHUNK = 1_000
REGRADED_FOR = "grading.regraded_for"
"""Setting: :func:`regrade_mark` of the last complete :meth:`GradingService.regrade_all`."""
OPEN_STATUS = "active"
FEN = Decimal("0.01")


@dataclass(frozen=True)
class GradeOutcome:
    """An account's grading after :func:`regrade`; ``previous_*`` are the stored values
    before it (empty text for an account never graded)."""

    customer_id: str
    category: KeyAccountCategory
    level: AccountLevel
    grade: Grade
    score: Decimal
    monthly_spend: Decimal
    reasons: tuple[Reason, ...]
    rule_version: int
    previous_grade: str
    previous_category: str

    @property
    def changed(self) -> bool:
        """The grade or the category differs from before."""
        return (self.grade.value, self.category.value) != (
            self.previous_grade,
            self.previous_category,
        )


@dataclass(frozen=True)
class PublishedRules:
    rules: GradingRules
    version: int  # grading_rule_sets.version; 0 for KAMDesk's defaults


@dataclass(frozen=True)
class RegradeSummary:
    accounts: int
    changed: int  # grade or category changed
    rule_version: int


@dataclass(frozen=True)
class GradeHistoryEntry:
    computed_at: datetime
    grade: str
    category: str
    score: Decimal
    rule_version: int
    reasons: tuple[Reason, ...]


def published_rules(session: Session, at: datetime) -> PublishedRules:
    """The rules in force on ``at``'s local day (see the module docstring)."""
    row = session.execute(
        select(GradingRuleSet.version, GradingRuleSet.rules)
        .where(GradingRuleSet.deleted_at.is_(None))
        .where(GradingRuleSet.effective_from <= local(at).date())
        .order_by(GradingRuleSet.version.desc())
        .limit(1)
    ).first()
    if row is None:
        return PublishedRules(GradingRules.from_dict(DEFAULT_GRADING_RULES), 0)
    return PublishedRules(GradingRules.from_dict(row.rules), int(row.version))


def regrade_mark(session: Session, at: datetime) -> str:
    """What a complete regrade on ``at`` was done for: the version of the rules in
    force and the local month (``"3@2026-11"``)."""
    version = published_rules(session, at).version
    return f"{version}@{local(at):%Y-%m}"


def regrade(session: Session, customer_id: str, at: datetime) -> GradeOutcome | None:
    """Grade one account inside the caller's transaction (nothing is committed here).

    Returns ``None`` when there is no open, live account with that id.
    """
    customer = session.get(Customer, customer_id)
    if customer is None or customer.deleted_at is not None or customer.status != OPEN_STATUS:
        return None
    outcomes = BatchRegrader(session, at).apply([customer])
    return outcomes[0]


class BatchRegrader:
    """Grades a batch of accounts with one set of rules and one look-up per table."""

    def __init__(self, session: Session, at: datetime) -> None:
        self.session = session
        self.at = at
        self.published = published_rules(session, at)
        self.groups = {
            row.id: (row.code, row.name)
            for row in session.execute(
                select(IndustryGroup.id, IndustryGroup.code, IndustryGroup.name)
            )
        }

    def apply(self, customers: Sequence[Customer]) -> list[GradeOutcome]:
        ids = [c.id for c in customers]
        spends = billed_monthly_spend(self.session, ids, self.at)
        graded = set(
            self.session.scalars(
                select(GradeHistory.customer_id)
                .where(GradeHistory.customer_id.in_(ids), GradeHistory.deleted_at.is_(None))
                .distinct()
            )
        )
        return [self._one(c, spends.get(c.id), c.id in graded) for c in customers]

    def _one(self, customer: Customer, billed: Decimal | None, has_history: bool) -> GradeOutcome:
        code, name = self.groups.get(customer.industry_group_id or "", ("", ""))
        spend = billed if billed is not None else customer.monthly_spend
        result = grade(_inputs(customer, code, name, spend), self.published.rules)
        outcome = GradeOutcome(
            customer_id=customer.id,
            category=result.category,
            level=result.level,
            grade=result.grade,
            score=result.score,
            monthly_spend=spend,
            reasons=result.reasons,
            rule_version=self.published.version,
            previous_grade=customer.grade or "",
            previous_category=customer.category or "",
        )
        stored_reasons = reasons_to_json(result.reasons)
        wanted = {
            "category": result.category.value,
            "level": result.level.value,
            "grade": result.grade.value,
            "grade_score": float(result.score),
            "grade_reasons": stored_reasons,
            "monthly_spend": spend,
        }
        for attribute, value in wanted.items():
            if getattr(customer, attribute) != value:
                setattr(customer, attribute, value)
        if outcome.changed or not has_history:
            self.session.add(
                GradeHistory(
                    customer_id=customer.id,
                    grade=result.grade.value,
                    category=result.category.value,
                    score=float(result.score),
                    reasons=stored_reasons,
                    rule_version=self.published.version,
                    computed_at=self.at,
                )
            )
        return outcome


def _inputs(customer: Customer, code: str, name: str, spend: Decimal) -> GradingInputs:
    scope = GroupScope.NONE
    if customer.is_group:
        national = customer.level == AccountLevel.NATIONAL.value
        scope = GroupScope.NATIONAL if national else GroupScope.PROVINCIAL
    return GradingInputs(
        industry_group=code,
        industry_name=name,
        monthly_spend=spend,
        party_government_military=code == PARTY_GOVERNMENT_MILITARY_GROUP,
        group_scope=scope,
        hq_strategic=bool(customer.strategic),
        national_top500=(not customer.is_group and customer.level == AccountLevel.NATIONAL.value),
        large_for_area=bool(customer.category)
        and customer.category != KeyAccountCategory.NOT_KEY.value,
        growth_potential=growth_of(customer.growth_potential),
    )


def growth_of(level: int | None) -> GrowthPotential:
    """``customers.growth_potential`` (1-5) as the engine's low / medium / high."""
    value = 3 if level is None else level
    if value <= 2:
        return GrowthPotential.LOW
    if value >= 4:
        return GrowthPotential.HIGH
    return GrowthPotential.MEDIUM


def month_start(day: date, months_back: int = 0) -> date:
    """The first day of ``day``'s month, ``months_back`` months earlier."""
    index = day.year * 12 + day.month - 1 - months_back
    return date(index // 12, index % 12 + 1, 1)


def monthly_revenue(
    session: Session, customer_ids: Iterable[str], at: datetime, months: int
) -> dict[str, dict[date, Decimal]]:
    """Billed revenue per account and month for the ``months`` complete local months
    before ``at`` (months without a bill are absent)."""
    ids = list(customer_ids)
    today = local(at).date()
    first, end = month_start(today, months), month_start(today)
    out: dict[str, dict[date, Decimal]] = defaultdict(dict)
    for start in range(0, len(ids), 900):  # below SQLite's bound-parameter limit
        rows = session.execute(
            select(RevenueMonth.customer_id, RevenueMonth.month, func.sum(RevenueMonth.amount))
            .where(RevenueMonth.customer_id.in_(ids[start : start + 900]))
            .where(RevenueMonth.deleted_at.is_(None))
            .where(RevenueMonth.month >= first, RevenueMonth.month < end)
            .group_by(RevenueMonth.customer_id, RevenueMonth.month)
        )
        for customer_id, month, amount in rows:
            if amount is not None and amount > 0:
                out[customer_id][month] = Decimal(amount)
    return out


def billed_monthly_spend(
    session: Session, customer_ids: Sequence[str], at: datetime
) -> dict[str, Decimal]:
    """Mean billed month over the last three complete months, for the accounts billed."""
    return {
        customer_id: (sum(by_month.values(), Decimal(0)) / len(by_month)).quantize(
            FEN, rounding=ROUND_DOWN
        )
        for customer_id, by_month in monthly_revenue(
            session, customer_ids, at, SPEND_MONTHS
        ).items()
        if by_month
    }


class GradingService:
    """Regrading many accounts, and reading an account's grade history."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def regrade_all(
        self,
        *,
        at: datetime | None = None,
        progress: Progress | None = None,
        cancel: CancelCheck | None = None,
    ) -> RegradeSummary:
        """Regrade every open account of the database, :data:`CHUNK` per transaction.

        Hazard: a cancel stops between chunks; the chunks already done stay regraded
        (each is complete, and running again finishes the rest).
        """
        when = at or utcnow()
        open_accounts = (Customer.deleted_at.is_(None), Customer.status == OPEN_STATUS)
        with read_session(self._engine) as s:
            total = s.execute(
                select(func.count()).select_from(Customer).where(*open_accounts)
            ).scalar_one()
        done = changed = 0
        version = 0
        last_id = ""
        while True:
            check_cancel(cancel)
            with write_session(self._engine) as s:
                customers = list(
                    s.scalars(
                        select(Customer)
                        .where(*open_accounts, Customer.id > last_id)
                        .order_by(Customer.id)
                        .limit(CHUNK)
                    )
                )
                if not customers:
                    break
                regrader = BatchRegrader(s, when)
                outcomes = regrader.apply(customers)
                version = regrader.published.version
                last_id = customers[-1].id
            done += len(outcomes)
            changed += sum(1 for o in outcomes if o.changed)
            if progress is not None:
                progress(
                    done, total, tr("Regraded {done} of {total} accounts", done=done, total=total)
                )
        return RegradeSummary(accounts=done, changed=changed, rule_version=version)

    def regrade_if_due(
        self,
        *,
        at: datetime | None = None,
        progress: Progress | None = None,
        cancel: CancelCheck | None = None,
    ) -> RegradeSummary | None:
        """Regrade every open account when the rules in force or the month changed since
        the last complete regrade (an HQ rule set published or come into force; a new
        month moves the billed months the spend is read from); ``None`` when not due.
        The first call on a database only marks it: accounts are graded when written
        (see :mod:`kamdesk.services.redo_marks`).
        """
        when = at or utcnow()
        due = due_mark(self._engine, REGRADED_FOR, lambda s: regrade_mark(s, when))
        if due is None:
            return None
        summary = self.regrade_all(at=when, progress=progress, cancel=cancel)
        mark_done(self._engine, REGRADED_FOR, due)
        return summary

    def history(
        self, customer_id: str, actor: Actor | None = None
    ) -> tuple[GradeHistoryEntry, ...]:
        """The account's gradings, newest first (none when ``actor`` may not read the
        account)."""
        with read_session(self._engine, actor=actor) as s:
            rows = s.execute(
                select(GradeHistory)
                .where(GradeHistory.customer_id == customer_id, GradeHistory.deleted_at.is_(None))
                .order_by(GradeHistory.computed_at.desc(), GradeHistory.id.desc())
            ).scalars()
            return tuple(
                GradeHistoryEntry(
                    computed_at=row.computed_at,
                    grade=row.grade,
                    category=row.category,
                    score=Decimal(str(row.score)).quantize(FEN),
                    rule_version=row.rule_version,
                    reasons=reasons_from_json(row.reasons),
                )
                for row in rows
            )
