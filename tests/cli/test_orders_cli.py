"""``kamdesk orders list|pdf`` and ``kamdesk verify`` on a small demo database."""

from __future__ import annotations

import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from reportlab.pdfgen.canvas import Canvas

from kamdesk.cli import main
from kamdesk.db.startup import open_database
from kamdesk.i18n import set_language, tr
from kamdesk.reports.workorder_labels import field_label
from kamdesk.services.demo import DemoSpec, generate_demo


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("cli") / "demo.sqlite"
    engine = open_database(path)
    generate_demo(engine, DemoSpec(accounts=10, orders=40, seed=5, workers=0))
    engine.dispose()
    yield path


@pytest.fixture(autouse=True)
def chinese() -> None:
    set_language("zh_CN")


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _archived(db: Path) -> tuple[str, str]:
    """(order number, customer name) of an archived order that the customer signed."""
    row = (
        sqlite3.connect(db)
        .execute(
            "SELECT o.order_no, c.name FROM work_orders o JOIN customers c ON c.id = o.customer_id "
            "WHERE o.state = 'archived' AND EXISTS (SELECT 1 FROM signatures s "
            "WHERE s.order_id = o.id) ORDER BY o.order_no LIMIT 1"
        )
        .fetchone()
    )
    assert row is not None, "the demo has signed, archived orders"
    return str(row[0]), str(row[1])


def test_list_prints_order_numbers_first_then_state_and_customer(
    demo_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _run(capsys, "--db", str(demo_db), "orders", "list", "--limit", "7")
    lines = out.splitlines()
    assert code == 0 and len(lines) == 7
    db = sqlite3.connect(demo_db)
    newest = db.execute(
        "SELECT o.order_no, o.state, c.name FROM work_orders o "
        "JOIN customers c ON c.id = o.customer_id ORDER BY o.created_at DESC, o.id DESC LIMIT 7"
    ).fetchall()
    assert [tuple(line.split("\t")) for line in lines] == newest

    code, out, _ = _run(capsys, "orders", "list", "--state", "archived", "--db", str(demo_db))
    archived = db.execute("SELECT count(*) FROM work_orders WHERE state = 'archived'").fetchone()
    assert code == 0 and len(out.splitlines()) == min(archived[0], 100)
    assert {line.split("\t")[1] for line in out.splitlines()} == {"archived"}

    with pytest.raises(SystemExit) as refused:
        _run(capsys, "--db", str(demo_db), "orders", "list", "--limit", "-1")
    assert refused.value.code == 2 and "-1" in capsys.readouterr().err


def test_pdf_then_verify_then_an_edit_is_named(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    order_no, customer = _archived(demo_db)
    original, reprint = tmp_path / "原件.pdf", tmp_path / "reprint.pdf"
    code, out, _ = _run(capsys, "--db", str(demo_db), "orders", "pdf", order_no, str(original))
    assert code == 0 and original.is_file()
    text = subprocess.run(
        ["pdftotext", str(original), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert customer in text and order_no in text

    assert _run(capsys, "--db", str(demo_db), "orders", "pdf", order_no, str(reprint))[0] == 0
    prints = sqlite3.connect(demo_db).execute(
        "SELECT print_count FROM work_orders WHERE order_no = ?", (order_no,)
    )
    assert prints.fetchone() == (2,)

    code, out, _ = _run(capsys, "--db", str(demo_db), "verify", str(original))
    assert code == 0 and order_no in out

    with sqlite3.connect(demo_db) as db:
        db.execute(
            "UPDATE work_orders SET satisfaction = 6 - satisfaction, requirement = '已篡改' "
            "WHERE order_no = ?",
            (order_no,),
        )
    code, out, _ = _run(capsys, "--db", str(demo_db), "verify", str(original))
    assert code == 1
    assert field_label("satisfaction") in out and field_label("requirement") in out
    assert "已篡改" in out
    assert _run(capsys, "--db", str(demo_db), "verify", str(reprint))[0] == 1


def test_verify_refuses_files_that_are_no_work_order_pdf(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    order_no, _ = _archived(demo_db)
    good = tmp_path / "good.pdf"
    assert _run(capsys, "--db", str(demo_db), "orders", "pdf", order_no, str(good))[0] == 0
    damaged = tmp_path / "damaged.pdf"
    damaged.write_bytes(b"%PDF-1.4\n" + b"\x00garbage" * 50)
    code, _, err = _run(capsys, "--db", str(demo_db), "verify", str(damaged))
    assert code == 2 and str(damaged) in err

    foreign = tmp_path / "foreign.pdf"
    canvas = Canvas(str(foreign))
    canvas.drawString(72, 720, "not a work order")
    canvas.save()
    code, _, err = _run(capsys, "--db", str(demo_db), "verify", str(foreign))
    assert code == 2 and tr("{path} is not a KAMDesk work-order PDF: it carries no content stamp.",
                            path=str(foreign)) in err  # fmt: skip

    missing = tmp_path / "missing.pdf"
    assert _run(capsys, "--db", str(demo_db), "verify", str(missing))[0] == 2
    no_db = tmp_path / "none.sqlite"
    code, _, err = _run(capsys, "--db", str(no_db), "orders", "list")
    assert code == 1 and str(no_db) in err and not no_db.exists()
