"""Print PDF documents through Qt: preview, print dialog, any installed printer.

The paper is the PDF: each page of each document is rendered by QtPdf and painted,
whole and undistorted, onto the printer's page, so what is printed carries the same
QR code, hash and watermark as the file the service produced. Several documents
(a batch of orders) print one after another in one job, each starting on a new page.

A counted print goes through :func:`print_recorded`: the printer is chosen first
(cancelling records nothing), then each document is recorded by the service, which
returns the very bytes that carry the print number, 副本 watermark and hash, and those
bytes are what is painted. A preview (:class:`PreviewDialog`) shows the uncounted
preview PDF; its Print button only asks the caller to run that same path.

Hazards: painting runs on the GUI thread (Qt printers are not thread-safe), about
50 ms per page at :data:`RENDER_DPI`; a preview of a long batch takes a moment.
Pages are rendered as images, so text on paper is not selectable when "printing"
to a PDF file — that is what the service's own file is for.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from io import BytesIO

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
from PySide6.QtGui import QColor, QKeySequence, QPageLayout, QPageSize, QPainter, QShortcut
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrintPreviewWidget
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QVBoxLayout, QWidget

from kamdesk.errors import KamdeskError, define
from kamdesk.i18n import N_, tr
from kamdesk.services.actor import Actor
from kamdesk.services.workorders.printing import WorkOrderPrinting

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
A4_POINTS = QSizeF(595.2756, 841.8898)


def new_printer(page_points: QSizeF = A4_POINTS) -> QPrinter:
    """A printer set up for pages of ``page_points`` (A4, the work order's paper, by
    default): orientation from the page, no margins beyond what the device needs,
    copies and duplex left to the print dialog."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    orientation = (
        QPageLayout.Orientation.Landscape
        if page_points.width() > page_points.height()
        else QPageLayout.Orientation.Portrait
    )
    width, height = page_points.width(), page_points.height()
    size = QPageSize(
        QSizeF(min(width, height), max(width, height)),
        QPageSize.Unit.Point,
        "",
        QPageSize.SizeMatchPolicy.FuzzyMatch,  # 595.3 × 841.9 pt is A4, not "custom"
    )
    printer.setPageLayout(QPageLayout(size, orientation, QMarginsF(0, 0, 0, 0)))
    printer.setDocName(tr("KAMDesk work orders"))
    return printer


def choose_printer(parent: QWidget | None, title: str) -> QPrinter | None:
    """Qt's print dialog: the printer, copies, page range...; None when cancelled."""
    printer = new_printer()
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(title)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return printer


class PdfPrintout(QObject):
    """The pages of one or more PDF documents, ready to preview or print.

    Raises ``print.unreadable_pdf`` at construction when a document is not a PDF and
    ``print.nothing_to_print`` when there is no page at all.
    """

    def __init__(self, documents: Sequence[bytes], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._buffers: list[QBuffer] = []
        self._documents: list[QPdfDocument] = []
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
        """A printer set up for these pages (the paper size of the first page)."""
        return new_printer(self._documents[0].pagePointSize(0))

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

    def preview_dialog(self, parent: QWidget | None = None) -> PreviewDialog:
        """A print preview of these pages; its Print button accepts the dialog (the
        caller then prints through :func:`print_recorded`). The dialog keeps this
        printout alive and is deleted when closed."""
        return PreviewDialog(self, parent)


class PreviewDialog(QDialog):
    """Qt's print preview of a :class:`PdfPrintout`, with Print… and Close.

    Print… only accepts the dialog: what is shown is not what gets counted, so the
    caller records the print and paints the recorded bytes (:func:`print_recorded`).
    """

    def __init__(self, printout: PdfPrintout, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self.setWindowTitle(tr("Print preview ({pages} pages)", pages=printout.page_count()))
        printout.setParent(self)  # the preview paints from it while the dialog lives
        self.printout = printout
        self.printer = printout.make_printer()
        self.preview = QPrintPreviewWidget(self.printer, self)
        self.preview.paintRequested.connect(printout.paint)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.print_button = self.buttons.addButton(
            tr("Print…"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.print_button.setShortcut(QKeySequence.StandardKey.Print)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        zoom_in = QShortcut(QKeySequence(QKeySequence.StandardKey.ZoomIn), self)
        zoom_in.activated.connect(self.preview.zoomIn)
        zoom_out = QShortcut(QKeySequence(QKeySequence.StandardKey.ZoomOut), self)
        zoom_out.activated.connect(self.preview.zoomOut)
        layout = QVBoxLayout(self)
        layout.addWidget(self.preview, 1)
        layout.addWidget(self.buttons)
        self.resize(900, 1000)


@dataclass(frozen=True)
class PrintOutcome:
    """What :func:`print_recorded` did: ``recorded`` documents were counted by the
    service and printed (``pages`` pages); ``error`` is what stopped it, if anything."""

    recorded: int
    pages: int
    error: KamdeskError | None = None


def recording(
    printing: WorkOrderPrinting, order_id: str, actor: Actor | None
) -> Callable[[], bytes]:
    """A record step for :func:`print_recorded`: count one print of ``order_id`` and
    return the PDF that carries that count, 副本 and hash."""

    def record() -> bytes:
        out = BytesIO()
        printing.print_pdf(order_id, out, actor=actor)
        return out.getvalue()

    return record


def print_recorded(
    parent: QWidget | None, title: str, records: Sequence[Callable[[], bytes]]
) -> PrintOutcome | None:
    """Ask for a printer, then record and print: each of ``records`` counts one print
    (a service call, its own unit of work) and returns that print's PDF, and exactly
    those bytes are painted, in one job. None when the dialog is cancelled: nothing is
    recorded.

    A failed record stops there: the documents recorded before it are still printed
    (their paper exists as counted) and the failed one and those after it are neither
    counted nor printed. A printer that cannot start is reported before anything is
    recorded when Qt can tell (:meth:`QPrinter.isValid`); one that fails while
    painting leaves the prints counted, so the next print is a 副本, never a second
    original.
    """
    printer = choose_printer(parent, title)
    if printer is None:
        return None
    if not printer.isValid():
        problem = KamdeskError("print.printer_unavailable", printer=printer.printerName())
        return PrintOutcome(0, 0, problem)
    documents: list[bytes] = []
    error: KamdeskError | None = None
    for record in records:
        try:
            documents.append(record())
        except KamdeskError as exc:
            error = exc
            break
    if not documents:
        return PrintOutcome(0, 0, error)
    try:
        pages = PdfPrintout(documents).paint(printer)
    except KamdeskError as exc:
        return PrintOutcome(len(documents), 0, error or exc)
    return PrintOutcome(len(documents), pages, error)
