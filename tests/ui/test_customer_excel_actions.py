"""The customer page's Excel buttons: preview with problems, commit, export; the
historical work-order import through the same menu and preview."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import sqlalchemy as sa
from PySide6.QtWidgets import QDialog

from kamdesk.db.models import Customer, WorkOrder
from kamdesk.db.startup import open_database
from kamdesk.domain.customers.credit_code import make_credit_code
from kamdesk.services.container import Services
from kamdesk.services.demo import DemoSpec, generate_demo
from kamdesk.ui.customers import excel_actions
from kamdesk.ui.customers.excel_actions import ImportPreview
from kamdesk.ui.customers.list_page import CustomersPage
from kamdesk.ui.tasks import TaskRunner
from tests.services.test_order_import import Account, _march
from tests.services.test_order_import import _sheet as _order_sheet
from tests.ui.conftest import Boxes, Seeded


def _sheet(path: Path, rows: list[list[str]]) -> Path:
    book = openpyxl.Workbook()
    book.active.append(["单位名称", "信用代码"])
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def _live(engine: sa.Engine) -> int:
    with engine.connect() as c:
        query = sa.select(sa.func.count()).select_from(Customer)
        return int(c.execute(query.where(Customer.deleted_at.is_(None))).scalar_one())


@pytest.fixture
def previews(monkeypatch: pytest.MonkeyPatch) -> list[ImportPreview]:
    """Preview dialogs opened; each is answered with its Import button's state."""
    shown: list[ImportPreview] = []

    def answer(dialog: ImportPreview) -> int:
        shown.append(dialog)
        accepted = dialog.import_button.isEnabled()
        return int(QDialog.DialogCode.Accepted if accepted else QDialog.DialogCode.Rejected)

    monkeypatch.setattr(excel_actions.ImportPreview, "exec", answer)
    return shown


def test_import_previews_problems_then_commits_and_export_writes_the_list(
    qtbot: Any,
    engine: sa.Engine,
    seeded: Seeded,
    runner: TaskRunner,
    previews: list[ImportPreview],
    boxes: Boxes,
    tmp_path: Path,
) -> None:
    page = CustomersPage(Services(engine), runner)
    qtbot.addWidget(page)
    rng = random.Random(5)
    good = [make_credit_code(rng, "320100") for _ in range(2)]

    bad = _sheet(tmp_path / "bad.xlsx", [["南京导入一号有限公司", good[0]], ["", "123"]])
    page.excel.preview(bad)
    qtbot.waitUntil(lambda: len(previews) == 1)
    first = previews[0]
    assert not first.import_button.isEnabled() and first.errors_button.isEnabled()
    assert "3" in first.problems.toPlainText()  # the bad row's number
    assert _live(engine) == seeded.customers

    fine = _sheet(
        tmp_path / "fine.xlsx", [["南京导入一号有限公司", good[0]], ["南京导入二号", good[1]]]
    )
    with qtbot.waitSignal(page.excel.imported, timeout=10_000) as imported:
        page.excel.preview(fine)
    assert imported.args == [2] and previews[1].import_button.isEnabled()
    assert _live(engine) == seeded.customers + 2

    out = tmp_path / "list.xlsx"
    boxes.shown.clear()
    page.excel.export(out)
    qtbot.waitUntil(lambda: "information" in boxes.kinds(), timeout=10_000)
    sheet = openpyxl.load_workbook(out).worksheets[0]
    assert sheet.max_row - 1 == _live(engine)  # every active account, header apart
    names = {row[0].value for row in sheet.iter_rows(min_row=2)}
    assert {"南京导入一号有限公司", "南京导入二号"} <= names


@pytest.fixture
def demo_engine(tmp_path: Path) -> Iterator[sa.Engine]:
    """A demo branch: staff of every role, workstations, accounts with groups."""
    engine = open_database(tmp_path / "demo.sqlite")
    generate_demo(engine, DemoSpec(accounts=12, orders=10, seed=3, workers=0))
    yield engine
    engine.dispose()


def _work_orders(engine: sa.Engine) -> int:
    with engine.connect() as c:
        return int(c.execute(sa.select(sa.func.count()).select_from(WorkOrder)).scalar_one())


def test_historical_orders_are_imported_from_the_same_menu_through_the_same_preview(
    qtbot: Any,
    demo_engine: sa.Engine,
    runner: TaskRunner,
    previews: list[ImportPreview],
    boxes: Boxes,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    page = CustomersPage(Services(demo_engine), runner)
    qtbot.addWidget(page)
    with demo_engine.connect() as c:
        rows = c.execute(
            sa.select(Customer.name, Customer.credit_code)
            .where(Customer.grade != "A", Customer.owner_id.is_not(None))
            .order_by(Customer.credit_code)
            .limit(3)
        ).all()
    first, second, third = (Account(name, code) for name, code in rows)
    good = _march((first, second, third))
    bad = _order_sheet(tmp_path / "bad.xlsx", [*good, {**good[0], "满意度": 9}])
    chosen = iter([bad, _order_sheet(tmp_path / "good.xlsx", good)])
    monkeypatch.setattr(excel_actions, "open_file", lambda *args: next(chosen))
    assert "历史工单" in page.excel.orders_action.text() or "historical" in (
        page.excel.orders_action.text().lower()
    )

    page.excel.orders_action.trigger()  # the Excel menu's entry
    qtbot.waitUntil(lambda: len(previews) == 1, timeout=20_000)
    first_preview = previews[0]
    assert not first_preview.import_button.isEnabled() and first_preview.errors_button.isEnabled()
    assert "满意度" in first_preview.problems.toPlainText()
    assert "8" in first_preview.problems.toPlainText()  # the bad row's number
    assert _work_orders(demo_engine) == 10

    with qtbot.waitSignal(page.excel.orders_imported, timeout=30_000) as imported:
        page.excel.orders_action.trigger()
    assert imported.args == [6] and previews[1].import_button.isEnabled()
    assert "6" in previews[1].import_button.text()
    assert _work_orders(demo_engine) == 16
    qtbot.waitUntil(lambda: "information" in boxes.kinds(), timeout=10_000)
