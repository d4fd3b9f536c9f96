"""The rows behind the figures, streamed for the workbook's data sheets: completed
orders (K01/K02/K04/K05/K12), complaints received or closed (K08/K09) and visits done
in the period (K15).

A reader gets the rows behind the figures they may list the ids of (orders by their
owner, complaints and visits by their account's owner and group, as the KPI families
attribute them). Hazard: each sheet's rows are a generator that opens its own read session when
iteration starts and closes it when iteration ends; iterate each one once, fully
or not at all.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, text

from kamdesk.domain.kpi.definitions import MS_PER_DAY
from kamdesk.domain.kpi.period import Period
from kamdesk.i18n import tr
from kamdesk.reports.kpi_context import CellKind, DataSheet
from kamdesk.services.kpi.facts import ms_between
from kamdesk.services.kpi.params import offset_modifier, stored
from kamdesk.services.kpi.visibility import Narrowing
from kamdesk.services.uow import read_session

FETCH = 2_000
_LOCAL = "strftime('%Y-%m-%d %H:%M:%f', {}, :offset)"  # stored UTC → Shanghai wall clock
T, INT, N, D, B = CellKind.TEXT, CellKind.INT, CellKind.NUMBER, CellKind.DATETIME, CellKind.BOOL

_ORDERS = f"""
SELECT o.order_no, o.kind, c.name, g.name, s.name, p.name, {_LOCAL.format("o.issued_at")},
  {_LOCAL.format("o.due_at")}, {_LOCAL.format("o.accepted_at")}, o.on_time,
  {ms_between("o.accepted_at", "o.issued_at")} / {float(MS_PER_DAY)}, o.return_count,
  o.satisfaction
FROM work_orders o JOIN customers c ON c.id = o.customer_id
  LEFT JOIN industry_groups g ON g.id = c.industry_group_id
  LEFT JOIN staff s ON s.id = o.owner_id LEFT JOIN products p ON p.id = o.product_id
WHERE o.accepted_at >= :start AND o.accepted_at < :end AND o.deleted_at IS NULL AND {{within}}
ORDER BY o.accepted_at, o.id
"""
_COMPLAINTS = f"""
SELECT c.name, g.name, s.name, k.category, {_LOCAL.format("k.received_at")},
  {_LOCAL.format("k.closed_at")}, {_LOCAL.format("k.followed_up_at")}, k.status
FROM complaints k JOIN customers c ON c.id = k.customer_id
  LEFT JOIN industry_groups g ON g.id = c.industry_group_id
  LEFT JOIN staff s ON s.id = c.owner_id
WHERE k.deleted_at IS NULL AND ((k.received_at >= :start AND k.received_at < :end)
  OR (k.closed_at >= :start AND k.closed_at < :end)) AND {{within}}
ORDER BY k.received_at, k.id
"""
_VISITS = f"""
SELECT c.name, c.grade, g.name, s.name, {_LOCAL.format("v.done_at")}, v.purpose
FROM visits v JOIN customers c ON c.id = v.customer_id
  LEFT JOIN industry_groups g ON g.id = c.industry_group_id
  LEFT JOIN staff s ON s.id = v.owner_id
WHERE v.status = 'done' AND v.done_at >= :start AND v.done_at < :end AND v.deleted_at IS NULL
  AND {{within}}
ORDER BY v.done_at, v.id
"""
_DATETIME_COLUMNS = {"orders": (6, 7, 8), "complaints": (4, 5, 6), "visits": (4,)}
_ACCOUNT_COLUMNS = {"branch": "c.branch_id", "grp": "c.industry_group_id", "am": "c.owner_id"}
_COLUMNS = {
    "orders": {**_ACCOUNT_COLUMNS, "branch": "o.branch_id", "am": "o.owner_id"},
    "complaints": _ACCOUNT_COLUMNS,
    "visits": _ACCOUNT_COLUMNS,
}
"""Per sheet, the SQL of the KPI families' dimension columns (as the families attribute
its rows: orders to their owner, complaints and visits to the account's)."""


def _within(sheet: str, within: Narrowing | None) -> tuple[str, dict[str, str]]:
    """The WHERE term and parameters keeping a reader's rows of ``sheet``: none for
    None or a column the sheet lacks (a workstation's steps are on no sheet)."""
    if within is None or any(column not in _COLUMNS[sheet] for column, _ in within):
        return "0", {}
    terms = [f"{_COLUMNS[sheet][column]} = :in_{column}" for column, _ in within]
    return " AND ".join(terms) or "1", {f"in_{column}": value for column, value in within}


def _stream(
    engine: Engine, sheet: str, sql: str, period: Period, within: Narrowing | None
) -> Iterator[list[Any]]:
    where, narrowing = _within(sheet, within)
    params = {"start": stored(period.start), "end": stored(period.end),
              "offset": offset_modifier(period), **narrowing}  # fmt: skip
    parse = datetime.fromisoformat
    when = _DATETIME_COLUMNS[sheet]
    with read_session(engine) as session:
        for row in session.execute(text(sql.format(within=where)), params).yield_per(FETCH):
            values = list(row)
            for i in when:  # Shanghai wall-clock text → naive local datetime
                if values[i] is not None:
                    values[i] = parse(values[i])
            yield values


def data_sheets(engine: Engine, period: Period, within: Narrowing | None) -> tuple[DataSheet, ...]:
    """The three data sheets of ``period`` (rows read lazily), holding the rows that
    match ``within`` (a reader's ids, :class:`~.visibility.KpiVisibility`; None: no
    rows, ``()``: every row)."""
    return (
        DataSheet(
            tr("Completed orders"),
            [tr("Order no."), tr("Kind"), tr("Account"), tr("Industry group"), tr("AM"),
             tr("Product"), tr("Issued"), tr("Due"), tr("Accepted"), tr("On time"),
             tr("Order time (days)"), tr("Return orders"), tr("Satisfaction")],
            [T, T, T, T, T, T, D, D, D, B, N, INT, INT],
            _stream(engine, "orders", _ORDERS, period, within),
        ),
        DataSheet(
            tr("Complaints"),
            [tr("Account"), tr("Industry group"), tr("AM"), tr("Category"), tr("Received"),
             tr("Closed"), tr("Followed up"), tr("Status")],
            [T, T, T, T, D, D, D, T],
            _stream(engine, "complaints", _COMPLAINTS, period, within),
        ),
        DataSheet(
            tr("Visits"),
            [tr("Account"), tr("Grade"), tr("Industry group"), tr("AM"), tr("Done"),
             tr("Purpose")],
            [T, T, T, T, D, T],
            _stream(engine, "visits", _VISITS, period, within),
        ),
    )  # fmt: skip
