"""Print PDF documents through Qt: preview, print dialog, any installed printer.

The paper is the PDF: each page of each document is rendered by QtPdf and painted,
whole and undistorted, onto the printer's page, so what is printed carries the same
QR code, hash and watermark as the file the service produced. Several documents
(a batch of orders) print one after another in one job, each starting on a new page.

Hazards: painting runs on the GUI thread (Qt printers are not thread-safe), about
50 ms per page at :data:`RENDER_DPI`; a preview of a long batch takes a moment.
Pages are rendered as images, so text on paper is not selectable when "printing"
to a PDF file — that is what the service's own file is for.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QIODevice,
    QMarginsF,
    QObject,
    QRectF,
    QSize,
    QSizeF,
    Qt,
)
from PySide6.QtGui import QColor, QPageLayout, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import QDialog, QWidget

from kamdesk.errors import KamdeskError, define
from kamdesk.i18n import N_, tr

define(
    {
        "print.unreadable_pdf": N_(
            "Document {number} of the print job could not be read as a PDF ({problem})."
        ),
        "print.nothing_to_print": N_("There is nothing to print: choose at least one order."),
        "print.printer_unavailable": N_(
            "The printer “{printer}” could not be started. Check that it is switched on "
            "and installed, or choose another printer."
        ),
    }
)

RENDER_DPI = 200
"""Resolution pages are rendered at before they are scaled onto the printer's page."""

_POINTS_PER_INCH = 72.0


class PdfPrintout(QObject):
    """The pages of one or more PDF documents, ready to preview or print.

    Raises ``print.unreadable_pdf`` at construction when a document is not a PDF and
    ``print.nothing_to_print`` when there is no page at all.
    """

    def __init__(self, documents: Sequence[bytes], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._buffers: list[QBuffer] = []
        self._documents: list[QPdfDocument] = []
        self._preview_printer: QPrinter | None = None
        for number, data in enumerate(documents, start=1):
            self._documents.append(self._load(number, data))
        if self.page_count() == 0:
            raise KamdeskError("print.nothing_to_print")

    def _load(self, number: int, data: bytes) -> QPdfDocument:
        buffer = QBuffer(self)
        buffer.setData(QByteArray(data))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        document = QPdfDocument(self)
        document.load(buffer)  # a QBuffer is random-access: loads synchronously
        if document.status() != QPdfDocument.Status.Ready or document.pageCount() == 0:
            problem = document.error().name if document.error() else "no pages"
            raise KamdeskError("print.unreadable_pdf", number=number, problem=problem)
        self._buffers.append(buffer)  # the document reads from it while alive
        return document

    def page_count(self) -> int:
        return sum(document.pageCount() for document in self._documents)

    def make_printer(self) -> QPrinter:
        """A printer set up for these pages: paper size of the first page, no margins
        beyond what the device needs, copies and duplex left to the print dialog."""
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        first = self._documents[0].pagePointSize(0)
        orientation = (
            QPageLayout.Orientation.Landscape
            if first.width() > first.height()
            else QPageLayout.Orientation.Portrait
        )
        size = QPageSize(
            QSizeF(min(first.width(), first.height()), max(first.width(), first.height())),
            QPageSize.Unit.Point,
            "",
            QPageSize.SizeMatchPolicy.FuzzyMatch,  # 595.3 × 841.9 pt is A4, not "custom"
        )
        printer.setPageLayout(QPageLayout(size, orientation, QMarginsF(0, 0, 0, 0)))
        printer.setDocName(tr("KAMDesk work orders"))
        return printer

    # --- painting ---------------------------------------------------------------------

    def paint(self, printer: QPrinter) -> int:
        """Paint every page (or the range chosen in the print dialog, counted over the
        whole batch) onto ``printer``; returns the number of pages painted.

        Raises ``print.printer_unavailable`` when the printer cannot start.
        """
        painter = QPainter()
        if not painter.begin(printer):
            raise KamdeskError("print.printer_unavailable", printer=printer.printerName())
        first, last = printer.fromPage(), printer.toPage()  # 1-based; 0 means all
        painted = 0
        number = 0
        try:
            for document in self._documents:
                for index in range(document.pageCount()):
                    number += 1
                    if (first and number < first) or (last and number > last):
                        continue
                    if painted and not printer.newPage():
                        raise KamdeskError(
                            "print.printer_unavailable", printer=printer.printerName()
                        )
                    self._paint_page(painter, printer, document, index)
                    painted += 1
        finally:
            painter.end()
        return painted

    def _paint_page(
        self, painter: QPainter, printer: QPrinter, document: QPdfDocument, index: int
    ) -> None:
        points = document.pagePointSize(index)
        dpi = min(RENDER_DPI, max(printer.resolution(), 96))
        pixels = QSize(
            max(1, round(points.width() / _POINTS_PER_INCH * dpi)),
            max(1, round(points.height() / _POINTS_PER_INCH * dpi)),
        )
        image = document.render(index, pixels)
        area = QRectF(printer.pageRect(QPrinter.Unit.DevicePixel))
        area.moveTo(0, 0)  # painter coordinates start at the printable area
        scale = min(area.width() / pixels.width(), area.height() / pixels.height())
        target = QRectF(0, 0, pixels.width() * scale, pixels.height() * scale)
        target.moveCenter(area.center())
        painter.fillRect(target, QColor(Qt.GlobalColor.white))
        painter.drawImage(target, image)

    # --- dialogs ----------------------------------------------------------------------

    def preview_dialog(self, parent: QWidget | None = None) -> QPrintPreviewDialog:
        """A print preview whose Print button prints exactly these pages.

        The printer belongs to this printout (Qt's dialog does not own it): keep the
        printout alive as long as the dialog.
        """
        self._preview_printer = self.make_printer()
        dialog = QPrintPreviewDialog(self._preview_printer, parent)
        dialog.setWindowTitle(tr("Print preview ({pages} pages)", pages=self.page_count()))
        dialog.paintRequested.connect(self.paint)
        dialog.resize(900, 1000)
        return dialog

    def print_with_dialog(self, parent: QWidget | None = None) -> bool:
        """Ask for a printer (and copies, range...) and print; False when cancelled."""
        printer = self.make_printer()
        dialog = QPrintDialog(printer, parent)
        dialog.setWindowTitle(tr("Print {pages} pages", pages=self.page_count()))
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        self.paint(printer)
        return True
