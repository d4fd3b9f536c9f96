"""A :class:`CustomerFilter` as SQL: the WHERE conditions and the ORDER BY.

Everything here reads only columns of ``ix_customers_list`` (plus the joined name for
the two sorts by a related name), so a filtered list is one scan of that index.

Visit state in SQL mirrors :func:`kamdesk.domain.customers.visits.visit_status`: an
account's interval runs from its last done visit (``last_visit_at``, the cache the
visit services keep) or, never visited, from the day it was opened. With ``L`` that
local day, ``I`` the grade's interval and ``S`` the due-soon days, on ``today``:
overdue ⇔ ``L < today − I``; due soon ⇔ ``today − I ≤ L ≤ today − I + S``; ok
otherwise. A local day ``L < D`` is the instant ``< 00:00 of D`` in Shanghai.

Churn risk reads the stored ``churn_score`` (kept by the churn services; seed data
computes it with :func:`kamdesk.domain.customers.churn.assess_churn`) against the
thresholds of :class:`~kamdesk.domain.customers.churn.ChurnRules`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    SQLColumnExpression,
    and_,
    asc,
    case,
    desc,
    func,
    or_,
)

from kamdesk.db.models import Customer, IndustryGroup, Staff
from kamdesk.domain.clock import start_of_day
from kamdesk.domain.customers.churn import ChurnRisk, ChurnRules
from kamdesk.domain.customers.classification import AccountLevel, Grade, KeyAccountCategory
from kamdesk.domain.customers.visits import (
    DEFAULT_DUE_SOON_DAYS,
    DEFAULT_VISIT_INTERVAL_DAYS,
    VisitState,
)
from kamdesk.services.customers_query.filters import AccountStatus, CustomerFilter, SortKey
from kamdesk.services.customers_query.text_search import PeopleResolver, search_condition


@dataclass(frozen=True)
class ListRules:
    """The service rules the list's filters use (HQ reference data may change them)."""

    visit_intervals: Mapping[Grade, int] = field(
        default_factory=lambda: DEFAULT_VISIT_INTERVAL_DAYS
    )
    due_soon_days: int = DEFAULT_DUE_SOON_DAYS
    churn: ChurnRules = field(default_factory=ChurnRules)


def where(
    query: CustomerFilter,
    today: date,
    rules: ListRules,
    *,
    people_phones: bool = True,
    resolve: PeopleResolver | None = None,
) -> list[ColumnElement[bool]]:
    """Every condition ``query`` puts on ``customers`` (all must hold); the search
    matches key persons' phones only with ``people_phones`` (``resolve``: see
    :func:`.text_search.search_condition`)."""
    found: list[ColumnElement[bool]] = [Customer.deleted_at.is_(None)]
    if query.status is AccountStatus.ALL:
        found.append(Customer.status.in_((AccountStatus.ACTIVE.value, AccountStatus.LEFT.value)))
    else:
        found.append(Customer.status == query.status.value)
    for column, value in (
        (Customer.grade, query.grade),
        (Customer.category, query.category),
        (Customer.level, query.level),
        (Customer.industry_group_id, query.industry_group_id),
        (Customer.owner_id, query.owner_id),
    ):
        if value is not None:
            found.append(column == value)
    if query.churn_risk is not None:
        found.append(_churn_condition(query.churn_risk, rules.churn))
    if query.visit is not None:
        found.append(_visit_condition(query.visit, today, rules))
    text = search_condition(query.text, people_phones=people_phones, resolve=resolve)
    if text is not None:
        found.append(text)
    return found


def _churn_condition(risk: ChurnRisk, rules: ChurnRules) -> ColumnElement[bool]:
    score = Customer.churn_score
    if risk is ChurnRisk.HIGH:
        return score >= rules.high_from
    if risk is ChurnRisk.MEDIUM:
        return and_(score >= rules.medium_from, score < rules.high_from)
    return score < rules.medium_from


def _visit_condition(state: VisitState, today: date, rules: ListRules) -> ColumnElement[bool]:
    start = func.coalesce(Customer.last_visit_at, Customer.opened_at)
    per_grade: list[ColumnElement[bool]] = []
    for grade, interval in rules.visit_intervals.items():
        # Local days: overdue before ``first_on_time``, due soon up to ``first_ok - 1``.
        first_on_time = start_of_day(today - timedelta(days=interval))
        first_ok = start_of_day(today - timedelta(days=interval - rules.due_soon_days - 1))
        if state is VisitState.OVERDUE:
            test = start < first_on_time
        elif state is VisitState.DUE_SOON:
            test = and_(start >= first_on_time, start < first_ok)
        else:
            test = start >= first_ok
        per_grade.append(and_(Customer.grade == grade.value, test))
    return or_(*per_grade)


def _rank(column: SQLColumnExpression[str], values: tuple[str, ...]) -> ColumnElement[int]:
    """Position of the stored value in the vocabulary's order; unknown values last."""
    return case({v: i for i, v in enumerate(values)}, value=column, else_=len(values))


def ordered(select_ids: Select[tuple[str]], query: CustomerFilter) -> Select[tuple[str]]:
    """``select_ids`` sorted by ``query.sort``; ties by name, then id, ascending."""
    keys: list[SQLColumnExpression[Any]] = []
    if query.sort is SortKey.INDUSTRY_GROUP:
        select_ids = select_ids.outerjoin(
            IndustryGroup, IndustryGroup.id == Customer.industry_group_id
        )
        keys = [IndustryGroup.sort_order, IndustryGroup.name]
    elif query.sort is SortKey.OWNER:
        select_ids = select_ids.outerjoin(Staff, Staff.id == Customer.owner_id)
        keys = [Staff.name]
    elif query.sort is not SortKey.NAME:
        keys = [_SORT_COLUMNS[query.sort]]
    direction = desc if query.descending else asc
    ties = direction if query.sort is SortKey.NAME else asc
    return select_ids.order_by(
        *(direction(k) for k in keys), ties(Customer.name_key), ties(Customer.id)
    )


_SORT_COLUMNS: dict[SortKey, SQLColumnExpression[Any]] = {
    SortKey.CREDIT_CODE: Customer.credit_code,
    SortKey.GRADE: Customer.grade,
    SortKey.CATEGORY: _rank(Customer.category, tuple(KeyAccountCategory)),
    SortKey.LEVEL: _rank(Customer.level, tuple(AccountLevel)),
    SortKey.LAST_VISIT: Customer.last_visit_at,
    SortKey.CHURN: Customer.churn_score,
    SortKey.MONTHLY_SPEND: Customer.monthly_spend,
}
