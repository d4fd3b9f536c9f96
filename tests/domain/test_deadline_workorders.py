"""An order's deadline comes from its own events: issue, promise, pauses and acceptance."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

from kamdesk.domain.clock import SHANGHAI
from kamdesk.domain.sla import SlaStatus
from kamdesk.domain.sla_explain import TraceKind
from kamdesk.domain.working_calendar import ChineseWorkingCalendar
from kamdesk.domain.workorders import (
    Action,
    Actor,
    Command,
    OrderView,
    Role,
    advance,
    apply,
    create_order,
)
from kamdesk.domain.workorders.deadline import (
    explain_order_deadline,
    order_clock,
    order_status,
)

AM = Actor("am-1", Role.AM)
IM = Actor("im-1", Role.INDUSTRY_MANAGER, industry_groups=frozenset({"IT"}))
CLERK = Actor("clerk-1", Role.CLERK)
RC = Actor("rc-1", Role.RESPONSE_CENTER)
WS = Actor("ws-1", Role.WORKSTATION, workstations=frozenset({"W1"}))
CN = ChineseWorkingCalendar()


def t(month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


def step(view: OrderView, actor: Actor, action: Action, at: datetime, **payload: object):
    return advance(view, apply(view, Command(action, payload), actor, at))


def issued_order(issue_at: datetime, days: int, mode: str) -> OrderView:
    created = create_order(
        "WO-SF",
        Command(Action.CREATE, {"kind": "demand", "industry_group": "IT", "grade": "C",
                                "value": "3000"}),
        AM,
        t(2, 9, 9),
    )  # fmt: skip
    view = advance(None, created)
    view = step(view, AM, Action.SUBMIT, t(2, 9, 10))
    view = step(view, IM, Action.REVIEW_APPROVE, t(2, 10, 10))
    return step(view, CLERK, Action.ISSUE, issue_at, promised_days=days, sla_mode=mode)


def finish(view: OrderView, at: datetime, accept: Mapping[str, object] | None = None) -> OrderView:
    view = step(view, RC, Action.CONFIRM_RESOURCES, at, outcome="available")
    view = step(view, RC, Action.DISPATCH, at, mode="parallel", steps=[
        {"step_id": "S1", "workstation": "W1", "planned_hours": "8", "deadline": t(12, 31)}
    ])  # fmt: skip
    view = step(view, WS, Action.START_STEP, at, step_id="S1")
    view = step(view, WS, Action.FINISH_STEP, at, step_id="S1")
    return step(view, RC, Action.COMPLETE, at, results="开通完成")


ACCEPT = {"signature_ref": "sha256:01", "signer_name": "李总", "satisfaction": 5}


def test_no_clock_before_issue():
    created = create_order(
        "WO-0",
        Command(Action.CREATE, {"kind": "demand", "industry_group": "IT", "grade": "C",
                                "value": "1"}),
        AM,
        t(2, 9),
    )  # fmt: skip
    view = advance(None, created)
    assert order_clock(view, CN) is None
    assert order_status(view, CN, t(2, 10)) is None
    assert explain_order_deadline(view, CN) == []


def test_order_issued_before_the_spring_festival_paused_over_the_holiday():
    # Issued Thu 12 Feb 10:00 with 3 working days; the customer leaves for the holiday
    # on Fri 13 Feb 12:00 and is back Tue 24 Feb 08:00. Counted: 14 + 12 = 26 h, then
    # 16 h on the 24th (42), 24 h on the 25th (66), 6 h on the 26th: due Thu 26 Feb 06:00.
    view = issued_order(t(2, 12, 10), 3, "working_days")
    view = step(view, AM, Action.PAUSE, t(2, 13, 12), reason="客户春节放假")
    assert order_status(view, CN, t(2, 18)) is SlaStatus.PAUSED
    view = step(view, RC, Action.RESUME, t(2, 24, 8))
    clock = order_clock(view, CN)
    assert clock is not None and clock.due() == t(2, 26, 6)
    assert order_status(view, CN, t(2, 25, 6)) is SlaStatus.DUE_WITHIN_24H
    assert order_status(view, CN, t(2, 24, 9)) is SlaStatus.ON_TIME

    done = finish(view, t(2, 25, 18))
    on_time = step(done, AM, Action.ACCEPT, t(2, 26, 6), **ACCEPT)
    late = step(done, AM, Action.ACCEPT, t(2, 26, 6, 1), **ACCEPT)
    assert order_status(on_time, CN, t(3, 31)) is SlaStatus.ON_TIME
    assert order_status(late, CN, t(3, 31)) is SlaStatus.OVERDUE

    kinds = [e.kind for e in explain_order_deadline(on_time, CN)]
    assert kinds.count(TraceKind.PAUSE) == 1
    assert kinds.count(TraceKind.SKIPPED_DAY) == 9  # 15–23 Feb; 14 Feb was paused but counts


def test_waiting_for_the_customers_signature_can_be_paused_and_acceptance_ends_it():
    # Issued Wed 30 Sep 17:00 with 2 working days: due Fri 9 Oct 17:00 (7 h + 24 h + 17 h).
    view = issued_order(t(9, 30, 17), 2, "working_days")
    assert order_clock(view, CN).due() == t(10, 9, 17)  # type: ignore[union-attr]
    done = finish(view, t(10, 8, 12))
    # Paused Thu 8 Oct 20:00 while the customer is away; they sign Sat 10 Oct 10:00.
    paused = step(done, RC, Action.PAUSE, t(10, 8, 20), reason="等客户签字")
    accepted = step(paused, AM, Action.ACCEPT, t(10, 10, 10), **ACCEPT)
    # Counted before the pause: 7 h (30 Sep) + 20 h (8 Oct) = 27 h, 21 h left. The pause
    # closes at acceptance; Sat 10 Oct is a make-up working day (10:00–24:00 = 14 h),
    # Sunday is off, 7 h of Mon 12 Oct: due 12 Oct 07:00.
    clock = order_clock(accepted, CN)
    assert clock is not None and clock.due() == t(10, 12, 7)
    assert clock.on_time(accepted.accepted_at)  # type: ignore[arg-type]
    assert order_status(accepted, CN, t(10, 20)) is SlaStatus.ON_TIME


def test_cancelled_orders_have_no_list_status_and_calendar_mode_ignores_holidays():
    view = issued_order(t(9, 30, 17), 2, "calendar")
    assert order_clock(view, CN).due() == t(10, 2, 17)  # type: ignore[union-attr]
    cancelled = step(view, AM, Action.CANCEL, t(10, 1), reason="customer withdrew")
    assert order_status(cancelled, CN, t(10, 5)) is None


def test_an_hq_override_moves_an_orders_deadline():
    view = issued_order(t(2, 12, 10), 3, "working_days")
    assert order_clock(view, CN).due() == t(2, 24, 10)  # type: ignore[union-attr]
    extended = ChineseWorkingCalendar({date(2026, 2, 24): False})
    assert order_clock(view, extended).due() == t(2, 25, 10)  # type: ignore[union-attr]
