"""Hostile workbooks are refused (or read safely) within two seconds, before any row
reaches an import."""

from __future__ import annotations

import time
import zipfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from kamdesk.errors import KamdeskError
from kamdesk.services.excel_guard import MAX_COLUMNS, read_first_sheet

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
    'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
    'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
    'schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.'
    'org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/>'
    "</sheets></workbook>"
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
    'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
    'schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/></Relationships>'
)
SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)


def _sheet(body: str, dimension: str = "", prologue: str = "") -> str:
    head = SHEET_HEAD.replace("?>", "?>" + prologue, 1)
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return f"{head}{dim}<sheetData>{body}</sheetData></worksheet>"


def _package(path: Path, sheet: str, extra: dict[str, bytes | str] | None = None) -> Path:
    parts: dict[str, bytes | str] = {
        "[Content_Types].xml": CONTENT_TYPES,
        "_rels/.rels": ROOT_RELS,
        "xl/workbook.xml": WORKBOOK,
        "xl/_rels/workbook.xml.rels": WORKBOOK_RELS,
        "xl/worksheets/sheet1.xml": sheet,
        **(extra or {}),
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


def _inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


@pytest.fixture
def quick() -> Iterator[None]:
    started = time.perf_counter()
    yield
    assert time.perf_counter() - started < 2.0


def _refused(path: Path, code: str) -> KamdeskError:
    with pytest.raises(KamdeskError) as caught:
        read_first_sheet(path)
    assert caught.value.code == code, caught.value.message()
    assert caught.value.message()
    return caught.value


def test_a_csv_renamed_xlsx_is_refused(tmp_path: Path, quick: None) -> None:
    path = tmp_path / "客户.xlsx"
    path.write_text("客户名称,统一社会信用代码\n甲公司,911\n", encoding="utf-8")
    error = _refused(path, "xlsx.not_xlsx")
    assert "客户.xlsx" in error.message()


def test_a_zip_bomb_is_refused_from_its_directory(tmp_path: Path, quick: None) -> None:
    rows = "<row r='1'>" + _inline("A1", "x" * 10) + "</row>"
    bomb = " " * (20 * 1024 * 1024)  # 20 MB of spaces compress a thousandfold
    path = _package(tmp_path / "bomb.xlsx", _sheet(rows), {"xl/padding.xml": bomb})
    _refused(path, "xlsx.ratio")


def test_billion_laughs_inside_a_part_is_refused(tmp_path: Path, quick: None) -> None:
    laughs = (
        '<!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
    )
    body = "<row r='1'>" + _inline("A1", "&lol3;") + "</row>"
    path = _package(tmp_path / "laughs.xlsx", _sheet(body, prologue=laughs))
    _refused(path, "xlsx.unsafe_xml")


def test_an_external_entity_is_refused(tmp_path: Path, quick: None) -> None:
    xxe = '<!DOCTYPE x [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'
    body = "<row r='1'>" + _inline("A1", "&secret;") + "</row>"
    path = _package(tmp_path / "xxe.xlsx", _sheet(body, prologue=xxe))
    _refused(path, "xlsx.unsafe_xml")


def test_macros_are_refused(tmp_path: Path, quick: None) -> None:
    body = "<row r='1'>" + _inline("A1", "客户名称") + "</row>"
    path = _package(tmp_path / "m.xlsx", _sheet(body), {"xl/vbaProject.bin": b"\x00" * 64})
    _refused(path, "xlsx.macros")


def test_a_part_escaping_the_package_is_refused(tmp_path: Path, quick: None) -> None:
    body = "<row r='1'>" + _inline("A1", "客户名称") + "</row>"
    path = _package(tmp_path / "p.xlsx", _sheet(body), {"../../evil.xml": "<x/>"})
    _refused(path, "xlsx.bad_part_name")


def test_a_million_declared_rows_are_refused(tmp_path: Path, quick: None) -> None:
    body = "<row r='1'>" + _inline("A1", "客户名称") + "</row>"
    path = _package(tmp_path / "rows.xlsx", _sheet(body, dimension="A1:A1048576"))
    error = _refused(path, "xlsx.too_many_rows")
    assert "1048575" in error.message()


def test_a_far_away_cell_without_dimension_stops_at_the_limit(tmp_path: Path, quick: None) -> None:
    body = (
        "<row r='1'>" + _inline("A1", "客户名称") + "</row>"
        "<row r='1048576'>" + _inline("A1048576", "x") + "</row>"
    )
    path = _package(tmp_path / "far.xlsx", _sheet(body))
    sheet = read_first_sheet(path)  # the far row lies beyond what is ever read
    assert sheet.header == ("客户名称",)
    assert sheet.rows == ()


@pytest.fixture(scope="module")
def million_rows(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A million filled rows and no dimension: openpyxl would parse them all to size it."""
    rows = "".join(f"<row r='{i}'><c r='A{i}'><v>1</v></c></row>" for i in range(2, 1_000_002))
    body = "<row r='1'>" + _inline("A1", "客户名称") + "</row>" + rows
    return _package(tmp_path_factory.mktemp("million") / "million.xlsx", _sheet(body))


def test_a_million_rows_without_dimension_are_refused(million_rows: Path, quick: None) -> None:
    error = _refused(million_rows, "xlsx.too_many_rows")
    assert "200000" in error.message()


def test_a_formula_cell_is_read_as_its_formula_not_its_cached_value(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["客户名称", "月消费"])
    sheet.append(["=1+1", '="浙江"&"公式科技"'])  # real formulas, as Excel saves them
    book.save(tmp_path / "formula.xlsx")
    read = read_first_sheet(tmp_path / "formula.xlsx")
    assert read.rows == ((2, ("=1+1", '="浙江"&"公式科技"')),)


def test_sixteen_thousand_columns_are_refused(tmp_path: Path, quick: None) -> None:
    body = "<row r='1'>" + _inline("A1", "客户名称") + _inline("XFD1", "x") + "</row>"
    path = _package(tmp_path / "wide.xlsx", _sheet(body, dimension="A1:XFD1"))
    error = _refused(path, "xlsx.too_many_columns")
    assert "16384" in error.message()


def test_wide_cells_without_dimension_are_cut_to_the_header(tmp_path: Path, quick: None) -> None:
    cells = "".join(_inline(f"{openpyxl.utils.get_column_letter(i)}2", "v") for i in (1, 16384))
    body = "<row r='1'>" + _inline("A1", "客户名称") + f"</row><row r='2'>{cells}</row>"
    sheet = read_first_sheet(_package(tmp_path / "w.xlsx", _sheet(body)))
    assert sheet.rows == ((2, ("v",)),)
    assert MAX_COLUMNS < 16384


def test_merged_cells_are_refused_with_their_range(tmp_path: Path, quick: None) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["客户名称", "地址"])
    sheet.append(["甲公司", "杭州"])
    sheet.append([None, None])
    sheet.merge_cells("A2:A3")
    book.save(tmp_path / "merged.xlsx")
    error = _refused(tmp_path / "merged.xlsx", "xlsx.merged")
    assert "A2:A3" in error.message()


def test_empty_rows_are_skipped_and_types_are_kept(tmp_path: Path, quick: None) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([" 客户名称 ", "月消费", "日期"])
    sheet.append([None, None, None])
    sheet.append(["甲公司", 1200.5, datetime(2026, 1, 2)])
    sheet.append(["", "  ", None])
    sheet.append(["", "abc", 3])
    sheet["A5"].value = "=1+1"
    sheet["A5"].data_type = "s"  # a text that looks like a formula
    book.save(tmp_path / "ok.xlsx")
    read = read_first_sheet(tmp_path / "ok.xlsx")
    assert read.header == ("客户名称", "月消费", "日期")
    assert read.rows == (
        (3, ("甲公司", 1200.5, datetime(2026, 1, 2))),
        (5, ("=1+1", "abc", 3)),
    )


def test_an_empty_sheet_is_refused(tmp_path: Path, quick: None) -> None:
    openpyxl.Workbook().save(tmp_path / "empty.xlsx")
    _refused(tmp_path / "empty.xlsx", "xlsx.empty")


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    _refused(tmp_path / "none.xlsx", "xlsx.missing")


def test_entities_hidden_after_a_long_comment_meet_defusedxml(tmp_path: Path, quick: None) -> None:
    padding = "<!--" + "x" * 8000 + "-->"
    xxe = padding + '<!DOCTYPE x [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'
    body = "<row r='1'>" + _inline("A1", "&secret;") + "</row>"
    path = _package(tmp_path / "late.xlsx", _sheet(body, prologue=xxe))
    _refused(path, "xlsx.unsafe_xml")
