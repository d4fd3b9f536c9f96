"""EvaluationService: the monthly evaluation sheets (月度评估表) of one account manager
or of every one the actor may see, each with its incentive and how it was computed.

Sources, all read in one unit of work:
- KPI figures: the KPI engine's figures by AM for the month
  (:func:`kamdesk.services.kpi.service.figures_by_dimension`, as in
  :meth:`KpiService.pack`); R is the person's K14 numerator, the history behind A
  their K14 numerator over the ``history_months`` whole months before the month;
- targets: ``targets`` rows of scope ``am`` for the month (see
  :mod:`kamdesk.domain.evaluation` for the metrics);
- the schedule: the ``incentive_schedules`` row of the highest version effective on
  the month's first day; without one, KAMDesk's defaults (version 0).

The people: staff with the AM role, and anyone the month's AM figures or AM targets
name. Scope: the department leader and the branch admin see every one of the branch,
an industry manager those of their group, an account manager their own sheet; other
roles are refused. Hazard: figures follow the engine's attribution (accounts and
revenue to their *current* owner), so a portfolio handed over mid-year moves its
history with it; a person's history months start at ``hired_on`` when it is known.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, or_, select
from sqlalchemy.orm import Session

from kamdesk.db.models import Branch, IncentiveScheduleSet, IndustryGroup, Staff, Target
from kamdesk.domain.clock import utcnow
from kamdesk.domain.evaluation import (
    INCENTIVE_METRICS,
    METRIC_AVERAGE,
    METRIC_COMMISSION,
    METRIC_QUOTA,
    EvaluationReport,
    IncentiveBasis,
    PersonSheet,
    ScheduleInForce,
    evaluation_lines,
    money,
    person_incentive,
)
from kamdesk.domain.incentive import IncentiveSchedule
from kamdesk.domain.kpi.definitions import KPI_BY_CODE
from kamdesk.domain.kpi.figures import Dimension, Figure, empty_figures
from kamdesk.domain.kpi.period import Period
from kamdesk.domain.progress import CancelCheck, Progress, check_cancel
from kamdesk.domain.workorders.vocabulary import ROLE_LABELS, Role
from kamdesk.errors import KamdeskError, define
from kamdesk.i18n import N_, tr
from kamdesk.services.actor import Actor
from kamdesk.services.kpi.service import figures_by_dimension
from kamdesk.services.report_audit import record_report_export
from kamdesk.services.scope import BRANCH_WIDE_ROLES
from kamdesk.services.uow import read_session

define(
    {
        "evaluation.not_a_month": N_(
            "Evaluation sheets are monthly: choose a month, not {period}."
        ),
        "evaluation.not_allowed": N_("A {role} cannot read evaluation sheets."),
        "evaluation.unknown_person": N_("There is no staff member '{person}' in this branch."),
        "evaluation.not_yours": N_("You may not read the evaluation sheet of {name}."),
        "evaluation.nobody_signed_in": N_("Nobody is signed in: evaluation sheets are personal."),
    }
)

READERS = BRANCH_WIDE_ROLES | {Role.INDUSTRY_MANAGER.value, Role.AM.value}


def _month_start(day: date, back: int) -> date:
    index = day.year * 12 + day.month - 1 - back
    return date(index // 12, index % 12 + 1, 1)


def history_window(period: Period, months: int) -> Period:
    """The ``months`` whole months before ``period``'s month."""
    return Period(_month_start(period.first, months), period.first - timedelta(days=1))


def months_on_staff(window: Period, hired_on: date | None) -> int:
    """Months of ``window`` from the month the person was hired (all when unknown)."""
    first = window.first if hired_on is None else max(window.first, hired_on.replace(day=1))
    if first > window.last:
        return 0
    return (window.last.year - first.year) * 12 + window.last.month - first.month + 1


def schedule_in_force(session: Session, day: date) -> ScheduleInForce:
    """The published schedule of the highest version effective on ``day``."""
    row = session.execute(
        select(
            IncentiveScheduleSet.version,
            IncentiveScheduleSet.effective_from,
            IncentiveScheduleSet.schedule,
        )
        .where(IncentiveScheduleSet.deleted_at.is_(None))
        .where(IncentiveScheduleSet.effective_from <= day)
        .order_by(IncentiveScheduleSet.version.desc())
        .limit(1)
    ).first()
    if row is None:
        return ScheduleInForce(IncentiveSchedule())
    data: Any = row.schedule
    if not isinstance(data, Mapping):
        raise KamdeskError(
            "incentive.schedule_invalid", field="schedule", detail="an object is required"
        )
    return ScheduleInForce(IncentiveSchedule.from_dict(data), int(row.version), row.effective_from)


@dataclass(frozen=True)
class _Targets:
    """One person's target rows of the month."""

    kpis: dict[str, float]
    money: dict[str, Decimal]


def _targets(session: Session, branch_id: str, month: date) -> dict[str, _Targets]:
    found: dict[str, _Targets] = {}
    rows = session.execute(
        select(Target.scope_id, Target.metric, Target.amount, Target.ratio).where(
            Target.branch_id == branch_id,
            Target.scope == "am",
            Target.month == month,
            Target.deleted_at.is_(None),
        )
    )
    for person, metric, amount, ratio in rows:
        mine = found.setdefault(person, _Targets({}, {}))
        if metric in KPI_BY_CODE:
            value = ratio if ratio is not None else amount
            if value is not None:
                mine.kpis[metric] = float(value)
        elif metric in INCENTIVE_METRICS:
            value = amount if amount is not None else ratio
            if value is not None:
                mine.money[metric] = Decimal(str(value))
    return found


def _check_role(actor: Actor) -> None:
    if actor.role not in READERS:
        try:
            role = tr(ROLE_LABELS[Role(actor.role)])
        except ValueError:
            role = actor.role
        raise KamdeskError("evaluation.not_allowed", role=role)


def _in_scope(actor: Actor, staff: Staff) -> bool:
    if actor.role in BRANCH_WIDE_ROLES:
        return True
    if actor.role == Role.INDUSTRY_MANAGER.value:
        return staff.industry_group_id is not None and (
            staff.industry_group_id == actor.industry_group_id
        )
    return staff.id == actor.staff_id


class EvaluationService:
    """Monthly evaluation sheets against the annual contract's targets, with incentives."""

    def __init__(self, engine: Engine, *, use_summary: bool = True) -> None:
        self._engine = engine
        self._use_summary = use_summary

    def report(
        self,
        actor: Actor,
        period: Period,
        person: str | None = None,
        *,
        progress: Progress | None = None,
        cancel: CancelCheck | None = None,
    ) -> EvaluationReport:
        """The sheets of ``period`` (a month) for ``person`` (staff id or login), or for
        every AM ``actor`` may see. Refuses another month kind, a role without access,
        an unknown person and a person outside the actor's scope."""
        if period.kind != "month":
            raise KamdeskError("evaluation.not_a_month", period=period.label)
        _check_role(actor)
        with read_session(self._engine) as session:
            schedule = schedule_in_force(session, period.first)
            figures = self._figures(session, period, progress, cancel)
            check_cancel(cancel)
            window = history_window(period, schedule.schedule.sales.history_months)
            history = self._figures(session, window, None, cancel)
            targets = _targets(session, actor.branch_id, period.first)
            people = self._people(session, actor, person, {*figures, *targets})
            groups = {
                g: name for g, name in session.execute(select(IndustryGroup.id, IndustryGroup.name))
            }
            branch = session.scalar(select(Branch.name).where(Branch.id == actor.branch_id))
            sheets = []
            for staff in people:
                mine = targets.get(staff.id, _Targets({}, {}))
                own = figures.get(staff.id) or empty_figures()
                past = history.get(staff.id)
                basis = IncentiveBasis(
                    month=period.label,
                    window=f"{window.first:%Y-%m}..{window.last:%Y-%m}",
                    revenue=money(own["K14"].numerator),
                    revenue_target=money(own["K14"].denominator) or None,
                    history_revenue=money(past["K14"].numerator) if past else Decimal(0),
                    history_months=months_on_staff(window, staff.hired_on),
                    average=mine.money.get(METRIC_AVERAGE),
                    commission=mine.money.get(METRIC_COMMISSION),
                    quota=mine.money.get(METRIC_QUOTA),
                )
                sheets.append(
                    PersonSheet(
                        staff_id=staff.id,
                        name=staff.name,
                        login=staff.login,
                        group=groups.get(staff.industry_group_id or "", ""),
                        lines=evaluation_lines(own, mine.kpis),
                        incentive=person_incentive(basis, schedule.schedule),
                    )
                )
        if progress is not None:
            progress(1, 1, tr("Evaluation sheets ready"))
        sheets.sort(key=lambda p: (p.group, p.name, p.login))
        return EvaluationReport(period, branch or "", schedule, tuple(sheets), utcnow())

    def record_export(
        self, actor: Actor | None, period: Period, fmt: str, path: Path, *, scheduled: bool = False
    ) -> None:
        """Log that ``actor`` wrote the evaluation sheets of ``period`` as ``fmt`` to
        ``path`` (an ``export`` audit event: they show pay). Call it once the file is in
        place."""
        record_report_export(
            self._engine, actor, "evaluation_sheets", period, fmt, path, scheduled=scheduled
        )

    def _figures(
        self,
        session: Session,
        period: Period,
        progress: Progress | None,
        cancel: CancelCheck | None,
    ) -> dict[str, dict[str, Figure]]:
        found = figures_by_dimension(
            session, period, (Dimension.AM,), progress, cancel, use_summary=self._use_summary
        )
        return found[Dimension.AM]

    def _people(
        self, session: Session, actor: Actor, person: str | None, named: set[str]
    ) -> list[Staff]:
        query = select(Staff).where(Staff.branch_id == actor.branch_id, Staff.deleted_at.is_(None))
        if person is not None:
            staff = session.scalars(
                query.where(or_(Staff.id == person, Staff.login == person))
            ).first()
            if staff is None:
                raise KamdeskError("evaluation.unknown_person", person=person)
            if not _in_scope(actor, staff):
                raise KamdeskError("evaluation.not_yours", name=staff.name)
            return [staff]
        candidates = session.scalars(
            query.where(
                or_(Staff.id.in_(named), (Staff.role == Role.AM.value) & Staff.active.is_(True))
            )
        )
        return [s for s in candidates if _in_scope(actor, s)]
