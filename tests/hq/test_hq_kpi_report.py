"""``kamdesk-hq report kpi``: every branch's K01–K16 side by side, from the rows the
desktops synced over real HTTP, equal to what each branch's own desktops compute
(SQLite and PostgreSQL HQ). The PDF is read back with pdftotext, the workbook with
openpyxl."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from kamdesk import i18n
from kamdesk.commands.hq import main
from kamdesk.db.models import (
    Complaint,
    Customer,
    DemandForecast,
    ReturnOrder,
    RevenueMonth,
    Visit,
    WorkOrder,
    WorkOrderStep,
)
from kamdesk.domain.clock import SHANGHAI
from kamdesk.domain.kpi import KPIS, Dimension, Figure, month
from kamdesk.domain.kpi.definitions import format_part, format_value
from kamdesk.domain.kpi.figures import DIMENSION_LABELS
from kamdesk.hq.publish import publish_rows
from kamdesk.i18n import tr
from kamdesk.services.kpi import KpiService
from kamdesk.services.uow import write_session
from tests.hq.sync_support import Desk
from tests.hq.sync_world import BOTH_BACKENDS, COMMON, BranchRefs, World

pytestmark = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils not installed")

OCTOBER = month(2026, 10)
Figures = dict[str, Figure]


def at(m: int, d: int, h: int = 10, y: int = 2026) -> datetime:
    return datetime(y, m, d, h, tzinfo=SHANGHAI)


@pytest.fixture()
def zh() -> Iterator[None]:
    previous = i18n.current_language()
    i18n.set_language("zh_CN")
    yield
    i18n.set_language(previous)


def publish_kpi_reference(world: World, refs: BranchRefs, target_yuan: int, sla_days: int) -> str:
    """A workstation, the branch's revenue target for October and its own confirmation
    rule (branches differ: the KPI engine must use each branch's); the workstation id."""
    low = refs.code.lower()
    station = f"{low}-ws"
    rows = {
        "workstations": {"id": station, "branch_id": refs.branch_id, "code": "W1",
                         "name": "传输工位"},
        "targets": {"id": f"{low}-target", "branch_id": refs.branch_id, "scope": "branch",
                    "scope_id": refs.branch_id, "metric": "revenue", "month": "2026-10-01",
                    "amount": f"{target_yuan}.00", "ratio": None, "notes": ""},
        "sla_rules": {"id": f"{low}-confirm", "kind": "confirmation", "product_id": None,
                      "grade": None, "days": sla_days, "clock_mode": "calendar"},
    }  # fmt: skip
    for table, row in rows.items():
        publish_rows(world.admin_db, refs.code, table, [{**row, **COMMON}])
    return station


def add_activity(desk: Desk, refs: BranchRefs, station: str, tag: str, n: int) -> dict[str, str]:
    """October activity of one desktop, ``n`` scaling it: accounts (one opened in
    October, one leaving), completed, confirmed, fault and demand orders, a step and an
    execution-error return, complaints, a visit, revenue and a forecast. Returns ids."""
    ids: dict[str, str] = {}
    with write_session(desk.engine) as s:

        def customer(key: str, grade: str, opened: datetime) -> Customer:
            c = Customer(branch_id=refs.branch_id, name=f"{tag}客户{key}",
                         credit_code="91330100MA2B3C4D5E", category="enterprise", level="local",
                         grade=grade, owner_id=refs.staff_id, industry_group_id=refs.group_id,
                         opened_at=opened)  # fmt: skip
            s.add(c)
            s.flush()
            ids[key] = c.id
            return c

        old = customer("old", "A", at(1, 5, y=2025))
        leaving = customer("leaving", "B", at(3, 1, y=2025))
        customer("new", "C", at(10, 9))
        serial = iter(range(1, 1000))

        def order(cust: Customer, **kw: Any) -> WorkOrder:
            o = WorkOrder(branch_id=refs.branch_id, order_no=f"{tag}-{next(serial)}",
                          customer_id=cust.id, owner_id=refs.staff_id,
                          product_id=refs.product_id, state="dispatched", promised_days=5,
                          clock_mode="calendar", **kw)  # fmt: skip
            s.add(o)
            s.flush()
            return o

        for i in range(n):
            o = order(old, issued_at=at(9, 20 + i), due_at=at(9, 25 + i),
                      accepted_at=at(10, 2 + 3 * i, 9 + i), on_time=i % 2 == 0,
                      satisfaction=3 + i % 3, return_count=i % 2)  # fmt: skip
            step = WorkOrderStep(order_id=o.id, seq=1, workstation_id=station,
                                 planned_minutes=60, deadline_at=at(10, 3 + i), state="done",
                                 done_at=at(10, 3 + i, 15), return_count=i % 2)  # fmt: skip
            s.add(step)
            s.flush()
            if i % 2:
                s.add(ReturnOrder(order_id=o.id, step_id=step.id, reason="execution_error",
                                  raised_at=at(10, 3 + i, 11)))  # fmt: skip
        order(leaving, issued_at=at(10, 8), confirm_requested_at=at(10, 8),
              confirmed_at=at(10, 8 + n, 9))  # fmt: skip
        order(old, kind="fault", issued_at=at(10, 14), reported_at=at(10, 14, 8),
              restored_at=at(10, 14, 8 + n))  # fmt: skip
        dropped = order(old, issued_at=at(10, 15), accepted_at=at(10, 20), on_time=False)
        ids["dropped"] = dropped.id
        for k in range(n):
            s.add(Complaint(customer_id=old.id, received_at=at(10, 10 + k), category="质量",
                            description="投诉", deadline_at=at(10, 12 + k),
                            closed_at=at(10, 12 + k),
                            followed_up_at=at(10, 13 + k) if k % 2 == 0 else None))  # fmt: skip
        s.add(Visit(customer_id=old.id, status="done", done_at=at(10, 20)))
        for m, yuan in ((date(2026, 10, 1), 9_000 * n), (date(2026, 9, 1), 8_000),
                        (date(2025, 10, 1), 7_000)):  # fmt: skip
            s.add(RevenueMonth(customer_id=old.id, product_id=refs.product_id, month=m,
                               amount=Decimal(yuan)))  # fmt: skip
        forecast = DemandForecast(
            branch_id=refs.branch_id, owner_id=refs.staff_id, industry_group_id=refs.group_id,
            product_id=refs.product_id, period="monthly", month=date(2026, 10, 1), quantity=n + 2,
        )  # fmt: skip
        s.add(forecast)
    return ids


def later_edits(desk: Desk, ids: dict[str, str]) -> None:
    """After a first sync: an account leaves in October (its row now comes after its
    orders in HQ's changelog) and an order is tombstoned (it must stop counting)."""
    with write_session(desk.engine) as s:
        leaving = s.get_one(Customer, ids["leaving"])
        leaving.left_at, leaving.status = at(10, 18), "left"
        s.get_one(WorkOrder, ids["dropped"]).deleted_at = at(10, 25)


def desk_figures(desk: Desk) -> Figures:
    """The branch desktop's own KPI figures of October (summary and raw engine agree)."""
    own = dict(KpiService(desk.engine).pack(OCTOBER, (), actor=None).total.figures)
    raw = dict(
        KpiService(desk.engine, use_summary=False).pack(OCTOBER, (), actor=None).total.figures
    )
    assert own == raw
    return own


@pytest.fixture()
def two_branches(hq_world: World) -> list[tuple[str, Figures]]:
    """Branch A with two desktops, branch B with one, all synced to quiet; each
    branch's name and its desktops' figures (which the desktops agree on)."""
    a, b = hq_world.branch(), hq_world.branch()
    station_a = publish_kpi_reference(hq_world, a, 20_000, 2)
    station_b = publish_kpi_reference(hq_world, b, 50_000, 4)
    a1, a2, b1 = hq_world.desk(a, "a1"), hq_world.desk(a, "a2"), hq_world.desk(b, "b1")
    ids_a = add_activity(a1, a, station_a, "a1", 3)
    add_activity(a2, a, station_a, "a2", 2)
    ids_b = add_activity(b1, b, station_b, "b1", 4)
    for desk in (a1, a2, b1):
        assert desk.sync.sync_now().complete
    later_edits(a1, ids_a)
    later_edits(b1, ids_b)
    for desk in (a1, a2, b1, a1, a2):
        assert desk.sync.sync_now().complete
    figures_a = desk_figures(a1)
    assert desk_figures(a2) == figures_a
    figures_b = desk_figures(b1)
    assert figures_a != figures_b
    # one confirmation per desktop, 1 day 23 h to 3 days 23 h: on time by the branch's rule
    assert (figures_a["K03b"].numerator, figures_a["K03b"].denominator) == (1, 2)
    assert (figures_b["K03b"].numerator, figures_b["K03b"].denominator) == (1, 1)
    return [(f"测试分公司{a.code}", figures_a), (f"测试分公司{b.code}", figures_b)]


def _pdf_text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def _printed_parts(text: str, names: list[str]) -> dict[str, list[str]]:
    """Per branch, the cells of its lines in the detail section, in KPI order."""
    heading = tr(
        "{dimension} in detail: value, numerator and denominator of every KPI",
        dimension=tr(DIMENSION_LABELS[Dimension.BRANCH]),
    )
    section = text.split(heading, 1)[1].split(tr("Appendix: KPI definitions"), 1)[0]
    cells: dict[str, list[str]] = {name: [] for name in names}
    for line in section.splitlines():
        tokens = line.split()
        if tokens and tokens[0] in cells:
            cells[tokens[0]] += tokens[1:]
    return cells


@pytest.mark.parametrize("hq_world", BOTH_BACKENDS, indirect=True)
def test_every_branch_side_by_side_equals_its_desktops(
    hq_world: World,
    two_branches: list[tuple[str, Figures]],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    zh: None,
) -> None:
    out = tmp_path / "报表"
    assert main(["report", "kpi", "--period", "2026-10", "--out", str(out),
                 "--db", hq_world.db_url]) == 0  # fmt: skip
    pdf, xlsx = out / "kpi-branches-2026-10.pdf", out / "kpi-branches-2026-10.xlsx"
    assert capsys.readouterr().out.split() == [str(pdf), str(xlsx)]
    names = [name for name, _ in two_branches]
    expected = dict(two_branches)

    text = _pdf_text(pdf)
    printed = _printed_parts(text, names)
    book = openpyxl.load_workbook(xlsx)
    label = tr(DIMENSION_LABELS[Dimension.BRANCH])
    sheet = book[tr("{dimension} in detail", dimension=label)]
    header = next(sheet.iter_rows(max_row=1, values_only=True))
    rows = {r[0]: r[1:] for r in sheet.iter_rows(min_row=2, values_only=True) if r[0]}
    assert sorted(rows) == sorted(names)
    for name, figures in expected.items():
        assert len(printed[name]) == 3 * len(KPIS), printed[name]
        for i, kpi in enumerate(KPIS):
            fig = figures[kpi.code]
            shown = [format_value(kpi, fig.value), format_part(fig.numerator),
                     format_part(fig.denominator)]  # fmt: skip
            assert printed[name][3 * i : 3 * i + 3] == shown, (name, kpi.code)
            assert header[1 + 3 * i].startswith(kpi.code)
            value, numerator, denominator = rows[name][3 * i : 3 * i + 3]
            assert value == (None if fig.value is None else pytest.approx(fig.value))
            assert (numerator, denominator) == (
                pytest.approx(fig.numerator),
                pytest.approx(fig.denominator),
            ), (name, kpi.code)

    # the all-branches total: sums of the branches' numerators and denominators
    summary = {r[0]: r for r in book.worksheets[0].iter_rows(min_row=7, values_only=True) if r[0]}
    lines: dict[str, list[str]] = {}
    for line in text.splitlines():  # the summary comes before every other table
        tokens = line.split()
        if tokens:
            lines.setdefault(tokens[0], tokens)
    for kpi in KPIS:
        num = sum(f[kpi.code].numerator for f in expected.values())
        den = sum(f[kpi.code].denominator for f in expected.values())
        assert summary[kpi.code][3:5] == (pytest.approx(num), pytest.approx(den)), kpi.code
        assert format_part(num) in lines[kpi.code]
        assert format_part(den) in lines[kpi.code]


def test_an_unknown_branch_is_refused(
    hq_world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hq_world.branch()
    code = main(["--lang", "en", "report", "kpi", "--period", "2026-10", "--branch", "NOPE",
                 "--out", str(tmp_path), "--db", hq_world.db_url])  # fmt: skip
    assert code == 1
    assert "There is no branch NOPE." in capsys.readouterr().err
    assert not list(tmp_path.iterdir())
