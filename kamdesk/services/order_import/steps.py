"""The step column groups of a historical work-order row: workstations, done times and
return orders.

Steps are read from ``工序1`` on; a filled group after an empty one is a gap. In
sequential mode a step starts when the previous one is done, in parallel mode at the
dispatch (the confirmation time); its done time may not lie before its start, and
each of its return orders must lie between its start and its done time (a return
without a time is placed at the done time).
"""

from __future__ import annotations

from datetime import datetime

from kamdesk.domain.workorders.events import Actor as DomainActor
from kamdesk.domain.workorders.payloads import LONG_TEXT
from kamdesk.errors import KamdeskError, define
from kamdesk.i18n import N_
from kamdesk.services.customer_columns import header_key
from kamdesk.services.order_import.cells import RowCells, shown
from kamdesk.services.order_import.columns import MAX_STEPS, read_returns
from kamdesk.services.order_import.directory import Directory
from kamdesk.services.order_import.timeline import PastReturn, PastStep

define(
    {
        "order_import.unknown_workstation": N_("there is no workstation '{text}' in this branch"),
        "order_import.unstaffed_workstation": N_(
            "nobody works at workstation {workstation} to record its steps"
        ),
        "order_import.return_outside": N_(
            "the return at {time} lies outside its step ({start} – {done})"
        ),
        "order_import.step_gap": N_("fill in the steps from 工序1 on, without gaps"),
    }
)


def read_steps(
    row: RowCells, d: Directory, dispatched: datetime | None, parallel: bool
) -> tuple[tuple[PastStep, ...], tuple[str, datetime] | None]:
    """The step column groups in order, and the latest done time with its column;
    reports gaps, unknown or unstaffed workstations and times out of order."""
    steps: list[PastStep] = []
    latest: tuple[str, datetime] | None = None
    gap = ""
    begin = dispatched
    for n in range(1, MAX_STEPS + 1):
        ws, done, back = (f"step{n}_workstation", f"step{n}_done_at", f"step{n}_returns")
        if not any(row.get(name) for name in (ws, done, back)):
            gap = gap or ws
            continue
        if gap:
            row.problem(gap, KamdeskError("order_import.step_gap"))
            gap = ""
        station, actor = _station(row, ws, d)
        if not row.get(done):
            row.problem(done, KamdeskError("order_import.empty"))
        done_at = row.time(done)
        start = dispatched if parallel else begin
        previous = "confirmed_at" if parallel or n == 1 else f"step{n - 1}_done_at"
        row.after(done, done_at, previous, start)
        returns = _returns(row, back, start, done_at)
        if done_at is not None and (latest is None or done_at >= latest[1]):
            latest = (done, done_at)
        if station is not None and actor is not None and done_at is not None:
            steps.append(PastStep(station, actor, done_at, returns))
        begin = done_at
    return tuple(steps), latest


def _station(row: RowCells, name: str, d: Directory) -> tuple[str | None, DomainActor | None]:
    text = row.get(name)
    if not text:
        row.problem(name, KamdeskError("order_import.empty"))
        return None, None
    station = d.stations.get(header_key(text))
    if station is None:
        row.problem(name, KamdeskError("order_import.unknown_workstation", text=text))
        return None, None
    actor = d.station_staff.get(station)
    if actor is None:
        row.problem(name, KamdeskError("order_import.unstaffed_workstation", workstation=station))
    return station, actor


def _returns(
    row: RowCells, name: str, start: datetime | None, done: datetime | None
) -> tuple[PastReturn, ...]:
    """The step's return orders in time order; one without a time is placed at the
    step's done time."""
    try:
        entries = read_returns(row.get(name))
    except KamdeskError as unreadable:
        row.problem(name, unreadable)
        return ()
    out: list[PastReturn] = []
    for entry in entries:
        at = entry.at or done
        if at is None:
            continue
        outside = (start is not None and at < start) or (done is not None and at > done)
        if at > row.now:
            row.problem(name, KamdeskError("order_import.future", time=shown(at)))
        elif outside:
            error = KamdeskError(
                "order_import.return_outside",
                time=shown(at),
                start=shown(start) if start else "…",
                done=shown(done) if done else "…",
            )
            row.problem(name, error)
        out.append(PastReturn(entry.reason, at, entry.text[:LONG_TEXT]))
    return tuple(sorted(out, key=lambda r: r.at))
