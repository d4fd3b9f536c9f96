"""Printing work-order PDFs through Qt: every page reaches the printer, whole."""

from __future__ import annotations

import shutil
import subprocess
from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageFilter, ImageStat
from pypdf import PdfReader
from PySide6.QtGui import QPageLayout, QPageSize
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog

from kamdesk.errors import KamdeskError
from kamdesk.reports.workorder_pdf import render_workorder_pdf
from kamdesk.ui.workorders.print_preview import PdfPrintout, new_printer, print_recorded
from tests.reports.samples import long_order, short_order

A4_POINTS = (595, 842)


@pytest.fixture(scope="module")
def order_pdfs() -> tuple[bytes, bytes]:
    short, long = BytesIO(), BytesIO()
    render_workorder_pdf(short_order(), short)
    render_workorder_pdf(long_order(steps=30, events=20), long)
    return short.getvalue(), long.getvalue()


def pdf_printer(printout: PdfPrintout, out: Path) -> QPrinter:
    printer = printout.make_printer()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(out))
    return printer


def pages_of(data: bytes) -> int:
    return len(PdfReader(BytesIO(data)).pages)


def test_a_batch_prints_every_page_of_every_order_on_a4(qapp, tmp_path, order_pdfs):
    printout = PdfPrintout(order_pdfs)
    expected = sum(pages_of(pdf) for pdf in order_pdfs)
    assert expected >= 3 and printout.page_count() == expected
    out = tmp_path / "printed.pdf"
    assert printout.paint(pdf_printer(printout, out)) == expected
    printed = PdfReader(out)
    assert len(printed.pages) == expected
    for page in printed.pages:
        size = (round(float(page.mediabox.width)), round(float(page.mediabox.height)))
        assert size == A4_POINTS


def page_image(pdf: Path, page: int, out: Path) -> Image.Image:
    """One page rasterised by poppler at 50 dpi in grey, softened so that a sub-pixel
    shift (vector text on the file, a 200 dpi image on paper) does not count."""
    command = ["pdftoppm", "-r", "50", "-gray", "-f", str(page), "-l", str(page)]
    subprocess.run([*command, "-singlefile", str(pdf), str(out)], check=True)
    return Image.open(out.with_suffix(".pgm")).filter(ImageFilter.GaussianBlur(2))


def mean_difference(a: Image.Image, b: Image.Image) -> float:
    return float(ImageStat.Stat(ImageChops.difference(a, b)).mean[0])


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
def test_the_printed_page_looks_like_the_original_form(qapp, tmp_path, order_pdfs):
    original = tmp_path / "original.pdf"
    original.write_bytes(order_pdfs[0])
    printout = PdfPrintout(order_pdfs[:1])
    printed = tmp_path / "printed.pdf"
    printout.paint(pdf_printer(printout, printed))
    first = page_image(original, 1, tmp_path / "a")
    on_paper = page_image(printed, 1, tmp_path / "b")
    other_page = page_image(original, 2, tmp_path / "c")
    blank = Image.new("L", first.size, 255)
    assert on_paper.size == first.size
    # the paper matches its page far better than it matches another page or a blank sheet
    assert mean_difference(first, on_paper) < mean_difference(first, other_page) / 2
    assert mean_difference(first, on_paper) < mean_difference(first, blank) / 2


def test_the_print_dialog_page_range_counts_over_the_whole_batch(qapp, tmp_path, order_pdfs):
    printout = PdfPrintout(order_pdfs)
    printer = pdf_printer(printout, tmp_path / "range.pdf")
    printer.setFromTo(2, 3)
    assert printout.paint(printer) == 2
    assert len(PdfReader(tmp_path / "range.pdf").pages) == 2


def test_the_preview_paints_the_pages_and_its_print_button_only_accepts(qtbot, order_pdfs):
    printout = PdfPrintout(order_pdfs[:1])
    dialog = printout.preview_dialog()
    qtbot.addWidget(dialog)
    painted: list[int] = []
    dialog.preview.paintRequested.connect(lambda _printer: painted.append(1))
    with qtbot.waitSignal(dialog.preview.paintRequested, timeout=5000):
        dialog.show()
    assert printout.parent() is dialog  # kept alive as long as the preview
    with qtbot.waitSignal(dialog.accepted, timeout=1000):
        dialog.print_button.click()
    assert painted == [1]  # accepting paints nothing: the caller prints what it records


def test_a_cancelled_print_dialog_records_and_paints_nothing(qapp, monkeypatch):
    monkeypatch.setattr(QPrintDialog, "exec", lambda self: QDialog.DialogCode.Rejected)
    calls: list[str] = []

    def record() -> bytes:
        calls.append("record")
        return b""

    assert print_recorded(None, "Print", [record]) is None
    assert calls == []


def test_the_printer_is_set_up_for_a4_portrait(qapp):
    layout = new_printer().pageLayout()
    assert layout.pageSize().id() == QPageSize.PageSizeId.A4
    assert layout.orientation() == QPageLayout.Orientation.Portrait


def test_not_a_pdf_or_nothing_at_all_is_refused(qapp, order_pdfs):
    with pytest.raises(KamdeskError) as bad:
        PdfPrintout([order_pdfs[0], b"not a pdf"])
    assert bad.value.code == "print.unreadable_pdf" and bad.value.params["number"] == 2
    with pytest.raises(KamdeskError) as empty:
        PdfPrintout([])
    assert empty.value.code == "print.nothing_to_print"
