"""The streaming flat workbook reads back, cell for cell, in openpyxl and LibreOffice."""

from __future__ import annotations

import csv
import shutil
import subprocess
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from kamdesk.reports.flat_xlsx import FlatWorkbook

SOFFICE = shutil.which("soffice")
HEADERS = [("名称", 30), ("金额", 12), ("数量", 8), ("日期", 12), ("是否", 6), ("备注", 20)]
HOSTILE = [
    '=HYPERLINK("http://evil","点我")',
    "A & B <公司> \"引号\" 'x'",
    "控制\x01字符\x1f",
    "_x0041_ stays literal",
    "  leading and trailing  ",
]


def _write(path: Path) -> None:
    with FlatWorkbook(path) as book:
        sheet = book.add_sheet("客户", HEADERS)
        for i, text in enumerate(HOSTILE):
            sheet.append(
                (text, Decimal("1234.5") + i, i, date(2026, 11, i + 1), i % 2 == 0, None),
                marked=i == 1,
            )
        sheet.append(("时间", None, 2.5, datetime(2026, 11, 30, 9, 15, 7), False, ""))
        notes = book.add_sheet("说明", [("列", 10)])
        notes.append(("第二张表",))


def test_cells_come_back_with_their_types_and_text(tmp_path: Path) -> None:
    path = tmp_path / "flat.xlsx"
    _write(path)
    book = load_workbook(path)
    sheet, notes = book.worksheets
    assert [c.value for c in sheet[1]] == [h for h, _ in HEADERS]
    assert sheet[1][0].font.b and sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:F7"
    assert sheet.column_dimensions["A"].width == 30
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert [r[0] for r in rows[:5]] == [
        *HOSTILE[:2],
        "控制_x0001_字符_x001F_",  # Excel's escapes: openpyxl keeps them in inline text
        "_x005F_x0041_ stays literal",
        HOSTILE[4],
    ]
    assert rows[0][1:5] == [1234.5, 0, "2026-11-01", True]
    assert sheet["B2"].number_format == "#,##0.00" and sheet["B2"].data_type == "n"
    assert sheet["A2"].data_type == "s"  # text, never a formula
    assert sheet["A3"].fill.fgColor.rgb == "FFFFF2CC"  # the marked row
    assert rows[5] == ["时间", None, 2.5, "2026-11-30 09:15:07", False, None]
    assert [[c.value for c in row] for row in notes.iter_rows()] == [["列"], ["第二张表"]]


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) not installed")
def test_libreoffice_reads_the_same_values(tmp_path: Path) -> None:
    path = tmp_path / "flat.xlsx"
    _write(path)
    assert SOFFICE is not None
    done = subprocess.run(
        [SOFFICE, f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}", "--headless",
         "--norestore", "--convert-to", 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,'
         "true,true,false,false,-1", "--outdir", str(tmp_path), str(path)],
        capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    with (tmp_path / "flat-客户.csv").open(encoding="utf-8") as file:
        rows = list(csv.reader(file))
    assert rows[0] == [h for h, _ in HEADERS]
    assert rows[1][:5] == [HOSTILE[0], "1,234.50", "0", "2026-11-01", "TRUE"]
    assert rows[2][0] == HOSTILE[1] and rows[3][0] == HOSTILE[2]
    assert rows[4][0] == HOSTILE[3]  # an escape typed as text stays text
    assert rows[5][0] == HOSTILE[4]
    assert rows[6][:4] == ["时间", "", "2.5", "2026-11-30 09:15:07"]
    with (tmp_path / "flat-说明.csv").open(encoding="utf-8") as file:
        assert list(csv.reader(file)) == [["列"], ["第二张表"]]
