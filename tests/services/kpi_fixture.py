"""A tiny hand-built database for October 2026 whose every KPI was computed by hand.

Calendar facts used (official 2026 calendar): 1–7 October is the National Day
holiday, Saturday 10 October is a make-up working day (调休), 11 October a Sunday.
Times are Shanghai local unless written with Z. The expected values and why are in
``EXPECTED`` (numerator, denominator) and in tests/services/test_kpi_engine.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from kamdesk.db.models import (
    Branch,
    ClockPause,
    Complaint,
    Customer,
    DemandForecast,
    IndustryGroup,
    Product,
    ReturnOrder,
    RevenueMonth,
    Staff,
    Target,
    Visit,
    WorkOrder,
    WorkOrderStep,
    Workstation,
)
from kamdesk.db.startup import open_database
from kamdesk.domain.clock import SHANGHAI
from kamdesk.domain.sla import Pause, Promise, PromisedClock, SlaMode
from kamdesk.domain.working_calendar import ChineseWorkingCalendar
from kamdesk.services.actor import Actor


def at(m: int, d: int, h: int = 0, mi: int = 0, y: int = 2026) -> datetime:
    return datetime(y, m, d, h, mi, tzinfo=SHANGHAI)


@dataclass
class Built:
    engine: Engine
    ids: dict[str, str] = field(default_factory=dict)


EXPECTED: dict[str, tuple[float, float]] = {
    "K01": (4, 5),
    "K02": (2 + 22 / 24 + 23 + 13.5 / 24 + 9 + 15 / 24 + (6 + 50 / 60) / 24 + 11 + 23.5 / 24, 5),
    "K03a": (48 + 72 + 177 + 48 + 50 / 60 + 96 + 1 / 60, 5),
    "K03b": (4, 5),
    "K04": (3, 5),
    "K05": (2, 5),
    "K06": (4, 6),
    "K07": (1, 6),
    "K08": (2, 2),
    "K09": (1, 2),
    "K10": (3.5 + 8, 2),
    "K11": (1, 2),
    "K12": (17, 4),
    "K13": (4, 6),
    "K14": (16_000, 20_000),
    "K15": (1, 2),
    "K16a": (3_000, 13_000),
    "K16b": (4_000, 12_000),
}


def _order(s: Session, b: Built, name: str, **kw: object) -> WorkOrder:
    calendar = ChineseWorkingCalendar()
    pauses = kw.pop("pauses", [])
    mode = SlaMode.WORKING_DAYS if kw.get("clock_mode") == "working_days" else SlaMode.CALENDAR
    order = WorkOrder(branch_id=b.ids["branch"], order_no=name.upper(), state="dispatched", **kw)
    issued, accepted = order.issued_at, order.accepted_at
    if issued is not None:
        clock = PromisedClock(
            issued, Promise(order.promised_days, mode), [Pause(a, e, "等客户") for a, e in pauses],
            calendar,
        )  # fmt: skip
        order.due_at = clock.due()
        order.on_time = None if accepted is None else clock.on_time(accepted)
    s.add(order)
    s.flush()
    for start, end in pauses:
        s.add(ClockPause(order_id=order.id, started_at=start, ended_at=end, reason="等客户"))
    b.ids[name] = order.id
    return order


def build(path: Path) -> Built:
    engine = open_database(path)
    b = Built(engine)
    with Session(engine) as s, s.begin():
        branch = Branch(code="T1", name="测试分公司")
        g1, g2 = IndustryGroup(code="IT", name="IT行业组"), IndustryGroup(code="FIN", name="金融组")
        s.add_all([branch, g1, g2])
        s.flush()
        b.ids.update(branch=branch.id, g1=g1.id, g2=g2.id)
        am1 = Staff(branch_id=branch.id, login="am1", name="张敏", role="account_manager",
                    industry_group_id=g1.id)  # fmt: skip
        am2 = Staff(branch_id=branch.id, login="am2", name="李强", role="account_manager",
                    industry_group_id=g2.id)  # fmt: skip
        p1 = Product(code="DDN", name="DDN数字电路", family="circuit", promised_days=5)
        p2 = Product(code="FTTB", name="光纤宽带", family="broadband", promised_days=3)
        w1 = Workstation(branch_id=branch.id, code="W1", name="传输工位")
        w2 = Workstation(branch_id=branch.id, code="W2", name="数据工位")
        s.add_all([am1, am2, p1, p2, w1, w2])
        s.flush()
        b.ids.update(am1=am1.id, am2=am2.id, p1=p1.id, p2=p2.id, w1=w1.id, w2=w2.id)

        def customer(key: str, grade: str, group: str, owner: str, opened: datetime,
                     left: datetime | None = None) -> None:  # fmt: skip
            c = Customer(
                branch_id=branch.id, name=f"客户{key}", credit_code="91330100MA2B3C4D5E",
                industry_group_id=b.ids[group], category="enterprise", level="local",
                grade=grade, owner_id=b.ids[owner], opened_at=opened, left_at=left,
                status="left" if left else "active",
            )  # fmt: skip
            s.add(c)
            s.flush()
            b.ids[key] = c.id

        customer("cA", "A", "g1", "am1", at(1, 1, y=2025))
        customer("cB", "B", "g2", "am2", at(1, 1, y=2025), left=at(10, 15, 10))
        customer("cC", "C", "g1", "am1", at(10, 20, 9))
        customer("cD", "A", "g2", "am2", at(1, 1, y=2025), left=at(9, 30, 23, 30))

        def o(name: str, cust: str, owner: str, prod: str, **kw: object) -> WorkOrder:
            working = prod == "p1"
            return _order(
                s, b, name, customer_id=b.ids[cust], owner_id=b.ids[owner],
                product_id=b.ids[prod], promised_days=5 if working else 3,
                clock_mode="working_days" if working else "calendar", **kw,
            )  # fmt: skip

        # Accepted 07:00 local on 1 October = 30 September 23:00Z: October in Shanghai.
        o("o1", "cA", "am1", "p1", issued_at=at(9, 28, 9), accepted_at=at(10, 1, 7),
          satisfaction=5)  # fmt: skip
        # Two return orders; paused 12–14 October; late.
        o("o2", "cB", "am2", "p1", issued_at=at(10, 8, 10), confirm_requested_at=at(10, 8, 10),
          confirmed_at=at(10, 10, 10), accepted_at=at(10, 31, 23, 30), satisfaction=3,
          return_count=2, pauses=[(at(10, 12), at(10, 14))])  # fmt: skip
        # Accepted exactly at period end: November. Confirmation 48 h counted across 调休.
        o("o3", "cA", "am1", "p2", issued_at=at(10, 9, 12), confirm_requested_at=at(10, 9, 12),
          confirmed_at=at(10, 12, 12), accepted_at=at(11, 1), return_count=1)  # fmt: skip
        # Completed but never accepted; confirmation across the holiday.
        o("o4", "cA", "am1", "p1", issued_at=at(10, 12, 9), confirm_requested_at=at(9, 30, 20),
          confirmed_at=at(10, 8, 5), completed_at=at(10, 20))  # fmt: skip
        # Accepted exactly at period start; on time only because of the pause.
        o("o5", "cB", "am2", "p2", issued_at=at(9, 21, 9), accepted_at=at(10, 1),
          return_count=1, pauses=[(at(9, 22, 9), at(9, 30, 9))])  # fmt: skip
        # Fault order on the 调休 Saturday.
        o("o6", "cA", "am1", "p1", kind="fault", issued_at=at(10, 10, 8, 10),
          confirm_requested_at=at(10, 10, 8, 10), confirmed_at=at(10, 12, 9),
          reported_at=at(10, 10, 8), restored_at=at(10, 10, 11, 30),
          accepted_at=at(10, 10, 15), satisfaction=4)  # fmt: skip
        # Fault reported 30 September, restored 06:00 on 1 October (UTC: still September).
        o("o7", "cB", "am2", "p2", kind="fault", reported_at=at(9, 30, 22),
          restored_at=at(10, 1, 6))  # fmt: skip
        # Accepted on the 调休 Saturday, 30 minutes before due (holiday not counted).
        o("o8", "cA", "am1", "p1", issued_at=at(9, 28, 9), accepted_at=at(10, 10, 8, 30),
          satisfaction=5)  # fmt: skip
        # Confirmation one minute over 2 working days (14 h + weekend + 24 h + 10:01).
        o("o9", "cC", "am1", "p2", issued_at=at(10, 23, 10), confirm_requested_at=at(10, 23, 10),
          confirmed_at=at(10, 27, 10, 1))  # fmt: skip

        def step(key: str, order: str, ws: str, seq: int, done: datetime, returns: int) -> None:
            st = WorkOrderStep(
                order_id=b.ids[order], seq=seq, workstation_id=b.ids[ws], planned_minutes=60,
                deadline_at=done, state="done", done_at=done, return_count=returns,
            )  # fmt: skip
            s.add(st)
            s.flush()
            b.ids[key] = st.id

        step("s1", "o2", "w1", 1, at(10, 9, 15), 1)
        step("s2", "o2", "w2", 2, at(10, 13, 12), 1)
        step("s3", "o6", "w1", 1, at(10, 10, 11), 0)
        step("s4", "o8", "w2", 1, at(10, 9, 12), 0)
        step("s5", "o5", "w1", 1, at(9, 29, 12), 1)
        step("s6", "o3", "w2", 1, at(10, 31, 23, 59), 0)
        step("s7", "o1", "w1", 1, at(10, 1, 0, 30), 0)

        def ret(key: str, order: str, st: str | None, reason: str, raised: datetime) -> None:
            r = ReturnOrder(order_id=b.ids[order], step_id=b.ids[st] if st else None,
                            reason=reason, raised_at=raised)  # fmt: skip
            s.add(r)
            s.flush()
            b.ids[key] = r.id

        ret("r1", "o2", "s1", "execution_error", at(10, 9, 11))
        ret("r2", "o2", "s2", "data_error", at(10, 13, 9))
        ret("r3", "o5", "s5", "customer_not_ready", at(9, 25, 10))
        ret("r4", "o3", None, "execution_error", at(11, 1))

        def complaint(key: str, cust: str, received: datetime, closed: datetime | None,
                      followed: datetime | None) -> None:  # fmt: skip
            k = Complaint(customer_id=b.ids[cust], received_at=received, category="质量",
                          description="投诉", deadline_at=received, closed_at=closed,
                          followed_up_at=followed)  # fmt: skip
            s.add(k)
            s.flush()
            b.ids[key] = k.id
            if followed is not None:
                s.add(Visit(customer_id=b.ids[cust], status="done", done_at=followed,
                            complaint_id=k.id))  # fmt: skip

        complaint("k1", "cA", at(10, 1), at(10, 3), None)
        complaint("k2", "cB", at(10, 20), at(11, 2), None)
        complaint("k3", "cA", at(9, 30, 23, 59), at(10, 5), at(10, 8))
        # cA: last done visit exactly 30 days (grade A) before period end.
        s.add(Visit(customer_id=b.ids["cA"], status="done", done_at=at(10, 2)))
        s.add(Visit(customer_id=b.ids["cC"], status="planned", planned_at=at(10, 25)))

        def revenue(cust: str, prod: str, month: date, yuan: int) -> None:
            s.add(RevenueMonth(customer_id=b.ids[cust], product_id=b.ids[prod], month=month,
                               amount=Decimal(yuan)))  # fmt: skip

        revenue("cA", "p1", date(2026, 10, 1), 10_000)
        revenue("cB", "p1", date(2026, 10, 1), 5_000)
        revenue("cC", "p2", date(2026, 10, 1), 1_000)
        revenue("cA", "p1", date(2026, 9, 1), 8_000)
        revenue("cB", "p1", date(2026, 9, 1), 5_000)
        revenue("cA", "p1", date(2025, 10, 1), 12_000)
        for scope, scope_id, yuan in (("branch", branch.id, 20_000), ("group", g1.id, 12_000),
                                      ("am", am1.id, 10_000), ("am", am2.id, 8_000)):  # fmt: skip
            s.add(Target(branch_id=branch.id, scope=scope, scope_id=scope_id, metric="revenue",
                         month=date(2026, 10, 1), amount=Decimal(yuan)))  # fmt: skip
        for owner, group, prod, qty in (("am1", "g1", "p1", 3), ("am1", "g1", "p2", 1),
                                        ("am2", "g2", "p1", 2)):  # fmt: skip
            forecast = DemandForecast(
                branch_id=branch.id, owner_id=b.ids[owner], industry_group_id=b.ids[group],
                product_id=b.ids[prod], period="monthly", month=date(2026, 10, 1), quantity=qty,
            )  # fmt: skip
            s.add(forecast)
    return b


KPI_TARGETS: tuple[tuple[str, str, str, date, float], ...] = (
    # (scope, id key, metric, month, ratio) — KPI targets in the KPI's own unit.
    ("branch", "branch", "K01", date(2026, 10, 1), 0.9),  # value 80 %: not met
    ("branch", "branch", "K12", date(2026, 10, 1), 4.0),  # value 4.25: met
    ("branch", "branch", "K01", date(2026, 9, 1), 0.85),
    ("branch", "branch", "K01", date(2026, 11, 1), 0.95),  # the latest of Q4
    ("group", "g1", "K01", date(2026, 10, 1), 0.75),
    ("am", "am1", "K01", date(2026, 10, 1), 0.8),
)


def add_kpi_targets(b: Built) -> Built:
    """HQ's KPI targets of :data:`KPI_TARGETS`, plus a deleted one (K05) that counts not."""
    with Session(b.engine) as s, s.begin():
        for scope, key, metric, month, ratio in KPI_TARGETS:
            s.add(Target(branch_id=b.ids["branch"], scope=scope, scope_id=b.ids[key],
                         metric=metric, month=month, ratio=ratio))  # fmt: skip
        s.add(Target(branch_id=b.ids["branch"], scope="branch", scope_id=b.ids["branch"],
                     metric="K05", month=date(2026, 10, 1), ratio=0.1,
                     deleted_at=datetime(2026, 10, 2, tzinfo=SHANGHAI)))  # fmt: skip
    return b


def add_staff(b: Built, login: str, role: str, **kw: str) -> Actor:
    """A staff member of the fixture's branch (``kw``: ``industry_group_id`` or
    ``workstation_id`` as keys of ``b.ids``), as an :class:`Actor`. The first leader
    added stands in for the signed-in user of a page (the fixture has no admin)."""
    refs = {column: b.ids[key] for column, key in kw.items()}
    with Session(b.engine) as s, s.begin():
        person = Staff(branch_id=b.ids["branch"], login=login, name=login, role=role, **refs)
        s.add(person)
        s.flush()
        b.ids[login] = person.id
    return Actor(b.ids[login], login, role, b.ids["branch"], refs.get("industry_group_id"),
                 refs.get("workstation_id"))  # fmt: skip


def make_am(b: Built, login: str) -> Actor:
    """One of the fixture's own AMs (``am1``, ``am2``; written with an older role name)
    given the account manager role, as an :class:`Actor` (who may then sign in)."""
    with Session(b.engine) as s, s.begin():
        person = s.get_one(Staff, b.ids[login])
        person.role = "am"
        return Actor(person.id, person.name, "am", person.branch_id, person.industry_group_id)
