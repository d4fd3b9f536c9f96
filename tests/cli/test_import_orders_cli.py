"""``kamdesk template orders`` and ``kamdesk import orders FILE [--dry-run] [--errors]``."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import openpyxl
import pytest

from kamdesk.cli import main
from kamdesk.db.startup import open_database
from kamdesk.i18n import set_language
from kamdesk.services.demo import DemoSpec, generate_demo
from tests.services.test_order_import import Account, _march


@pytest.fixture
def demo_db(tmp_path: Path) -> Path:
    set_language("zh_CN")
    path = tmp_path / "demo.sqlite"
    engine = open_database(path)
    generate_demo(engine, DemoSpec(accounts=12, orders=80, seed=3, workers=0))
    engine.dispose()
    return path


def _orders(db: Path) -> int:
    with sqlite3.connect(db) as c:
        return int(c.execute("SELECT count(*) FROM work_orders").fetchone()[0])


def _accounts(db: Path) -> tuple[Account, Account, Account]:
    with sqlite3.connect(db) as c:
        rows = c.execute(
            "SELECT name, credit_code FROM customers WHERE grade != 'A' AND owner_id IS NOT NULL "
            "ORDER BY credit_code LIMIT 3"
        ).fetchall()
    first, second, third = (Account(name, code) for name, code in rows)
    return first, second, third


def _fill(path: Path, rows: list[dict[str, object]]) -> None:
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    for values in rows:
        sheet.append([values.get(str(name)) for name in header])
    book.save(path)


def test_template_dry_run_errors_and_import(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = ["--db", str(demo_db)]
    sheet = tmp_path / "历史工单.xlsx"
    assert main(["template", "orders", str(sheet)]) == 0
    rows = _march(_accounts(demo_db))
    _fill(sheet, [*rows, {**rows[0], "工单编号": "H-001", "满意度": 9}])
    capsys.readouterr()

    errors = tmp_path / "errors.xlsx"
    code = main(["import", "orders", str(sheet), "--dry-run", "--errors", str(errors), *db])
    out, err = capsys.readouterr()
    assert code == 1 and _orders(demo_db) == 80
    assert "row 8" in err or "第 8 行" in err  # the bad row's number on the sheet
    assert "工单编号" in err and "满意度" in err
    bad = openpyxl.load_workbook(errors).worksheets[0]
    assert bad.title == "工单" and bad.cell(2, 1).value == "H-001"

    book = openpyxl.load_workbook(sheet)
    book.worksheets[0].delete_rows(8)
    book.save(sheet)
    assert main(["import", "orders", str(sheet), "--dry-run", *db]) == 0
    assert _orders(demo_db) == 80
    assert main(["import", "orders", str(sheet), *db]) == 0
    out, _ = capsys.readouterr()
    assert "6" in out and _orders(demo_db) == 86
    assert main(["import", "orders", str(sheet), *db]) == 1  # the numbers are taken now
    assert _orders(demo_db) == 86
