"""The rows behind the figures, streamed for the workbook's data sheets: completed
orders (K01/K02/K04/K05/K12), complaints received or closed (K08/K09) and visits done
in the period (K15).

Hazard: each sheet's rows are a generator that opens its own read session when
iteration starts and closes it when iteration ends; iterate each one once, fully
or not at all.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, text

from kamdesk.domain.kpi.definitions import MS_PER_DAY
from kamdesk.domain.kpi.period import Period
from kamdesk.i18n import tr
from kamdesk.reports.kpi_context import CellKind, DataSheet
from kamdesk.services.kpi.facts import ms_between
from kamdesk.services.kpi.params import offset_modifier, stored
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
WHERE o.accepted_at >= :start AND o.accepted_at < :end AND o.deleted_at IS NULL
ORDER BY o.accepted_at, o.id
"""
_COMPLAINTS = f"""
SELECT c.name, g.name, s.name, k.category, {_LOCAL.format("k.received_at")},
  {_LOCAL.format("k.closed_at")}, {_LOCAL.format("k.followed_up_at")}, k.status
FROM complaints k JOIN customers c ON c.id = k.customer_id
  LEFT JOIN industry_groups g ON g.id = c.industry_group_id
  LEFT JOIN staff s ON s.id = c.owner_id
WHERE k.deleted_at IS NULL AND ((k.received_at >= :start AND k.received_at < :end)
  OR (k.closed_at >= :start AND k.closed_at < :end))
ORDER BY k.received_at, k.id
"""
_VISITS = f"""
SELECT c.name, c.grade, g.name, s.name, {_LOCAL.format("v.done_at")}, v.purpose
FROM visits v JOIN customers c ON c.id = v.customer_id
  LEFT JOIN industry_groups g ON g.id = c.industry_group_id
  LEFT JOIN staff s ON s.id = v.owner_id
WHERE v.status = 'done' AND v.done_at >= :start AND v.done_at < :end AND v.deleted_at IS NULL
ORDER BY v.done_at, v.id
"""
_DATETIME_COLUMNS = {"orders": (6, 7, 8), "complaints": (4, 5, 6), "visits": (4,)}


def _stream(engine: Engine, sql: str, period: Period, when: Sequence[int]) -> Iterator[list[Any]]:
    params = {"start": stored(period.start), "end": stored(period.end),
              "offset": offset_modifier(period)}  # fmt: skip
    parse = datetime.fromisoformat
    with read_session(engine) as session:
        for row in session.execute(text(sql), params).yield_per(FETCH):
            values = list(row)
            for i in when:  # Shanghai wall-clock text → naive local datetime
                if values[i] is not None:
                    values[i] = parse(values[i])
            yield values


def data_sheets(engine: Engine, period: Period) -> tuple[DataSheet, ...]:
    """The three data sheets of ``period`` (rows read lazily)."""
    return (
        DataSheet(
            tr("Completed orders"),
            [tr("Order no."), tr("Kind"), tr("Account"), tr("Industry group"), tr("AM"),
             tr("Product"), tr("Issued"), tr("Due"), tr("Accepted"), tr("On time"),
             tr("Order time (days)"), tr("Return orders"), tr("Satisfaction")],
            [T, T, T, T, T, T, D, D, D, B, N, INT, INT],
            _stream(engine, _ORDERS, period, _DATETIME_COLUMNS["orders"]),
        ),
        DataSheet(
            tr("Complaints"),
            [tr("Account"), tr("Industry group"), tr("AM"), tr("Category"), tr("Received"),
             tr("Closed"), tr("Followed up"), tr("Status")],
            [T, T, T, T, D, D, D, T],
            _stream(engine, _COMPLAINTS, period, _DATETIME_COLUMNS["complaints"]),
        ),
        DataSheet(
            tr("Visits"),
            [tr("Account"), tr("Grade"), tr("Industry group"), tr("AM"), tr("Done"),
             tr("Purpose")],
            [T, T, T, T, D, T],
            _stream(engine, _VISITS, period, _DATETIME_COLUMNS["visits"]),
        ),
    )  # fmt: skip
