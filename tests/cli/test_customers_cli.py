"""``kamdesk template|import|export customers`` on a small demo database."""

from __future__ import annotations

import random
import sqlite3
import zipfile
from pathlib import Path

import openpyxl
import pytest

from kamdesk.cli import main
from kamdesk.db.startup import open_database
from kamdesk.domain.customers.credit_code import make_credit_code
from kamdesk.i18n import set_language
from kamdesk.services.demo import DemoSpec, generate_demo


@pytest.fixture
def demo_db(tmp_path: Path) -> Path:
    set_language("zh_CN")
    path = tmp_path / "demo.sqlite"
    engine = open_database(path)
    generate_demo(engine, DemoSpec(accounts=30, orders=10, seed=3, workers=0))
    engine.dispose()
    return path


def _live(db: Path) -> int:
    with sqlite3.connect(db) as c:
        sql = "SELECT count(*) FROM customers WHERE deleted_at IS NULL AND status = 'active'"
        return int(c.execute(sql).fetchone()[0])


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _fill_template(path: Path, rows: list[list[str]]) -> None:
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    for values in rows:
        sheet.append(values)
        for cell in sheet[sheet.max_row]:
            cell.data_type = "s"  # typed text, as Excel keeps '=...
    book.save(path)


def test_template_import_and_export_round_trip(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = ["--db", str(demo_db)]
    sheet = tmp_path / "in.xlsx"
    code, out, _ = _run(capsys, "template", "customers", str(sheet))
    assert code == 0 and sheet.is_file()

    rng = random.Random(11)
    good = [make_credit_code(rng, "330100") for _ in range(3)]
    _fill_template(
        sheet,
        [
            ['=HYPERLINK("http://evil","点我")', good[0]],
            ["杭州命令行测试二号有限公司", good[1]],
            ["杭州命令行测试三号有限公司", "123"],
        ],
    )
    before = _live(demo_db)
    errors = tmp_path / "errors.xlsx"
    code, out, err = _run(
        capsys, "import", "customers", str(sheet), "--dry-run", "--errors", str(errors), *db
    )
    assert code == 1 and "2" in out and "1" in out
    assert "4" in err  # the bad row's number on the sheet
    assert errors.is_file() and _live(demo_db) == before

    fixed = openpyxl.load_workbook(errors)
    bad = fixed.worksheets[0]
    assert bad.cell(2, 1).value == "杭州命令行测试三号有限公司"
    bad.cell(2, 2).value = good[2]
    fixed.save(errors)
    code, out, _ = _run(capsys, "import", "customers", str(errors), "--dry-run", *db)
    assert code == 0 and _live(demo_db) == before
    code, out, _ = _run(capsys, "import", "customers", str(errors), *db)
    assert code == 0 and _live(demo_db) == before + 3

    exported = tmp_path / "out.xlsx"
    code, out, _ = _run(capsys, "export", "customers", str(exported), *db)
    assert code == 0
    book = openpyxl.load_workbook(exported)
    ws = book.worksheets[0]
    assert ws.max_row == before + 4  # header + every live account, no cap
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref
    names = [row[0].value for row in ws.iter_rows(min_row=2)]
    assert '=HYPERLINK("http://evil","点我")' in names
    shown = {(r[3].value, r[4].value, r[8].value) for r in ws.iter_rows(min_row=2)}
    categories, levels, states = (set(column) for column in zip(*shown, strict=True))
    assert "本地大客户" in categories and {"本地级", "省级"} & levels and "在网" in states
    assert not any(text.isascii() for text in categories | levels | states)  # no codes
    with zipfile.ZipFile(exported) as archive:
        assert b"<f>" not in archive.read("xl/worksheets/sheet1.xml")

    code, _, _ = _run(capsys, "export", "customers", str(exported), "--grade", "A", *db)
    only_a = openpyxl.load_workbook(exported).worksheets[0]
    assert code == 0 and {r[2].value for r in only_a.iter_rows(min_row=2)} <= {"A"}
    args = ("--level", "local", "--visit", "overdue")
    code, _, _ = _run(capsys, "export", "customers", str(exported), *args, *db)
    narrowed = list(openpyxl.load_workbook(exported).worksheets[0].iter_rows(min_row=2))
    assert code == 0 and 0 < len(narrowed) < before
    assert {r[4].value for r in narrowed} == {"本地级"}


def test_a_hostile_file_exits_1_with_a_message(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv = tmp_path / "renamed.xlsx"
    csv.write_text("客户名称,统一社会信用代码\n", encoding="utf-8")
    code, _, err = _run(capsys, "--db", str(demo_db), "import", "customers", str(csv))
    assert code == 1 and "renamed.xlsx" in err


def test_key_person_template_and_dry_run(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sheet = tmp_path / "kp.xlsx"
    code, _, _ = _run(capsys, "template", "key-persons", str(sheet))
    assert code == 0
    assert openpyxl.load_workbook(sheet).worksheets[0]["A1"].value == "客户统一社会信用代码"
    _fill_template(sheet, [["91330100MA00000000", "张三", "决策者"]])
    code, out, err = _run(
        capsys, "--db", str(demo_db), "import", "key-persons", str(sheet), "--dry-run"
    )
    assert code == 1 and "91330100MA00000000" in err
