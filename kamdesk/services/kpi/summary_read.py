"""A whole-month period's figures from the summary table ``kpi_month_sums`` alone.

One SQL statement composes, per dimension key and code, the numerator and
denominator exactly as :func:`kamdesk.domain.kpi.roll_up` does over the raw grains
(tests/services/test_kpi_summary*.py hold the two equal, value for value):
- flow codes: summed over the period's months;
- K13: |Σ actual − Σ forecast| per product and month, then summed (not additive);
- K14's numerator and K16's parts from the ``REV`` rows of the period, the previous
  period and the year before (growth = this − before over before);
- K08's and K15's account state at the boundary after the last month, K11's
  denominator at the boundary of the first month.
Target rows were filtered to their dimension's scope when the summary was written.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta

from sqlalchemy.orm import Session

from kamdesk.domain.kpi.definitions import KPIS
from kamdesk.domain.kpi.figures import Dimension, Figure, empty_figures
from kamdesk.domain.kpi.period import Period
from kamdesk.services.kpi.summary import read_marker

_FLOW_CODES = ", ".join(f"'{k.code}'" for k in KPIS if k.code not in ("K13", "K15", "K16a", "K16b"))
"""Codes stored as plain sums (K08/K11: their numerators; K14: its targets)."""


def _part(columns: str, where: str) -> str:
    return f"SELECT dim, key, {columns} FROM kpi_month_sums WHERE dim IN ({{dims}}) AND {where}"


def _months_of(prefix: str, one_month: bool) -> str:
    """The months of the period named by ``prefix`` (one month: an equality the key seeks)."""
    if one_month:
        return f"month = :{prefix}first"
    return f"month >= :{prefix}first AND month < :{prefix}after"


def _composed(months: str, *, one_month: bool) -> str:
    """The parts, one row per contribution; ``months`` selects the period's months.

    Within one month the primary key holds one K13 row per key, product and bucket,
    so the per-product differences are summed per key straight from the key's order
    (no sort: the costliest step of a month pack before).
    """
    k13 = (
        _part("'K13', sum(abs(n - d)), sum(d)", f"{months} AND code = 'K13'") + " GROUP BY dim, key"
        if one_month
        else "SELECT dim, key, 'K13', abs(n - d), d FROM ("
        + _part("sum(n) AS n, sum(d) AS d", f"{months} AND code = 'K13'")
        + " GROUP BY dim, key, product, bucket)"
    )
    return " UNION ALL ".join(
        (
            _part("code, n, d", f"{months} AND code IN ({_FLOW_CODES})"),
            k13,
            *(_part(f"'{code}', n, 0", f"{months} AND code = 'REV'")
              for code in ("K14", "K16a", "K16b")),
            _part("'K16a', -n, n", f"{_months_of('prev_', one_month)} AND code = 'REV'"),
            _part("'K16b', -n, n", f"{_months_of('year_', one_month)} AND code = 'REV'"),
            _part("'K11', 0, d", "month = :first AND code = '@K08'"),
            _part("substr(code, 2), n, d", "month = :after AND code IN ('@K08', '@K15')"),
        )
    )  # fmt: skip


_ONE_MONTH = _composed("month = :first", one_month=True)  # equality: the key seeks each code
_MONTHS = _composed("month >= :first AND month < :after", one_month=False)


def _after(period: Period) -> date:
    last = period.months()[-1]
    return date(last.year + last.month // 12, last.month % 12 + 1, 1)


def whole_months(period: Period) -> bool:
    """Whether ``period`` starts on a month's first day and ends on a month's last."""
    return period.first.day == 1 and period.last + timedelta(days=1) == _after(period)


def usable(session: Session, period: Period) -> bool:
    """Whether the summary is complete and answers ``period``."""
    if not whole_months(period):
        return False
    marker = read_marker(session.connection())
    return marker is not None and marker.holds_state(period)


@contextmanager
def _without_gc_pauses() -> Iterator[None]:
    """Suspend the cyclic garbage collector while tens of thousands of small tuples are
    built: they trigger full collections of the whole process heap that cost more than
    the work itself (a 1M-order month pack: 149 ms → 83 ms median). Hazard: process
    wide for the block's duration; memory is still freed by reference counting, and
    the collector is back on (if it was) when the block ends, also after an error."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def summary_figures(
    session: Session, period: Period, dimensions: Iterable[Dimension]
) -> dict[Dimension, dict[str, dict[str, Figure]]]:
    """``{dimension: {key: {code: Figure}}}`` of a :func:`usable` period, the total
    (key ``""``) always included; every KPI present for every key."""
    with _without_gc_pauses():
        return _summary_figures(session, period, dimensions)


def _summary_figures(
    session: Session, period: Period, dimensions: Iterable[Dimension]
) -> dict[Dimension, dict[str, dict[str, Figure]]]:
    dims = [Dimension.TOTAL, *(d for d in dimensions if d is not Dimension.TOTAL)]
    previous, year = period.previous(), period.year_before()
    params = {
        "first": period.first.isoformat(), "after": _after(period).isoformat(),
        "prev_first": previous.first.isoformat(), "prev_after": _after(previous).isoformat(),
        "year_first": year.first.isoformat(), "year_after": _after(year).isoformat(),
    }  # fmt: skip
    template = _ONE_MONTH if len(period.months()) == 1 else _MONTHS
    sql = template.format(dims=", ".join(f"'{d.value}'" for d in dims))
    sums: dict[tuple[str, str, str], tuple[int, int]] = {}
    cursor = session.connection().connection.driver_connection.execute(sql, params)  # type: ignore[union-attr]
    for dim, key, code, n, d in cursor:  # the DB-API cursor: tens of thousands of rows
        found = sums.get((dim, key, code))
        sums[(dim, key, code)] = (n, d) if found is None else (found[0] + n, found[1] + d)
    empty = empty_figures()
    out: dict[Dimension, dict[str, dict[str, Figure]]] = {d: {} for d in dims}
    by_value = {d.value: out[d] for d in dims}
    of = Figure.of
    for (dim, key, code), (n, d) in sums.items():
        if n or d:
            keyed = by_value[dim]
            figures = keyed.get(key)
            if figures is None:
                figures = keyed[key] = dict(empty)
            figures[code] = of(code, float(n), float(d))
    return out
