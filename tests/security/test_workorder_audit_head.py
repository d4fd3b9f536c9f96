"""A signed work order carries the audit log's head at print time next to its check code
(read back with pdftotext), so paper in hand can show that a log was cut or replaced."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from kamdesk.db.startup import open_database
from kamdesk.i18n import set_language
from kamdesk.services.demo import DemoSpec, generate_demo
from kamdesk.services.workorders.printing import WorkOrderPrinting
from tests.reports.conftest import needs_poppler, pages_text, squeeze

pytestmark = needs_poppler


@pytest.fixture(scope="module")
def branch(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Engine]]:
    set_language("zh_CN")
    path = tmp_path_factory.mktemp("printed") / "branch.sqlite"
    engine = open_database(path)
    generate_demo(engine, DemoSpec(accounts=3, orders=4, seed=5, workers=0))
    yield path, engine
    engine.dispose()


def audit_rows(path: Path, after: int = 0) -> list[tuple[int, str, str, str]]:
    """(seq, action, entity, mac) of the entries after ``after``."""
    with sqlite3.connect(path) as db:
        return db.execute(
            "SELECT seq, action, entity, mac FROM audit_log WHERE seq > ? ORDER BY seq", (after,)
        ).fetchall()


def print_number_head(path: Path, seq: int) -> int:
    with sqlite3.connect(path) as db:
        (details,) = db.execute(
            "SELECT json_extract(details, '$.audit_head') FROM audit_log WHERE seq = ?", (seq,)
        ).fetchone()
    return int(details)


def test_each_print_shows_the_head_that_includes_its_own_count(
    branch: tuple[Path, Engine], tmp_path: Path
) -> None:
    path, engine = branch
    with sqlite3.connect(path) as db:
        (order_id,) = db.execute("SELECT id FROM work_orders ORDER BY order_no LIMIT 1").fetchone()
        (before,) = db.execute("SELECT coalesce(max(seq), 0) FROM audit_log").fetchone()
    printing = WorkOrderPrinting(engine)

    first = printing.print_pdf(order_id, tmp_path / "first.pdf")
    (counted, printed) = audit_rows(path, before)
    assert (counted[1:3], printed[1]) == (("update", "work_orders"), "print")
    assert print_number_head(path, printed[0]) == counted[0]  # the event names the head
    short = f"#{counted[0]} {counted[3][:12]}"
    pages = pages_text(tmp_path / "first.pdf")
    assert pages and all(squeeze(short) in squeeze(page) for page in pages)
    check_line = next(line for line in pages[0].splitlines() if first.sha256[:12] in line)
    assert squeeze(short) not in squeeze(check_line)  # its own line, under the check code

    assert printing.verify_pdf(tmp_path / "first.pdf").matches  # a print detail, not content

    printing.print_pdf(order_id, tmp_path / "second.pdf")
    recount = audit_rows(path, printed[0])[0]
    again = squeeze(pages_text(tmp_path / "second.pdf")[0])
    assert squeeze(f"#{recount[0]} {recount[3][:12]}") in again
    assert squeeze(short) not in again  # a later print shows a later head


def test_a_preview_shows_the_head_now_and_writes_nothing(
    branch: tuple[Path, Engine], tmp_path: Path
) -> None:
    path, engine = branch
    with sqlite3.connect(path) as db:
        (order_id,) = db.execute("SELECT id FROM work_orders ORDER BY order_no LIMIT 1").fetchone()
    logged = audit_rows(path)
    seq, mac = (logged[-1][0], logged[-1][3]) if logged else (0, "0" * 64)  # empty log: genesis
    WorkOrderPrinting(engine).preview_pdf(order_id, tmp_path / "preview.pdf")
    assert squeeze(f"#{seq} {mac[:12]}") in squeeze(pages_text(tmp_path / "preview.pdf")[0])
    assert audit_rows(path) == logged
