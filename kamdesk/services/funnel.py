"""Sales funnel and demand forecasts.

Opportunities belong to an account of the actor's scope (:mod:`scope`) and move only
as :func:`check_transition` allows. Forecasts: account managers (and industry
managers, for what they submit upwards) enter a quantity of demand forms per product
for a month or a quarter — one row per person, product, period and start month,
changed in place until submitted again; :meth:`FunnelService.rollup` sums the
account managers' forecasts of an industry group (the whole branch for a leader) per
product and month.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from kamdesk.db.models import Customer, DemandForecast, Opportunity, Product, Staff
from kamdesk.domain.clock import utcnow
from kamdesk.domain.customers.funnel import (
    OPEN_STAGES,
    ForecastPeriod,
    Stage,
    check_forecast,
    check_transition,
)
from kamdesk.domain.workorders.vocabulary import Role
from kamdesk.errors import KamdeskError, define
from kamdesk.i18n import N_
from kamdesk.services.actor import Actor
from kamdesk.services.scope import BRANCH_WIDE_ROLES, account_scope
from kamdesk.services.uow import read_session, write_session

define(
    {
        "funnel.account_not_yours": N_(
            "This account is not among yours, so you cannot record its opportunities"
        ),
        "funnel.not_found": N_("The opportunity no longer exists"),
        "funnel.title_required": N_("Give the opportunity a title"),
        "forecast.not_allowed": N_(
            "Only account managers and industry managers enter demand forecasts"
        ),
        "forecast.unknown_product": N_("The product of the forecast is not in the catalogue"),
        "forecast.rollup_not_allowed": N_(
            "The roll-up of forecasts is for industry managers and the department leader"
        ),
    }
)

FORECAST_ROLES = frozenset({Role.AM.value, Role.INDUSTRY_MANAGER.value})


@dataclass(frozen=True)
class OpportunityView:
    id: str
    customer_id: str
    customer_name: str
    owner_id: str | None
    product_id: str | None
    title: str
    stage: Stage
    expected_value: Decimal
    expected_close: date | None
    stage_changed_at: datetime


@dataclass(frozen=True)
class StageTotal:
    stage: Stage
    count: int
    expected_value: Decimal


@dataclass(frozen=True)
class ForecastView:
    id: str
    product_id: str
    period: ForecastPeriod
    month: date
    quantity: int
    submitted_at: datetime | None


@dataclass(frozen=True)
class ForecastTotal:
    product_id: str
    product_code: str
    product_name: str
    month: date
    quantity: Decimal
    forecasters: int  # account managers with a forecast in the sum


def _view(row: Opportunity, customer_name: str) -> OpportunityView:
    return OpportunityView(
        id=row.id,
        customer_id=row.customer_id,
        customer_name=customer_name,
        owner_id=row.owner_id,
        product_id=row.product_id,
        title=row.title,
        stage=Stage(row.stage),
        expected_value=row.expected_value,
        expected_close=row.expected_close,
        stage_changed_at=row.stage_changed_at,
    )


def _forecast_view(row: DemandForecast) -> ForecastView:
    return ForecastView(
        row.id,
        row.product_id,
        ForecastPeriod(row.period),
        row.month,
        row.quantity,
        row.submitted_at,
    )


def _account_name(session: Session, actor: Actor, customer_id: str) -> str:
    name = session.execute(
        select(Customer.name).where(account_scope(actor), Customer.id == customer_id)
    ).scalar()
    if name is None:
        raise KamdeskError("funnel.account_not_yours")
    return name


class FunnelService:
    """Opportunities through the funnel, and demand forecasts with their roll-up."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    # --- opportunities -------------------------------------------------------------

    def create_opportunity(
        self,
        actor: Actor,
        customer_id: str,
        title: str,
        *,
        product_id: str | None = None,
        expected_value: Decimal = Decimal("0.00"),
        expected_close: date | None = None,
        at: datetime | None = None,
    ) -> OpportunityView:
        """A new opportunity at the lead stage, owned by the actor."""
        if not title.strip():
            raise KamdeskError("funnel.title_required")
        with write_session(self._engine, actor=actor) as s:
            name = _account_name(s, actor, customer_id)
            row = Opportunity(
                customer_id=customer_id,
                owner_id=actor.staff_id,
                product_id=product_id,
                title=title.strip(),
                stage=Stage.LEAD.value,
                expected_value=expected_value,
                expected_close=expected_close,
                stage_changed_at=at or utcnow(),
            )
            s.add(row)
            s.flush()
            return _view(row, name)

    def move(
        self, actor: Actor, opportunity_id: str, stage: Stage, at: datetime | None = None
    ) -> OpportunityView:
        """Move the opportunity to ``stage``; refused unless the funnel allows it."""
        with write_session(self._engine, actor=actor) as s:
            row = s.get(Opportunity, opportunity_id)
            if row is None or row.deleted_at is not None:
                raise KamdeskError("funnel.not_found")
            name = _account_name(s, actor, row.customer_id)
            check_transition(Stage(row.stage), stage)
            row.stage = stage.value
            row.stage_changed_at = at or utcnow()
            s.flush()
            return _view(row, name)

    def opportunities(
        self, actor: Actor, customer_id: str | None = None, *, open_only: bool = False
    ) -> tuple[OpportunityView, ...]:
        """The actor's scope's opportunities (of one account if given), newest first."""
        query = (
            select(Opportunity, Customer.name)
            .join(Customer, Customer.id == Opportunity.customer_id)
            .where(account_scope(actor), Opportunity.deleted_at.is_(None))
            .order_by(Opportunity.stage_changed_at.desc(), Opportunity.id)
        )
        if customer_id is not None:
            query = query.where(Opportunity.customer_id == customer_id)
        if open_only:
            query = query.where(Opportunity.stage.in_([s.value for s in OPEN_STAGES]))
        with read_session(self._engine, actor=actor) as s:
            return tuple(_view(row, name) for row, name in s.execute(query).tuples())

    def funnel(self, actor: Actor) -> tuple[StageTotal, ...]:
        """Count and expected value per stage over the actor's scope, every stage listed."""
        with read_session(self._engine, actor=actor) as s:
            rows = s.execute(
                select(Opportunity.stage, func.count(), func.sum(Opportunity.expected_value))
                .join(Customer, Customer.id == Opportunity.customer_id)
                .where(account_scope(actor), Opportunity.deleted_at.is_(None))
                .group_by(Opportunity.stage)
            ).tuples()
            found = {stage: (int(n), value) for stage, n, value in rows}
        return tuple(
            StageTotal(
                stage,
                found.get(stage.value, (0, None))[0],
                found.get(stage.value, (0, None))[1] or Decimal("0.00"),
            )
            for stage in Stage
        )

    # --- forecasts -----------------------------------------------------------------

    def enter_forecast(
        self,
        actor: Actor,
        product_id: str,
        period: ForecastPeriod,
        month: date,
        quantity: int,
    ) -> ForecastView:
        """Set the actor's forecast for one product and period; it stays unsubmitted
        (``submitted_at`` empty) until :meth:`submit_forecasts`."""
        if actor.role not in FORECAST_ROLES:
            raise KamdeskError("forecast.not_allowed")
        check_forecast(period, month, quantity)
        with write_session(self._engine, actor=actor) as s:
            if s.get(Product, product_id) is None:
                raise KamdeskError("forecast.unknown_product")
            row = s.scalars(
                select(DemandForecast).where(
                    DemandForecast.owner_id == actor.staff_id,
                    DemandForecast.product_id == product_id,
                    DemandForecast.period == period.value,
                    DemandForecast.month == month,
                    DemandForecast.deleted_at.is_(None),
                )
            ).first()
            if row is None:
                row = DemandForecast(
                    branch_id=actor.branch_id,
                    owner_id=actor.staff_id,
                    industry_group_id=actor.industry_group_id,
                    product_id=product_id,
                    period=period.value,
                    month=month,
                    quantity=quantity,
                )
                s.add(row)
            elif row.quantity != quantity:
                row.quantity = quantity
                row.submitted_at = None
            s.flush()
            return _forecast_view(row)

    def submit_forecasts(
        self, actor: Actor, period: ForecastPeriod, month: date, at: datetime | None = None
    ) -> int:
        """Mark the actor's unsubmitted forecasts of that period as submitted; returns how many."""
        with write_session(self._engine, actor=actor) as s:
            rows = s.scalars(
                select(DemandForecast).where(
                    DemandForecast.owner_id == actor.staff_id,
                    DemandForecast.period == period.value,
                    DemandForecast.month == month,
                    DemandForecast.submitted_at.is_(None),
                    DemandForecast.deleted_at.is_(None),
                )
            ).all()
            when = at or utcnow()
            for row in rows:
                row.submitted_at = when
            return len(rows)

    def my_forecasts(
        self, actor: Actor, period: ForecastPeriod, first_month: date, last_month: date
    ) -> tuple[ForecastView, ...]:
        with read_session(self._engine, actor=actor) as s:
            rows = s.scalars(
                select(DemandForecast)
                .where(
                    DemandForecast.owner_id == actor.staff_id,
                    DemandForecast.period == period.value,
                    DemandForecast.month >= first_month,
                    DemandForecast.month <= last_month,
                    DemandForecast.deleted_at.is_(None),
                )
                .order_by(DemandForecast.month, DemandForecast.product_id)
            )
            return tuple(_forecast_view(row) for row in rows)

    def rollup(
        self,
        actor: Actor,
        period: ForecastPeriod,
        first_month: date,
        last_month: date,
        *,
        industry_group_id: str | None = None,
    ) -> tuple[ForecastTotal, ...]:
        """Sum of the account managers' forecasts per product and month, ordered by
        month then product code.

        An industry manager sees their own group; a leader or admin the whole branch,
        or one group when ``industry_group_id`` is given. Others are refused.
        """
        group = _rollup_group(actor, industry_group_id)
        query = (
            select(
                Product.id,
                Product.code,
                Product.name,
                DemandForecast.month,
                func.sum(DemandForecast.quantity),
                func.count(func.distinct(DemandForecast.owner_id)),
            )
            .join(Product, Product.id == DemandForecast.product_id)
            .join(Staff, Staff.id == DemandForecast.owner_id)
            .where(
                Staff.role == Role.AM.value,
                DemandForecast.branch_id == actor.branch_id,
                DemandForecast.period == period.value,
                DemandForecast.month >= first_month,
                DemandForecast.month <= last_month,
                DemandForecast.deleted_at.is_(None),
            )
            .group_by(Product.id, Product.code, Product.name, DemandForecast.month)
            .order_by(DemandForecast.month, Product.code)
        )
        if group is not None:
            query = query.where(DemandForecast.industry_group_id == group)
        with read_session(self._engine, actor=actor) as s:
            rows: Iterable[tuple[str, str, str, date, int, int]] = s.execute(query).tuples()
            return tuple(
                ForecastTotal(pid, code, name, month, Decimal(int(total or 0)), int(people))
                for pid, code, name, month, total, people in rows
            )


def _rollup_group(actor: Actor, asked: str | None) -> str | None:
    if actor.role in BRANCH_WIDE_ROLES:
        return asked
    if actor.role == Role.INDUSTRY_MANAGER.value and actor.industry_group_id is not None:
        return actor.industry_group_id
    raise KamdeskError("forecast.rollup_not_allowed")
