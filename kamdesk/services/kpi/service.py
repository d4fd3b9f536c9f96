"""KpiService: the month/quarter/year/range KPI pack, by dimension, with the ids behind.

Guarantees: the total, every dimension row and the ids come from the same family
SELECTs for the same bound parameters (directly, or through the summary table
``kpi_month_sums`` that sums those SELECTs per month, for whole-month periods);
values are :meth:`KpiDef.value` of the summed numerator and denominator (never
averaged averages). Every call that reads figures takes the ``actor`` it reads for
(None: the system): the figures are those of the whole database whoever asks, and
:mod:`kamdesk.services.kpi.visibility` decides which rows and ids they get (the
session's record rules never reach this raw SQL). Hazard: accounts are attributed
to their *current* owner AM and group (the file keeps no ownership history).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from kamdesk.db.models import Branch, IndustryGroup, Product, Staff, Workstation
from kamdesk.domain.clock import utcnow
from kamdesk.domain.kpi.definitions import KPI_BY_CODE
from kamdesk.domain.kpi.figures import (
    NO_KEY,
    Dimension,
    Figure,
    Grain,
    KpiPack,
    KpiRow,
    MonthTotal,
    empty_figures,
    roll_up,
)
from kamdesk.domain.kpi.period import Period, months_ending
from kamdesk.domain.progress import CancelCheck, Progress, check_cancel
from kamdesk.errors import KamdeskError, define
from kamdesk.i18n import N_, tr
from kamdesk.reports.kpi_context import DataSheet, KpiReportContext
from kamdesk.services.actor import Actor
from kamdesk.services.kpi import summary, summary_read
from kamdesk.services.kpi.details import data_sheets
from kamdesk.services.kpi.facts import DIMENSIONS, FAMILIES, Family, grain_sql, ids_sql
from kamdesk.services.kpi.params import period_params
from kamdesk.services.kpi.targets import kpi_targets
from kamdesk.services.kpi.visibility import KpiVisibility, visibility
from kamdesk.services.report_audit import record_report_export
from kamdesk.services.uow import read_session, write_session

define({"kpi.unknown_code": N_("There is no KPI with the code {kpi}.")})

_NAME_SOURCES: dict[Dimension, Any] = {
    Dimension.BRANCH: (Branch.id, Branch.name),
    Dimension.GROUP: (IndustryGroup.id, IndustryGroup.name),
    Dimension.AM: (Staff.id, Staff.name),
    Dimension.PRODUCT: (Product.id, Product.name),
    Dimension.WORKSTATION: (Workstation.id, Workstation.name),
}
_COLUMN: dict[Dimension, str] = {
    Dimension.BRANCH: "branch",
    Dimension.GROUP: "grp",
    Dimension.AM: "am",
    Dimension.PRODUCT: "product",
    Dimension.WORKSTATION: "ws",
}


def family_grains(session: Session, family: Family, params: dict[str, Any]) -> list[Grain]:
    """The finest-grain sums of one family."""
    out: list[Grain] = []
    for row in session.execute(text(grain_sql(family)), params):
        keys = (row[0], row[1], row[2], row[3], row[4])
        for i, code in enumerate(family.codes):
            num, den = row[7 + 2 * i] or 0, row[8 + 2 * i] or 0
            if num or den:
                out.append(Grain(code, keys, float(num), float(den), row[5], row[6]))
    return out


def collect_grains(
    session: Session,
    period: Period,
    progress: Progress | None = None,
    cancel: CancelCheck | None = None,
) -> list[Grain]:
    """Every family's grains for ``period`` (cancellable between families)."""
    params = period_params(session, period)
    grains: list[Grain] = []
    for i, family in enumerate(FAMILIES):
        check_cancel(cancel)
        if progress is not None:
            progress(i, len(FAMILIES), tr("Computing KPIs…"))
        grains += family_grains(session, family, params)
    if progress is not None:
        progress(len(FAMILIES), len(FAMILIES), tr("Computing KPIs…"))
    return grains


def _names(session: Session, dimension: Dimension, keys: Iterable[str]) -> dict[str, str]:
    id_col, name_col = _NAME_SOURCES[dimension]
    wanted = [k for k in keys if k]
    if not wanted:
        return {}
    rows = session.execute(select(id_col, name_col).where(id_col.in_(wanted)))
    return {key: name for key, name in rows}


def _rows(
    session: Session,
    figures: dict[str, dict[str, Figure]],
    dimension: Dimension,
    view: KpiVisibility,
) -> tuple[KpiRow, ...]:
    shown = {key: figs for key, figs in figures.items() if view.shows(dimension, key)}
    names = _names(session, dimension, shown)
    rows = [KpiRow(dimension, key, names.get(key, key), figs) for key, figs in shown.items()]
    return tuple(sorted(rows, key=lambda r: (r.name, r.key)))


def _row_name(session: Session, dimension: Dimension, key: str) -> str:
    if dimension is Dimension.TOTAL:
        return tr("Total")
    return _names(session, dimension, (key,)).get(key, key)


def figures_by_dimension(
    session: Session,
    period: Period,
    dimensions: Iterable[Dimension],
    progress: Progress | None = None,
    cancel: CancelCheck | None = None,
    *,
    use_summary: bool = True,
) -> dict[Dimension, dict[str, dict[str, Figure]]]:
    """``{dimension: {key: {code: Figure}}}`` for the total (key ``""``) and each
    dimension: from the summary table when it answers ``period`` (whole months),
    else rolled up from the raw rows."""
    wanted = [Dimension.TOTAL, *(d for d in dimensions if d is not Dimension.TOTAL)]
    if use_summary and summary_read.usable(session, period):
        check_cancel(cancel)
        found = summary_read.summary_figures(session, period, wanted)
        if progress is not None:
            progress(1, 1, tr("Computing KPIs…"))
        return found
    grains = collect_grains(session, period, progress, cancel)
    return {d: roll_up(grains, d) for d in wanted}


def _total(figures: dict[Dimension, dict[str, dict[str, Figure]]]) -> dict[str, Figure]:
    return figures[Dimension.TOTAL].get(NO_KEY) or empty_figures()


def _branch_name(session: Session) -> str:
    names = list(session.scalars(select(Branch.name).order_by(Branch.code)))
    return "、".join(names)


class KpiService:
    """K01–K16 for any period, by branch, industry group, AM, workstation and product."""

    def __init__(self, engine: Engine, *, use_summary: bool = True) -> None:
        """``use_summary=False`` always computes from the raw rows (to compare)."""
        self._engine = engine
        self._use_summary = use_summary

    def rebuild_summary(self) -> None:
        """Recount the summary table from the stored rows (after bulk loads); one
        write unit of work."""
        with write_session(self._engine) as session:
            summary.rebuild(session, readers=self._engine if _shared_file(self._engine) else None)

    def pack(
        self,
        period: Period,
        dimensions: Sequence[Dimension] = (Dimension.GROUP, Dimension.AM),
        *,
        actor: Actor | None,
        with_previous: bool = False,
        progress: Progress | None = None,
        cancel: CancelCheck | None = None,
    ) -> KpiPack:
        """Total and per-dimension figures for ``period`` (and the previous period's
        total when ``with_previous``): the rows ``actor`` may see, each (and the total)
        with the figures the system computes."""
        wanted: list[Dimension] = [d for d in dimensions if d is not Dimension.TOTAL]
        with read_session(self._engine) as session:
            view = visibility(session, actor)
            figures = figures_by_dimension(
                session, period, wanted, progress, cancel, use_summary=self._use_summary
            )
            total = _total(figures)
            previous = None
            if with_previous:
                check_cancel(cancel)
                before = figures_by_dimension(
                    session, period.previous(), (), None, cancel, use_summary=self._use_summary
                )
                label = period.previous().label
                previous = KpiRow(Dimension.TOTAL, NO_KEY, label, _total(before))
            rows = {d: _rows(session, figures[d], d, view) for d in wanted}
            branch = _branch_name(session)
        return KpiPack(
            period=period,
            branch_name=branch,
            total=KpiRow(Dimension.TOTAL, NO_KEY, tr("Total"), total),
            rows=rows,
            previous_total=previous,
        )

    def targets(
        self,
        period: Period,
        dimension: Dimension = Dimension.TOTAL,
        key: str = NO_KEY,
        *,
        actor: Actor | None,
    ) -> dict[str, float]:
        """The KPI targets HQ published for ``dimension = key`` in ``period``, by KPI
        code in the KPI's unit (see :mod:`kamdesk.services.kpi.targets`); refused for a
        row ``actor`` may not see."""
        with read_session(self._engine) as session:
            view = visibility(session, actor)
            if not view.shows(dimension, key):
                view.check_row(dimension, key, _row_name(session, dimension, key))
            return kpi_targets(session, period, dimension, key)

    def monthly_trend(
        self,
        period: Period,
        months: int = 12,
        *,
        actor: Actor | None,
        progress: Progress | None = None,
        cancel: CancelCheck | None = None,
    ) -> tuple[MonthTotal, ...]:
        """The total figures and targets of each of the ``months`` calendar months up to
        the month of ``period``'s last day, oldest first: the figures :meth:`pack`
        gives for each month alone, read in one unit of work (totals: anyone with a
        role reads them)."""
        periods = months_ending(period, months)
        trend: list[MonthTotal] = []
        with read_session(self._engine) as session:
            visibility(session, actor)
            for i, one in enumerate(periods):
                check_cancel(cancel)
                if progress is not None:
                    progress(i, len(periods), tr("Computing the monthly trend…"))
                figures = figures_by_dimension(
                    session, one, (), None, cancel, use_summary=self._use_summary
                )
                trend.append(MonthTotal(one, _total(figures), kpi_targets(session, one)))
        return tuple(trend)

    def data_sheets(self, period: Period, *, actor: Actor | None) -> tuple[DataSheet, ...]:
        """The orders, complaints and visits behind the figures that ``actor`` may list
        the rows of, streamed (see :mod:`kamdesk.services.kpi.details`)."""
        with read_session(self._engine) as session:
            view = visibility(session, actor)
        return data_sheets(self._engine, period, view.ids)

    def report_context(
        self,
        period: Period,
        dimensions: Sequence[Dimension],
        *,
        actor: Actor | None,
        with_data: bool = True,
        progress: Progress | None = None,
        cancel: CancelCheck | None = None,
    ) -> KpiReportContext:
        """What the PDF and the workbook render for ``period``: the rows and data-sheet
        rows ``actor`` may see (an AM's file names no other AM)."""
        pack = self.pack(
            period, dimensions, actor=actor, with_previous=True, progress=progress, cancel=cancel
        )
        sheets = self.data_sheets(period, actor=actor) if with_data else ()
        return KpiReportContext(pack, utcnow(), tuple(dimensions), sheets)

    def record_export(
        self, actor: Actor | None, period: Period, fmt: str, path: Path, *, scheduled: bool = False
    ) -> None:
        """Log that ``actor`` wrote the KPI report of ``period`` as ``fmt`` to ``path`` (an
        ``export`` audit event; KPI figures decide pay). Call it once the file is in place."""
        record_report_export(
            self._engine, actor, "kpi_report", period, fmt, path, scheduled=scheduled
        )

    def figure_ids(
        self,
        period: Period,
        code: str,
        part: str = "n",
        dimension: Dimension = Dimension.TOTAL,
        key: str = NO_KEY,
        *,
        actor: Actor | None,
    ) -> tuple[str, ...]:
        """Ids of the rows counted in the numerator (``part="n"``) or denominator
        (``"d"``) of ``code`` for ``dimension = key`` (orders, steps, returns,
        complaints, accounts, revenue lines, forecasts or targets by KPI), narrowed to
        ``actor``'s rows; refused for a row they may not see and, but for branch-wide
        readers, for the total (see :mod:`kamdesk.services.kpi.visibility`)."""
        if code not in KPI_BY_CODE:
            raise KamdeskError("kpi.unknown_code", kpi=code)
        if part not in ("n", "d"):
            raise ValueError("part must be 'n' or 'd'")
        column = None if dimension is Dimension.TOTAL else _COLUMN[dimension]
        assert column is None or column in DIMENSIONS
        ids: list[str] = []
        with read_session(self._engine) as session:
            view = visibility(session, actor)
            within = view.check_ids(dimension, key, _row_name(session, dimension, key))
            narrowing = {f"in_{column}": value for column, value in within}
            params = {**period_params(session, period), "key": key, **narrowing}
            columns = [column for column, _ in within]
            for family in FAMILIES:
                if code in family.codes:
                    sql = ids_sql(family, code, part, column, columns)
                    ids += session.scalars(text(sql), params)
        return tuple(ids)


def _shared_file(engine: Engine) -> bool:
    """Whether other connections of ``engine`` see the same database (a file)."""
    database = engine.url.database
    return engine.dialect.name == "sqlite" and bool(database) and database != ":memory:"
