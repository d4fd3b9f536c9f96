"""The customer list (客户档案列表) over any number of accounts: count, ordered ids, rows.

The list works on an *id snapshot*: :meth:`CustomerListService.ordered_ids` returns the
ids of every account matching a :class:`CustomerFilter`, sorted in SQL; the table
then asks :meth:`CustomerListService.rows` for the handful of rows on screen. The
row count is therefore exact and any row (the last one too) costs one small query.

Every public method is one read-only unit of work (its own session), safe on any
thread. Filters, search and sort are described in
:mod:`kamdesk.services.customers_query`. Given an ``actor`` (the UI always gives the
signed-in one), every answer holds only the accounts that person may read
(:mod:`kamdesk.services.scope`), and the search finds accounts by a key person's
phone only for readers of contacts (:mod:`kamdesk.services.personal_data`); without
one it is the system's view of every account.

Hazards: a snapshot is not live — accounts added, changed or deleted afterwards show
up at the next query; :meth:`rows` leaves out ids that no longer exist. The visit
state in a row is computed for "today" of the service's clock, like the filter.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, Select, func, select
from sqlalchemy.orm import Session

from kamdesk.db.models import Customer, IndustryGroup, Staff
from kamdesk.domain.clock import local, utcnow
from kamdesk.domain.customers.churn import ChurnRisk
from kamdesk.domain.customers.classification import Grade
from kamdesk.domain.customers.visits import VisitStatus, visit_status
from kamdesk.services.actor import Actor
from kamdesk.services.customers_query.conditions import ListRules, ordered, where
from kamdesk.services.customers_query.filters import (
    AccountStatus,
    CustomerFilter,
    SortKey,
)
from kamdesk.services.personal_data import may_read_contacts
from kamdesk.services.scope import scoped
from kamdesk.services.uow import read_session

__all__ = [
    "AccountStatus",
    "Choice",
    "CustomerFilter",
    "CustomerListService",
    "CustomerRow",
    "ListChoices",
    "ListRules",
    "ListSnapshot",
    "SortKey",
]

ROWS_PER_QUERY = 500
"""Ids per ``IN (...)`` when reading rows (well under SQLite's variable limit)."""


@dataclass(frozen=True)
class CustomerRow:
    """One line of the list. ``visit`` is None only for a grade outside A/B/C."""

    id: str
    name: str
    credit_code: str
    grade: str
    category: str
    level: str
    industry_group: str
    owner: str
    phone: str
    status: str
    last_visit_on: date | None
    visit: VisitStatus | None
    churn_score: int
    churn_risk: ChurnRisk
    monthly_spend: Decimal


@dataclass(frozen=True)
class ListSnapshot:
    """The ordered ids of one query and the rows of its first ids, read together."""

    query: CustomerFilter
    ids: list[str]
    first_rows: list[CustomerRow]


@dataclass(frozen=True)
class Choice:
    id: str
    name: str


@dataclass(frozen=True)
class ListChoices:
    """What the filter boxes offer: industry groups in their order, owners by name."""

    industry_groups: list[Choice]
    owners: list[Choice]


def _local_today() -> date:
    return local(utcnow()).date()


class CustomerListService:
    """Counts, id snapshots and rows of the customer list; read-only."""

    def __init__(
        self,
        engine: Engine,
        *,
        today: Callable[[], date] = _local_today,
        rules: ListRules | None = None,
    ) -> None:
        self._engine = engine
        self._today = today
        self._rules = rules or ListRules()

    def count(self, query: CustomerFilter, *, actor: Actor | None = None) -> int:
        """How many accounts match ``query`` (its sort is ignored)."""
        with read_session(self._engine, actor=actor) as s:
            conditions = self._where(s, query, actor)
            return int(
                s.execute(
                    select(func.count()).select_from(Customer).where(*conditions)
                ).scalar_one()
            )

    def ordered_ids(self, query: CustomerFilter, *, actor: Actor | None = None) -> list[str]:
        """The id of every matching account, in the order of ``query.sort``."""
        with read_session(self._engine, actor=actor) as s:
            return self._ids(s, query, actor)

    def rows(self, ids: Sequence[str], *, actor: Actor | None = None) -> list[CustomerRow]:
        """The rows of ``ids`` in the same order; ids that no longer exist, or that
        ``actor`` may not read, are left out."""
        with read_session(self._engine, actor=actor) as s:
            return self._rows(s, ids)

    def snapshot(
        self, query: CustomerFilter, first: int, *, actor: Actor | None = None
    ) -> ListSnapshot:
        """:meth:`ordered_ids` and the rows of the first ``first`` ids, in one transaction."""
        with read_session(self._engine, actor=actor) as s, s.begin():
            ids = self._ids(s, query, actor)
            return ListSnapshot(query, ids, self._rows(s, ids[:first]))

    def choices(self, *, actor: Actor | None = None) -> ListChoices:
        """Live industry groups, and the staff who own at least one live account that
        ``actor`` may read."""
        with read_session(self._engine, actor=actor) as s:
            groups = s.execute(
                select(IndustryGroup.id, IndustryGroup.name)
                .where(IndustryGroup.deleted_at.is_(None))
                .order_by(IndustryGroup.sort_order, IndustryGroup.name)
            ).all()
            owning = select(Customer.owner_id).where(Customer.owner_id.is_not(None)).distinct()
            owners = s.execute(
                select(Staff.id, Staff.name)
                .where(Staff.id.in_(owning), Staff.deleted_at.is_(None))
                .order_by(Staff.name, Staff.id)
            ).all()
        return ListChoices(
            industry_groups=[Choice(g.id, g.name) for g in groups],
            owners=[Choice(o.id, o.name) for o in owners],
        )

    # --- inside one session ---------------------------------------------------------

    def _where(self, s: Session, query: CustomerFilter, actor: Actor | None) -> list[Any]:
        people_phones = actor is None or may_read_contacts(actor)

        def resolve(people: Select[tuple[str]]) -> list[str]:
            return list(s.scalars(people))

        return where(
            query, self._today(), self._rules, people_phones=people_phones, resolve=resolve
        )

    def _ids(self, s: Session, query: CustomerFilter, actor: Actor | None) -> list[str]:
        conditions = self._where(s, query, actor)
        statement = ordered(select(Customer.id).where(*conditions), query)
        # 100k ids: SQLAlchemy binds the parameters, the DBAPI cursor hands back the
        # plain strings (a Row per id would cost three times the query itself). The
        # connection never sees the session's record rules: they travel with the query.
        result = s.connection().execute(scoped(statement, actor))
        try:
            return [row_id for (row_id,) in result.cursor.fetchall()]
        finally:
            result.close()

    def _rows(self, s: Session, ids: Sequence[str]) -> list[CustomerRow]:
        today = self._today()
        found: dict[str, CustomerRow] = {}
        for start in range(0, len(ids), ROWS_PER_QUERY):
            chunk = ids[start : start + ROWS_PER_QUERY]
            result = s.execute(
                select(
                    Customer.id,
                    Customer.name,
                    Customer.credit_code,
                    Customer.grade,
                    Customer.category,
                    Customer.level,
                    IndustryGroup.name.label("group_name"),
                    Staff.name.label("owner_name"),
                    Customer.phone,
                    Customer.status,
                    Customer.last_visit_at,
                    Customer.opened_at,
                    Customer.churn_score,
                    Customer.monthly_spend,
                )
                .outerjoin(IndustryGroup, IndustryGroup.id == Customer.industry_group_id)
                .outerjoin(Staff, Staff.id == Customer.owner_id)
                .where(Customer.id.in_(chunk))
            )
            for r in result:
                found[r.id] = CustomerRow(
                    id=r.id,
                    name=r.name,
                    credit_code=r.credit_code,
                    grade=r.grade,
                    category=r.category,
                    level=r.level,
                    industry_group=r.group_name or "",
                    owner=r.owner_name or "",
                    phone=r.phone,
                    status=r.status,
                    last_visit_on=_local_day(r.last_visit_at),
                    visit=self._visit(r.grade, r.last_visit_at, r.opened_at, today),
                    churn_score=r.churn_score,
                    churn_risk=self._risk(r.churn_score),
                    monthly_spend=r.monthly_spend,
                )
        return [found[i] for i in ids if i in found]

    def _visit(
        self, grade: str, last_visit: datetime | None, opened: datetime, today: date
    ) -> VisitStatus | None:
        try:
            known = Grade(grade)
        except ValueError:
            return None
        intervals = self._rules.visit_intervals
        if known not in intervals:
            return None
        return visit_status(
            _local_day(last_visit),
            known,
            today,
            since=_local_day(opened),
            intervals=intervals,
            due_soon_days=self._rules.due_soon_days,
        )

    def _risk(self, score: int) -> ChurnRisk:
        rules = self._rules.churn
        if score >= rules.high_from:
            return ChurnRisk.HIGH
        if score >= rules.medium_from:
            return ChurnRisk.MEDIUM
        return ChurnRisk.LOW


def _local_day(instant: datetime | None) -> date | None:
    return None if instant is None else local(instant).date()
