"""Historical work-order import: the template, every bad cell named, all or nothing, the
error workbook that imports once fixed, and imported orders feeding the KPIs as orders
run through the state machine do (raw engine and summary alike, HQ's event check too).

The sheet's month is March 2025 in Asia/Shanghai, before the small demo's data: no
holiday, 3 March a Monday. Hand-computed figures for March:

- H-001 DDN (5 working days) issued Mon 3 Mar 09:00, accepted Thu 6 Mar 16:00:
  on time, 3 d 7 h, no return, satisfaction 5;
- H-002 DDN issued Mon 10 Mar 09:00, due Mon 17 Mar 09:00, accepted Tue 18 Mar 17:00:
  late, 8 d 8 h, one return (execution error), satisfaction 3;
- H-003 fault, 1 calendar day, reported 12 Mar 08:00, issued 08:30, restored 11:30,
  accepted 14:00: on time, 5.5 h, repaired in 3.5 h, satisfaction 4;
- H-004 completed, never accepted: counts in no K01/K02/K04/K12;
- H-005 accepted 1 April 00:30 Shanghai time (31 March 16:30 UTC): April's;
- H-006 issued Mon 24 Mar 09:00, due Mon 31 Mar 09:00, accepted 31 Mar 23:30
  (1 April in UTC+0 wall time): March's, late, 7 d 14.5 h, satisfaction 2.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from kamdesk.db.models import AuditEntry, Customer, OutboxEntry, Staff, WorkOrder
from kamdesk.db.startup import open_database
from kamdesk.domain.clock import SHANGHAI
from kamdesk.domain.kpi import Dimension, parse_period
from kamdesk.domain.progress import Cancelled
from kamdesk.domain.workorders import OrderView, advance, check_event
from kamdesk.errors import KamdeskError
from kamdesk.i18n import set_language
from kamdesk.services.actor import Actor
from kamdesk.services.customer_export import write_error_workbook, write_template
from kamdesk.services.demo import DemoSpec, generate_demo
from kamdesk.services.kpi import KpiService
from kamdesk.services.kpi.summary_read import usable
from kamdesk.services.order_import import (
    ERROR_SHEET,
    ORDER_COLUMNS,
    ORDER_NOTES,
    OrderImportService,
)
from kamdesk.services.workorders import store
from tests.services.test_kpi_summary import assert_same

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=SHANGHAI)
MARCH = parse_period("2025-03")
DIMS = tuple(d for d in Dimension if d is not Dimension.TOTAL)


@dataclass(frozen=True)
class Account:
    name: str
    code: str


@dataclass(frozen=True)
class Branch:
    engine: Engine
    accounts: tuple[Account, Account, Account]

    def actor(self, role: str) -> Actor:
        with Session(self.engine) as s:
            row = s.execute(select(Staff).where(Staff.role == role).order_by(Staff.login)).scalar()
            assert row is not None
            return Actor(row.id, row.name, row.role, row.branch_id, row.industry_group_id)

    def orders(self) -> int:
        with Session(self.engine) as s:
            return int(s.scalar(select(func.count()).select_from(WorkOrder)) or 0)

    def service(self) -> OrderImportService:
        return OrderImportService(self.engine, clock=lambda: NOW)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("history") / "demo.sqlite"
    engine = open_database(path)
    generate_demo(engine, DemoSpec(accounts=12, orders=80, seed=3, workers=0))
    engine.dispose()
    return path


@pytest.fixture
def branch(demo: Path, tmp_path: Path) -> Iterator[Branch]:
    set_language("zh_CN")
    path = tmp_path / "branch.sqlite"
    shutil.copy(demo, path)
    engine = open_database(path)
    with Session(engine) as s:
        rows = s.execute(
            select(Customer.name, Customer.credit_code)
            .where(Customer.grade != "A", Customer.owner_id.is_not(None))
            .order_by(Customer.credit_code)
            .limit(3)
        ).all()
    first, second, third = (Account(name, code) for name, code in rows)
    yield Branch(engine, (first, second, third))
    engine.dispose()


def _sheet(path: Path, rows: list[dict[str, Any]]) -> Path:
    """The generated template with ``rows`` (values by Chinese header) filled in."""
    write_template(path, ORDER_COLUMNS, ORDER_NOTES)
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    unknown = {name for row in rows for name in row} - set(header)
    assert not unknown, unknown
    for values in rows:
        sheet.append([values.get(name) for name in header])
    book.save(path)
    return path


def _march(accounts: tuple[Account, Account, Account]) -> list[dict[str, Any]]:
    a, b, c = accounts
    return [
        {
            "工单编号": "H-001",
            "客户": a.code,
            "产品": "DDN",
            "下发时间": datetime(2025, 3, 3, 9, 0),  # an Excel date cell
            "资源确认时间": "2025-03-03 15:00",
            "工序1工位": "W01",
            "工序1完成时间": "2025-03-04 12:00",
            "工序2工位": "线路施工工位",
            "工序2完成时间": "2025/3/5 18:00",
            "竣工时间": "2025-03-06 10:00",
            "签收时间": "2025年3月6日 16:00",
            "满意度": 5,
        },
        {
            "工单编号": "H-002",
            "客户": b.name,
            "产品": "DDN 数字电路",
            "下发时间": "2025-03-10 09:00",
            "资源确认时间": "2025-03-10 14:00",
            "工序1工位": "W01",
            "工序1完成时间": "2025-03-11 10:00",
            "工序1返单": "执行错误 2025-03-10 16:00",
            "工序2工位": "W04",
            "工序2完成时间": "2025-03-18 12:00",
            "竣工时间": "2025-03-18 15:00",
            "签收时间": "2025-03-18 17:00",
            "满意度": 3,
        },
        {
            "工单编号": "H-003",
            "工单类型": "故障",
            "客户": c.code,
            "产品": "FTTB",
            "承诺时限（天）": 1,
            "计时方式": "自然日",
            "故障申告时间": "2025-03-12 08:00",
            "下发时间": "2025-03-12 08:30",
            "资源确认时间": "2025-03-12 08:40",
            "工序1工位": "W04",
            "工序1完成时间": "2025-03-12 11:00",
            "故障恢复时间": "2025-03-12 11:30",
            "竣工时间": "2025-03-12 12:00",
            "签收时间": "2025-03-12 14:00",
            "满意度": 4,
        },
        {
            "工单编号": "H-004",
            "客户": a.code,
            "产品": "FTTB",
            "下发时间": "2025-03-20 10:00",
            "资源确认时间": "2025-03-21 10:00",
            "工序方式": "并行",
            "工序1工位": "W04",
            "工序1完成时间": "2025-03-24 10:00",
            "工序2工位": "W05",
            "工序2完成时间": "2025-03-23 18:00",
            "工序2返单": "客户未就绪",
            "竣工时间": "2025-03-24 12:00",
        },
        {
            "工单编号": "H-005",
            "客户": b.code,
            "产品": "DDN",
            "下发时间": "2025-03-28 09:00",
            "资源确认时间": "2025-03-28 10:00",
            "工序1工位": "W04",
            "工序1完成时间": "2025-03-31 20:00",
            "竣工时间": "2025-04-01 00:10",
            "签收时间": "2025-04-01 00:30",
            "满意度": 1,
        },
        {
            "工单编号": "H-006",
            "客户": c.name,
            "产品": "DDN",
            "下发时间": "2025-03-24 09:00",
            "资源确认时间": "2025-03-24 10:00",
            "工序1工位": "W04",
            "工序1完成时间": "2025-03-31 20:00",
            "竣工时间": "2025-03-31 23:00",
            "签收时间": "2025-03-31 23:30",
            "满意度": 2,
        },
    ]


def _figures(engine: Engine, period: str, *, raw: bool) -> dict[str, tuple[float, float]]:
    pack = KpiService(engine, use_summary=not raw).pack(parse_period(period), (), actor=None)
    return {code: (f.numerator, f.denominator) for code, f in pack.total.figures.items()}


def test_the_template_has_chinese_headers_and_a_notes_sheet(tmp_path: Path) -> None:
    set_language("zh_CN")
    path = tmp_path / "template.xlsx"
    write_template(path, ORDER_COLUMNS, ORDER_NOTES)
    book = openpyxl.load_workbook(path)
    data, notes = book.worksheets
    header = [cell.value for cell in data[1]]
    assert header[:4] == ["工单编号", "工单类型", "客户", "产品"]
    expected = (
        "下发时间 资源确认单 资源确认时间 工序1工位 工序1完成时间 工序1返单 工序6返单 "
        "竣工时间 签收时间 满意度 故障申告时间 故障恢复时间"
    )
    for name in expected.split():
        assert name in header
    assert data.max_row == 1 and data.freeze_panes == "A2"
    described = [row[0].value for row in notes.iter_rows(min_row=2)]
    assert described[: len(header)] == header  # one line per column, in order
    assert notes.max_row - 1 == len(header) + len(ORDER_NOTES) + 1


def test_imported_orders_give_the_hand_computed_kpis_and_the_summary_agrees(
    branch: Branch, tmp_path: Path
) -> None:
    with Session(branch.engine) as s:
        assert not usable(s, MARCH)  # the demo's summary starts in November 2025
    demo_october = _figures(branch.engine, "2026-10", raw=True)
    path = _sheet(tmp_path / "march.xlsx", _march(branch.accounts))
    service = branch.service()

    dry = service.run(path, branch.actor("leader"), dry_run=True)
    assert dry.clean and not dry.committed and branch.orders() == 80, dry.rows
    report = service.run(path, branch.actor("leader"), dry_run=False)
    assert report.committed and report.accepted == 6 and branch.orders() == 86

    with Session(branch.engine) as s:
        states = dict(
            s.execute(
                select(WorkOrder.order_no, WorkOrder.state).where(WorkOrder.order_no.like("H-%"))
            )
            .tuples()
            .all()
        )
        on_time = dict(s.execute(select(WorkOrder.order_no, WorkOrder.on_time)).tuples().all())
        assert usable(s, MARCH)  # the import widened the summary to its months
    assert states == {
        "H-001": "archived",
        "H-002": "archived",
        "H-003": "archived",
        "H-004": "completed",
        "H-005": "archived",
        "H-006": "archived",
    }
    assert [on_time[f"H-00{n}"] for n in (1, 2, 3, 6)] == [True, False, True, False]

    expected = {
        "K01": (2, 4),
        "K02": (3 + 7 / 24 + 8 + 8 / 24 + 5.5 / 24 + 7 + 14.5 / 24, 4),
        "K04": (3, 4),
        "K10": (3.5, 1),
        "K12": (14, 4),
    }
    for raw in (True, False):
        march = _figures(branch.engine, "2025-03", raw=raw)
        for code, (numerator, denominator) in expected.items():
            assert march[code] == (pytest.approx(numerator), denominator), (code, raw)
        april = _figures(branch.engine, "2025-04", raw=raw)
        assert (april["K01"], april["K12"]) == ((1, 1), (1, 1))  # H-005, by Shanghai time
    assert _figures(branch.engine, "2026-10", raw=True) == demo_october

    raw_engine, summary = KpiService(branch.engine, use_summary=False), KpiService(branch.engine)
    for text in ("2025-03", "2025-04", "2025-Q1", "2026-10"):
        period = parse_period(text)
        assert_same(
            raw_engine.pack(period, DIMS, with_previous=True, actor=None),
            summary.pack(period, DIMS, with_previous=True, actor=None),
        )


def test_hq_accepts_every_imported_event_and_sync_and_audit_see_the_import(
    branch: Branch, tmp_path: Path
) -> None:
    path = _sheet(tmp_path / "march.xlsx", _march(branch.accounts))
    with Session(branch.engine) as s:
        outbox_before = s.scalar(select(func.count()).select_from(OutboxEntry))
    assert branch.service().run(path, branch.actor("admin"), dry_run=False).committed
    with Session(branch.engine) as s:
        ids = s.scalars(select(WorkOrder.id).where(WorkOrder.order_no.like("H-%"))).all()
        checked = 0
        for order_id in ids:
            view: OrderView | None = None
            for event in store.load_events(s, order_id):
                staff = s.get(Staff, event.actor_id)
                assert staff is not None
                author = Actor(
                    staff.id,
                    staff.name,
                    staff.role,
                    staff.branch_id,
                    staff.industry_group_id,
                    staff.workstation_id,
                )
                check_event(view, event, store.domain_actor(s, author))  # as HQ's push does
                view = advance(view, event)
                checked += 1
        assert checked > 6 * 10
        outbox = s.scalar(select(func.count()).select_from(OutboxEntry))
        imports = s.scalars(
            select(AuditEntry.details).where(
                AuditEntry.action == "import", AuditEntry.entity == "work_orders"
            )
        ).all()
    assert (outbox or 0) - (outbox_before or 0) >= checked
    assert [d["rows"] for d in imports] == [6]


def _bad_rows(branch: Branch, existing: str) -> list[dict[str, Any]]:
    a = branch.accounts[0]
    base = {"客户": a.code, "产品": "DDN", "下发时间": "2025-03-03 09:00"}
    done = {
        "资源确认时间": "2025-03-03 15:00",
        "工序1工位": "W01",
        "工序1完成时间": "2025-03-04 12:00",
    }
    return [
        {**base, "工单编号": "B-01", "客户": "不存在的公司"},
        {**base, "工单编号": "B-02", "下发时间": "明天上午"},
        {**base, "工单编号": "B-03", "下发时间": "2030-01-01 09:00"},
        {**base, **done, "工单编号": "B-04", "工序1工位": "W99", "竣工时间": "2025-03-04 13:00",
         "签收时间": "2025-03-04 10:00", "满意度": 7},
        {**base, "工单编号": "B-05", "资源确认时间": "2025-03-03 15:00", "工序2工位": "W04",
         "工序2完成时间": "2025-03-05 12:00"},
        {**base, "工单编号": "B-05"},
        {**base, "工单编号": existing},
        {**base, **done, "工单编号": "B-06", "工序1返单": "天气不好 2025-03-04 08:00"},
        {**base, "工单编号": "B-07", "故障恢复时间": "2025-03-04 08:00"},
        {**base, "工单编号": "B-08", "下发时间": datetime(2025, 3, 7, 14, 45)},
    ]  # fmt: skip


FIXES: dict[int, dict[str, Any]] = {
    0: {"客户": None},  # filled with the account's code below
    1: {"下发时间": "2025-03-03 09:00"},
    2: {"下发时间": "2025-03-05 09:00"},
    3: {"工序1工位": "W01", "签收时间": "2025-03-04 15:00", "满意度": 4},
    4: {"工序1工位": "W01", "工序1完成时间": "2025-03-04 10:00"},
    5: {"工单编号": "B-09"},
    6: {"工单编号": "B-10"},
    7: {"工序1返单": "数据错误 2025-03-04 08:00"},
    8: {"工单类型": "故障", "故障申告时间": "2025-03-03 08:00", "资源确认时间": "2025-03-03 10:00",
        "工序1工位": "W04", "工序1完成时间": "2025-03-04 07:00"},
}  # fmt: skip


def test_every_bad_cell_is_named_nothing_is_written_and_the_fixed_sheet_imports(
    branch: Branch, tmp_path: Path
) -> None:
    with Session(branch.engine) as s:
        existing = s.scalars(select(WorkOrder.order_no).order_by(WorkOrder.order_no)).first()
    assert existing is not None
    rows = _bad_rows(branch, existing)
    path = _sheet(tmp_path / "bad.xlsx", rows)
    leader = branch.actor("leader")
    report = branch.service().run(path, leader, dry_run=False)
    assert not report.committed and branch.orders() == 80
    assert (report.accepted, report.rejected, report.duplicates) == (1, 9, 2)
    problems = ["\n".join(r.problems) for r in report.rows]
    assert "客户：" in problems[0] and "不存在的公司" in problems[0]
    assert "下发时间：" in problems[1] and "明天上午" in problems[1]
    assert "下发时间：" in problems[2] and "2030-01-01 09:00" in problems[2]
    for header in ("工序1工位：", "签收时间：", "满意度："):
        assert header in problems[3]
    assert "竣工时间" in problems[3].split("签收时间：")[1]  # accepted before completion
    assert "工序1工位：" in problems[4]  # the gap before step 2
    assert "工单编号：" in problems[5] and "6" in problems[5]  # the row of the first B-05
    assert "工单编号：" in problems[6] and existing in problems[6]
    assert "工序1返单：" in problems[7] and "天气不好" in problems[7]
    assert "故障恢复时间：" in problems[8]
    assert report.rows[9].accepted
    assert [r.duplicate for r in report.rows] == [False] * 5 + [True, True] + [False] * 3

    errors = tmp_path / "errors.xlsx"
    assert write_error_workbook(report, errors, ERROR_SHEET) == 9
    book = openpyxl.load_workbook(errors)
    sheet = book.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    assert sheet.title == ERROR_SHEET and header[-1] == "问题"
    for row in sheet.iter_rows(min_row=2):
        assert (row[-1].value is not None) == (row[0].row <= 10)  # problems first
    fixes = {**FIXES, 0: {"客户": branch.accounts[0].code}}
    for index, fix in fixes.items():
        for name, value in fix.items():  # the bad rows come first, in sheet order
            sheet.cell(index + 2, header.index(name) + 1).value = value
    book.save(errors)

    again = branch.service().run(errors, leader, dry_run=False)
    assert again.committed and again.accepted == 10, [r.problems for r in again.rows]
    assert branch.orders() == 90
    with Session(branch.engine) as s:
        issued = s.scalar(select(WorkOrder.issued_at).where(WorkOrder.order_no == "B-08"))
    assert issued == datetime(2025, 3, 7, 14, 45, tzinfo=SHANGHAI)  # the time survived


def test_only_the_leader_or_admin_may_import_and_a_cancel_leaves_nothing(
    branch: Branch, tmp_path: Path
) -> None:
    a = branch.accounts[0]
    rows = [
        {"工单编号": f"C-{i:03d}", "客户": a.code, "产品": "DDN", "下发时间": "2025-03-03 09:00"}
        for i in range(25)
    ]
    path = _sheet(tmp_path / "many.xlsx", rows)
    for role in ("clerk", "am", "industry_manager"):
        with pytest.raises(KamdeskError) as refused:
            branch.service().run(path, branch.actor(role), dry_run=True)
        assert refused.value.code == "order_import.not_allowed"
    with pytest.raises(Cancelled):
        branch.service().run(path, branch.actor("leader"), dry_run=False, cancel=lambda: True)
    assert branch.orders() == 80
    report = branch.service().run(path, branch.actor("leader"), dry_run=False)
    assert report.committed and branch.orders() == 105
    with Session(branch.engine) as s:
        states = set(s.scalars(select(WorkOrder.state).where(WorkOrder.order_no.like("C-%"))))
    assert states == {"issued"}  # waiting for the resource confirmation


def test_the_guide_documents_every_column() -> None:
    guide = Path(__file__).resolve().parents[2] / "docs" / "guide" / "historical-orders.md"
    text = guide.read_text(encoding="utf-8")
    for column in ORDER_COLUMNS:
        if column.header.startswith("工序") and not column.header.startswith("工序1"):
            continue  # 工序2 … 工序6 are documented with 工序1
        assert f"| {column.header}" in text, column.header
