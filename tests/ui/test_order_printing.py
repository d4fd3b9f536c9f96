"""Printing orders from the app: the printer is chosen first, then the service records
the print, and exactly the recorded PDF (its count, 副本 and hash) reaches the printer.

Only the print dialog is replaced (by a printer writing a PDF file, or a cancel); the
recording and the painting are the app's own.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from pypdf import PdfReader
from PySide6.QtCore import QItemSelectionModel
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog

from kamdesk.domain.workorders.vocabulary import Role
from kamdesk.errors import KamdeskError
from kamdesk.i18n import tr
from kamdesk.services.actor import Actor
from kamdesk.services.container import Services
from kamdesk.services.demo import DemoSpec, generate_demo
from kamdesk.services.workorders import OrderScope
from kamdesk.services.workorders.printing import WorkOrderPrinting
from kamdesk.ui.workorders import print_preview
from kamdesk.ui.workorders.orders_page import OrdersPage
from tests.reports.conftest import needs_poppler, pages_text, squeeze


@pytest.fixture()
def services(engine: sa.Engine) -> Services:
    generate_demo(engine, DemoSpec(accounts=4, orders=8, seed=11, workers=0))
    return Services(engine)


def clerk(services: Services) -> Actor:
    with services.engine.connect() as c:
        row = c.execute(
            sa.text(
                "SELECT id, name, role, branch_id, industry_group_id, workstation_id FROM staff "
                "WHERE role = :r ORDER BY id LIMIT 1"
            ),
            {"r": Role.CLERK.value},
        ).one()
    return Actor(*row)


@dataclass
class Printers:
    """Stands in for Qt's print dialog: each accepted dialog gives a printer writing
    ``paper-<n>.pdf``; ``painted`` holds the documents each print job painted."""

    folder: Path
    cancel: bool = False
    dialogs: int = 0
    papers: list[Path] = field(default_factory=list)
    painted: list[list[bytes]] = field(default_factory=list)


@pytest.fixture()
def printers(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Printers:
    printers = Printers(tmp_path)

    def choose_printer(parent: Any, title: str) -> QPrinter | None:
        printers.dialogs += 1
        if printers.cancel:
            return None
        printer = print_preview.new_printer()
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        paper = tmp_path / f"paper-{len(printers.papers) + 1}.pdf"
        printer.setOutputFileName(str(paper))
        printers.papers.append(paper)
        return printer

    class WatchedPrintout(print_preview.PdfPrintout):
        """The real printout; only notes which documents it paints."""

        def __init__(self, documents: Any, parent: Any = None) -> None:
            super().__init__(documents, parent)
            self.documents = list(documents)

        def paint(self, printer: QPrinter) -> int:
            printers.painted.append(self.documents)
            return super().paint(printer)

    monkeypatch.setattr(print_preview, "choose_printer", choose_printer)
    monkeypatch.setattr(print_preview, "PdfPrintout", WatchedPrintout)
    return printers


def print_counts(services: Services, order_ids: list[str]) -> list[int]:
    with services.engine.connect() as c:
        return [
            c.execute(
                sa.text("SELECT coalesce(print_count, 0) FROM work_orders WHERE id = :id"),
                {"id": oid},
            ).scalar_one()
            for oid in order_ids
        ]


def print_entries(services: Services) -> list[tuple[str, dict[str, Any]]]:
    with services.engine.connect() as c:
        rows = c.execute(
            sa.text("SELECT entity_id, details FROM audit_log WHERE action = 'print' ORDER BY seq")
        ).all()
    return [(oid, d if isinstance(d, dict) else json.loads(d)) for oid, d in rows]


def text_of(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "painted.pdf"
    path.write_bytes(pdf)
    return squeeze("".join(pages_text(path)))


def open_first_order(qtbot: Any, services: Services) -> tuple[OrdersPage, Any]:
    page = OrdersPage(services, actor=clerk(services))
    qtbot.addWidget(page)
    page.show_list(OrderScope.ALL)
    order_id = page.model.order_id(0)
    assert order_id is not None
    return page, page.open_order(order_id)


@needs_poppler
def test_the_paper_is_the_recorded_pdf_and_the_second_print_says_copy(
    qtbot, services, printers, boxes, tmp_path
):
    _page, window = open_first_order(qtbot, services)
    oid = window.order_id
    with qtbot.waitSignal(window.changed, timeout=10000):
        window.print_button.click()
    assert print_counts(services, [oid]) == [1]
    [(entity_id, details)] = print_entries(services)
    assert entity_id == oid and details["print_number"] == 1
    [[paper]] = printers.painted
    # the painted bytes are the ones the service recorded: `kamdesk verify` accepts
    # them, and their footer carries the full hash the audit entry names
    stamped = tmp_path / "stamped.pdf"
    stamped.write_bytes(paper)
    checked = services.work_orders.printing.verify_pdf(stamped)
    assert checked.printed_sha256 == checked.current_sha256 == details["content_hash"]
    assert not checked.differences
    text = text_of(paper, tmp_path)
    assert details["content_hash"] in text and "副本" not in text
    # every page reached the (PDF) printer
    assert len(PdfReader(printers.papers[0]).pages) == len(PdfReader(BytesIO(paper)).pages)

    with qtbot.waitSignal(window.changed, timeout=10000):
        window.print_order()
    assert print_counts(services, [oid]) == [2]
    second = print_entries(services)[-1][1]
    assert second["print_number"] == 2
    reprint = text_of(printers.painted[1][0], tmp_path)
    assert "副本" in reprint and "第2次打印" in reprint
    assert second["content_hash"] in reprint
    assert not boxes.shown


def test_cancelling_the_print_dialog_records_nothing(qtbot, services, monkeypatch, boxes, tmp_path):
    _page, window = open_first_order(qtbot, services)
    painted: list[object] = []
    monkeypatch.setattr(QPrintDialog, "exec", lambda self: QDialog.DialogCode.Rejected)
    monkeypatch.setattr(print_preview.PdfPrintout, "paint", lambda self, p: painted.append(p))
    window.print_order()
    assert print_counts(services, [window.order_id]) == [0]
    assert print_entries(services) == [] and painted == [] and not boxes.shown


def test_a_failure_to_record_prints_nothing_and_says_why(
    qtbot, services, printers, monkeypatch, boxes
):
    _page, window = open_first_order(qtbot, services)

    def refuse(self: Any, order_id: str, out: Any, *, actor: Any = None) -> Any:
        raise KamdeskError("audit.no_keyring", error="locked")

    monkeypatch.setattr(WorkOrderPrinting, "print_pdf", refuse)
    window.print_order()
    assert printers.dialogs == 1 and printers.painted == []
    assert not printers.papers[0].exists()
    assert print_counts(services, [window.order_id]) == [0]
    [(kind, title, text)] = boxes.shown
    assert kind == "warning" and title == tr("Print")
    assert text == KamdeskError("audit.no_keyring", error="locked").message()


def test_the_preview_counts_nothing_and_its_print_button_records_one_print(
    qtbot, services, printers, boxes, tmp_path
):
    _page, window = open_first_order(qtbot, services)
    window.preview()
    dialog = window.preview_dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: len(printers.painted) == 1, timeout=5000)  # the preview pages
    assert printers.dialogs == 0
    assert print_counts(services, [window.order_id]) == [0] and print_entries(services) == []
    with qtbot.waitSignal(window.changed, timeout=10000):
        dialog.print_button.click()
    assert printers.dialogs == 1 and not dialog.isVisible()
    assert print_counts(services, [window.order_id]) == [1]
    [(_, details)] = print_entries(services)
    [paper] = printers.painted[-1]
    assert details["print_number"] == 1
    stamped = tmp_path / "stamped.pdf"
    stamped.write_bytes(paper)
    assert (
        services.work_orders.printing.verify_pdf(stamped).printed_sha256
        == (details["content_hash"])
    )
    assert not boxes.shown


def select_rows(page: OrdersPage, rows: list[int]) -> list[str]:
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    for row in rows:
        page.table.selectionModel().select(page.model.index(row, 0), flags)
    return page.selected_order_ids()


def test_a_batch_records_each_selected_order_once_and_prints_those_pdfs(
    qtbot, services, printers, boxes
):
    page = OrdersPage(services, actor=clerk(services))
    qtbot.addWidget(page)
    page.show_list(OrderScope.ALL)
    order_ids = select_rows(page, [0, 1])
    assert len(order_ids) == 2
    page.print_selected()
    assert printers.dialogs == 1
    assert print_counts(services, order_ids) == [1, 1]
    entries = print_entries(services)
    assert [entity_id for entity_id, _ in entries] == order_ids
    [documents] = printers.painted
    assert len(documents) == 2
    pages = sum(len(PdfReader(BytesIO(d)).pages) for d in documents)
    assert len(PdfReader(printers.papers[0]).pages) == pages
    for document, (_, details) in zip(documents, entries, strict=True):
        path = printers.folder / "one.pdf"
        path.write_bytes(document)
        assert (
            services.work_orders.printing.verify_pdf(path).printed_sha256
            == (details["content_hash"])
        )
    assert not boxes.shown


def test_a_batch_stopped_by_a_failure_prints_only_what_was_recorded(
    qtbot, services, printers, monkeypatch, boxes
):
    page = OrdersPage(services, actor=clerk(services))
    qtbot.addWidget(page)
    page.show_list(OrderScope.ALL)
    order_ids = select_rows(page, [0, 1, 2])
    real = WorkOrderPrinting.print_pdf

    def second_fails(self: Any, order_id: str, out: Any, *, actor: Any = None) -> Any:
        if order_id == order_ids[1]:
            raise KamdeskError("audit.no_keyring", error="locked")
        return real(self, order_id, out, actor=actor)

    monkeypatch.setattr(WorkOrderPrinting, "print_pdf", second_fails)
    page.print_selected()
    assert print_counts(services, order_ids) == [1, 0, 0]
    [documents] = printers.painted
    assert len(documents) == 1
    [(kind, title, _text)] = boxes.shown
    assert kind == "warning" and "1" in title and "3" in title
