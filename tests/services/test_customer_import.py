"""Customer import: header variants, every row's problems, duplicates, all or nothing,
and the error workbook that imports everything once fixed."""

from __future__ import annotations

import random
import time
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import func, select

from kamdesk.db.models import AuditEntry, Customer, OutboxEntry
from kamdesk.domain.customers.credit_code import make_credit_code
from kamdesk.domain.progress import Cancelled
from kamdesk.errors import KamdeskError
from kamdesk.i18n import set_language
from kamdesk.services.customer_export import write_error_workbook, write_template
from kamdesk.services.customer_import import CustomerImportService
from tests.services.desk_support import Desk, add_account, make_desk


@pytest.fixture
def desk(tmp_path: Path) -> Desk:
    set_language("zh_CN")
    return make_desk(tmp_path)


def _codes(count: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    codes: list[str] = []
    while len(codes) < count:
        code = make_credit_code(rng, "330100")
        if code not in codes:
            codes.append(code)
    return codes


def _book(path: Path, header: list[str], rows: list[list[Any]]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for values in rows:
        sheet.append(values)
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # typed text, as Excel stores '=...
    book.save(path)
    return path


def _customers(desk: Desk) -> int:
    with desk.engine.connect() as c:
        return int(c.execute(select(func.count()).select_from(Customer)).scalar_one())


def test_header_variants_and_cells_are_read(desk: Desk, tmp_path: Path) -> None:
    code_a, code_b = _codes(2)
    path = _book(
        tmp_path / "in.xlsx",
        [
            "企业名称",
            "信用代码 ",
            "所属行业",
            "电话",
            "负责人",
            "是否战略客户",
            "月消费（元）",
            "备注",
        ],
        [
            ["杭州甲科技有限公司", code_a, "金融", 13800138000, "王芳", "是", "12,000.50", "x"],
            ['=HYPERLINK("http://x")', code_b, "finance", "0571-87654321", "am2", "否", 0, ""],
        ],
    )
    service = CustomerImportService(desk.engine)
    report = service.run(path, desk.leader, dry_run=False)
    assert report.committed and report.accepted == 2
    assert report.ignored_columns == ("备注",)
    assert "=" in report.rows[1].warnings[0] and not report.rows[0].warnings
    with desk.engine.connect() as c:
        stored = c.execute(
            select(
                Customer.name,
                Customer.phone,
                Customer.owner_id,
                Customer.strategic,
                Customer.monthly_spend,
            ).order_by(Customer.credit_code)
        ).all()
    by_name = {row.name: row for row in stored}
    first = by_name["杭州甲科技有限公司"]
    assert first.phone == "13800138000" and first.strategic
    assert str(first.monthly_spend) == "12000.50" and first.owner_id == desk.am.staff_id
    assert by_name['=HYPERLINK("http://x")'].owner_id == desk.other_am.staff_id
    with desk.engine.connect() as c:
        imports = c.execute(select(AuditEntry).where(AuditEntry.action == "import")).all()
        outbox = c.execute(select(func.count()).select_from(OutboxEntry)).scalar_one()
    assert len(imports) == 1 and outbox > 0


def test_every_problem_of_a_row_is_reported_and_nothing_is_written(
    desk: Desk, tmp_path: Path
) -> None:
    add_account(desk, "杭州已有客户有限公司", owner=desk.am)  # credit code 91330100MA27XL0Q2T
    (good,) = _codes(1)
    path = _book(
        tmp_path / "bad.xlsx",
        ["客户名称", "统一社会信用代码", "联系电话", "增长潜力", "集团客户", "客户经理", "行业组"],
        [
            ["", "123", "12345", "高", "也许", "无此人", "不存在"],
            ["杭州乙公司", good, "", 3, "否", "", ""],
            ["杭州乙有限公司", "91330100MA27XL0Q2T", "", 3, "", "", ""],
            ["杭州已有客户（有限公司）", "", "", "", "", "", ""],
        ],
    )
    report = CustomerImportService(desk.engine).run(path, desk.leader, dry_run=False)
    assert not report.committed and _customers(desk) == 1
    first = report.rows[0]
    assert first.row == 2 and len(first.problems) == 7
    text = "\n".join(first.problems)
    for fragment in ("增长潜力", "集团客户", "无此人", "不存在", "客户名称", "统一社会信用代码"):
        assert fragment in text
    assert report.rows[1].accepted
    dup = report.rows[2]
    assert dup.duplicate and any("杭州已有客户有限公司" in p for p in dup.problems)  # same code
    # Row 3's name but for the legal form is no reason to refuse: the credit code decides.
    assert not any(" 3 " in p for p in dup.problems)
    assert report.rows[3].duplicate  # the same name, spelled with brackets
    assert (report.accepted, report.rejected, report.duplicates) == (1, 3, 2)


def test_near_identical_names_are_imported_with_a_warning(desk: Desk, tmp_path: Path) -> None:
    add_account(desk, "杭州西湖鑫瑞科技发展有限公司", owner=desk.am)
    codes = _codes(3, seed=21)
    path = _book(
        tmp_path / "near.xlsx",
        ["客户名称", "统一社会信用代码"],
        [
            ["杭州西湖鑫端科技发展有限公司", codes[0]],  # one character off the account
            ["宁波北仑港口物流有限公司", codes[1]],
            ["宁波北仑港囗物流有限公司", codes[2]],  # one character off row 3
        ],
    )
    report = CustomerImportService(desk.engine).run(path, desk.leader, dry_run=False)
    assert report.committed and _customers(desk) == 4
    near_account, plain, near_row = report.rows
    assert any("杭州西湖鑫瑞科技发展有限公司" in w and "相似" in w for w in near_account.warnings)
    assert plain.warnings == ()
    assert any("第 3 行" in w for w in near_row.warnings)


def test_a_group_and_its_subsidiary_are_two_accounts_with_a_warning(
    desk: Desk, tmp_path: Path
) -> None:
    add_account(desk, "杭州万向实业有限公司", owner=desk.am)
    codes = _codes(3, seed=33)
    path = _book(
        tmp_path / "group.xlsx",
        ["客户名称", "统一社会信用代码"],
        [
            ["杭州万向实业集团有限公司", codes[0]],  # the group of the stored account
            ["宁波港口物流股份有限公司", codes[1]],
            ["宁波港口物流有限公司", codes[2]],  # row 3's name but for the legal form
        ],
    )
    report = CustomerImportService(desk.engine).run(path, desk.leader, dry_run=False)
    assert report.committed and _customers(desk) == 4 and report.duplicates == 0
    group, _, other_form = report.rows
    assert any("杭州万向实业有限公司" in w and "100%" in w for w in group.warnings)
    assert any("第 3 行" in w and "100%" in w for w in other_form.warnings)


def test_a_sheet_without_the_required_columns_is_refused(desk: Desk, tmp_path: Path) -> None:
    path = _book(tmp_path / "cols.xlsx", ["地址", "电话"], [["杭州", "13800138000"]])
    with pytest.raises(KamdeskError) as caught:
        CustomerImportService(desk.engine).run(path, desk.leader, dry_run=True)
    assert "客户名称" in caught.value.message() and "统一社会信用代码" in caught.value.message()


def test_a_clerk_may_not_import(desk: Desk, tmp_path: Path) -> None:
    path = _book(tmp_path / "c.xlsx", ["客户名称", "统一社会信用代码"], [["甲", _codes(1)[0]]])
    with pytest.raises(KamdeskError):
        CustomerImportService(desk.engine).run(path, desk.clerk, dry_run=False)
    assert _customers(desk) == 0


def test_a_cancelled_commit_leaves_nothing(desk: Desk, tmp_path: Path) -> None:
    rows = [[f"杭州取消测试{i}号有限公司", code] for i, code in enumerate(_codes(700))]
    path = _book(tmp_path / "cancel.xlsx", ["客户名称", "统一社会信用代码"], rows)
    calls = iter(range(1000))  # row check at 500, saving batch 1, saving batch 2
    with pytest.raises(Cancelled):
        CustomerImportService(desk.engine).run(
            path, desk.leader, dry_run=False, cancel=lambda: next(calls) >= 2
        )
    assert next(calls) == 3  # cancelled after the first batch was flushed
    assert _customers(desk) == 0


def test_a_sheet_with_headers_only_is_refused_not_reported_clean(
    desk: Desk, tmp_path: Path
) -> None:
    write_template(tmp_path / "t.xlsx")  # headers and notes, no data rows
    for dry_run in (True, False):
        with pytest.raises(KamdeskError) as caught:
            CustomerImportService(desk.engine).run(
                tmp_path / "t.xlsx", desk.leader, dry_run=dry_run
            )
        assert caught.value.code == "import.no_rows" and "没有" in caught.value.message()
    assert _customers(desk) == 0


def test_the_template_imports_as_an_empty_sheet_of_known_columns(
    desk: Desk, tmp_path: Path
) -> None:
    write_template(tmp_path / "t.xlsx")
    book = openpyxl.load_workbook(tmp_path / "t.xlsx")
    header = [c.value for c in book.worksheets[0][1]]
    assert header[:2] == ["客户名称", "统一社会信用代码"]
    assert book.worksheets[0].freeze_panes == "A2"
    sheet = book.worksheets[0]
    sheet.append(["杭州模板测试有限公司", _codes(1)[0]])
    book.save(tmp_path / "filled.xlsx")
    report = CustomerImportService(desk.engine).run(
        tmp_path / "filled.xlsx", desk.leader, dry_run=False
    )
    assert report.committed and report.ignored_columns == ()


def test_5000_rows_with_50_bad_commit_nothing_then_everything_once_fixed(
    desk: Desk, tmp_path: Path
) -> None:
    started = time.perf_counter()
    codes = _codes(5000)
    bad_rows = set(range(7, 5000, 100))
    rows = []
    for i, code in enumerate(codes):
        phone = "1380013" if i in bad_rows else f"1380013{i:04d}"
        rows.append([f"浙江验收测试{i}号有限公司", code, phone, "金融", 1000 + i])
    header = ["客户名称", "统一社会信用代码", "联系电话", "行业组", "月消费"]
    path = _book(tmp_path / "5000.xlsx", header, rows)
    service = CustomerImportService(desk.engine)

    first = service.run(path, desk.leader, dry_run=False)
    assert not first.committed and (first.accepted, first.rejected) == (4950, 50)
    assert _customers(desk) == 0

    errors = tmp_path / "errors.xlsx"
    assert write_error_workbook(first, errors) == 50
    book = openpyxl.load_workbook(errors)
    sheet = book.worksheets[0]
    assert [c.value for c in sheet[1]] == [*header, "问题"]
    for row in sheet.iter_rows(min_row=2, max_row=51):
        assert row[5].value and "联系电话" in row[5].value
        row[2].value = "0571-8765" + str(row[0].row).zfill(4)  # the fix: a real landline
    assert sheet.cell(52, 6).value is None
    book.save(errors)

    second = service.run(errors, desk.leader, dry_run=False)
    assert second.committed and second.accepted == 5000, second.rows[0].problems
    assert _customers(desk) == 5000
    assert time.perf_counter() - started < 30
