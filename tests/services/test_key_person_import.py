"""Key-person import: accounts by credit code, role words, phones, duplicates, all or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import func, select

from kamdesk.db.models import KeyPerson
from kamdesk.i18n import set_language
from kamdesk.services.customer_columns import KEY_PERSON_COLUMNS
from kamdesk.services.customer_export import write_template
from kamdesk.services.key_person_import import KeyPersonImportService
from tests.services.desk_support import Desk, add_account, make_desk

CODE = "91330100MA27XL0Q2T"  # the credit code add_account gives


@pytest.fixture
def desk(tmp_path: Path) -> Desk:
    set_language("zh_CN")
    desk = make_desk(tmp_path)
    add_account(desk, "杭州关键人测试有限公司", owner=desk.am)
    return desk


def _sheet(path: Path, rows: list[list[Any]]) -> Path:
    write_template(path, KEY_PERSON_COLUMNS)
    book = openpyxl.load_workbook(path)
    for row in rows:
        book.worksheets[0].append(row)
    book.save(path)
    return path


def _people(desk: Desk) -> list[tuple[str, str, str, str]]:
    with desk.engine.connect() as c:
        rows = c.execute(
            select(KeyPerson.name, KeyPerson.decision_role, KeyPerson.tier, KeyPerson.mobile)
            .where(KeyPerson.deleted_at.is_(None))
            .order_by(KeyPerson.name)
        )
        return [tuple(r) for r in rows]


def test_good_rows_are_saved_with_their_roles(desk: Desk, tmp_path: Path) -> None:
    path = _sheet(
        tmp_path / "kp.xlsx",
        [
            [CODE, "张总", "决策者", "高层", "总经理", "", "13800138000", "", "", 4],
            [CODE, "李工", "使用者", "", "工程师", "信息部", "13900139000", "", "", ""],
        ],
    )
    report = KeyPersonImportService(desk.engine).run(path, desk.am, dry_run=False)
    assert report.committed and report.accepted == 2
    assert _people(desk) == [
        ("张总", "decision_maker", "senior", "13800138000"),
        ("李工", "user", "working", "13900139000"),
    ]


def test_any_bad_row_saves_nothing_and_says_why(desk: Desk, tmp_path: Path) -> None:
    path = _sheet(
        tmp_path / "bad.xlsx",
        [
            [CODE, "张总", "决策者", "", "", "", "13800138000", "", "", ""],
            ["91330100MA00000000", "王五", "老板", "", "", "", "123", "", "", ""],
            [CODE, "张总", "影响者", "", "", "", "", "", "", ""],
        ],
    )
    report = KeyPersonImportService(desk.engine).run(path, desk.am, dry_run=False)
    assert not report.committed and _people(desk) == []
    assert report.rows[0].accepted
    assert len(report.rows[1].problems) == 3  # account, role, mobile
    assert report.rows[2].duplicate and (report.rejected, report.duplicates) == (2, 1)
    with desk.engine.connect() as c:
        assert c.execute(select(func.count()).select_from(KeyPerson)).scalar_one() == 0
