"""Page furniture of the signed work order: header, QR code, footer, 副本 watermark.

:class:`ChromeCanvas` holds each finished page until the document is complete, then
draws the furniture on every page with the page count known (第 X 页 / 共 Y 页).
Guarantees: the header names the forms whose sections appear on that page; the QR
code (order number + full SHA-256) is drawn once as a form XObject and reused; the
footer carries the order number and the full SHA-256 (64 hex) of the order's canonical
content on every page, with the audit log's head at print time under it;
the watermark is drawn over the content, translucent, on every page of a reprint.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from io import BytesIO
from typing import Any

from reportlab.graphics.barcode import qrencoder
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from kamdesk.i18n import tr
from kamdesk.reports.pdf_blocks import ACCENT, INK, MUTED, RULE, draw_bold
from kamdesk.reports.pdf_stamp import embed_record
from kamdesk.reports.workorder_labels import form_title

PAGE_W, PAGE_H = A4
MARGIN_X = 15 * mm
TOP = PAGE_H - 11 * mm
HEADER_H = 27 * mm  # from TOP down to the rule under the title
FOOTER_H = 13 * mm
QR_SIZE = 21 * mm
LOGO_SIZE = 15 * mm
QR_FORM = "kdWorkOrderQR"
FORMS = ("demand", "dispatch", "completion")


@dataclass(frozen=True)
class Chrome:
    """What the furniture prints; built once per document."""

    font: str
    branch_name: str
    order_no: str
    kind_label: str
    sha256: str
    printed_at_text: str
    print_number: int
    logo_png: bytes | None
    record: bytes  # canonical JSON, embedded as a file
    audit_head: str = ""  # short audit chain head at print time; no line when empty


class ChromeCanvas(Canvas):  # type: ignore[misc]  # reportlab is untyped
    """A canvas that defers page furniture to :meth:`save` (single pass, known page count)."""

    def __init__(self, *args: Any, chrome: Chrome, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._kd_chrome = chrome
        self._kd_pages: list[dict[str, Any]] = []
        self._kd_current: str | None = None
        self._kd_on_page: list[str] = []

    def mark_section(self, key: str, at_top: bool = False) -> None:
        """Called by a section bar as it is drawn (``at_top``: first thing on the page)."""
        self._kd_current = key
        if at_top:
            self._kd_on_page = [key]
        elif key not in self._kd_on_page:
            self._kd_on_page.append(key)

    def showPage(self) -> None:
        self._kd_pages.append(dict(self.__dict__))
        self._kd_on_page = [self._kd_current] if self._kd_current else []
        self._startPage()

    def save(self) -> None:
        total = len(self._kd_pages)
        chrome = self._kd_chrome
        for number, state in enumerate(self._kd_pages, start=1):
            self.__dict__.update(state)
            if number == 1:
                _define_qr_form(self, chrome)
            _draw_page(self, chrome, number, total, state["_kd_on_page"])
            super().showPage()
        embed_record(
            self,
            chrome.record,
            tr("Canonical record of work order {order_no}", order_no=chrome.order_no),
        )
        super().save()


def qr_matrix(order_no: str, sha256: str) -> list[list[bool]]:
    """QR modules (level M) for ``KAMDESK <order no> SHA256:<HEX>``.

    The hash goes in upper case so it encodes in alphanumeric mode (a smaller code
    than byte mode); the order number is its own segment, alphanumeric when it can be.
    """
    qr = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    qr.addData(f"KAMDESK {order_no}")
    qr.addData(f" SHA256:{sha256.upper()}")
    qr.make()
    return [list(map(bool, row)) for row in qr.modules]


def _define_qr_form(c: Canvas, chrome: Chrome) -> None:
    """Draw the QR code once into a form XObject: one path of row runs, quiet zone kept."""
    modules = qr_matrix(chrome.order_no, chrome.sha256)
    quiet = 2  # modules of white border inside the box (the page margin adds more)
    box = QR_SIZE / (len(modules) + 2 * quiet)
    c.beginForm(QR_FORM, 0, 0, QR_SIZE, QR_SIZE)
    path = c.beginPath()
    for r, row in enumerate(modules):
        y = QR_SIZE - (r + quiet + 1) * box
        col = 0
        for dark, run in itertools.groupby(row):
            n = len(list(run))
            if dark:
                # a hair taller than a module: no seams between rows in any viewer
                path.rect((col + quiet) * box, y - 0.02, n * box, box + 0.04)
            col += n
    c.setFillColor(colors.black)
    c.drawPath(path, stroke=0, fill=1)
    c.endForm()


def _fit(text: str, font: str, size: float, width: float, minimum: float = 9) -> float:
    """The largest size ≤ ``size`` at which ``text`` fits in ``width`` (not below ``minimum``)."""
    w = stringWidth(text, font, size)
    return size if w <= width else max(minimum, size * width / w)


def _draw_logo(c: Canvas, chrome: Chrome, x: float, y: float) -> None:
    if chrome.logo_png:
        reader = ImageReader(BytesIO(chrome.logo_png))
        c.drawImage(reader, x, y, LOGO_SIZE, LOGO_SIZE, mask="auto", preserveAspectRatio=True)
        return
    # No logo supplied: a plain emblem with the branch's first character.
    c.setFillColor(ACCENT)
    c.roundRect(x, y, LOGO_SIZE, LOGO_SIZE, 2.2 * mm, stroke=0, fill=1)
    c.setFillColor(colors.white)
    glyph = chrome.branch_name[:1] or "K"
    c.setFont(chrome.font, 22)
    c.drawCentredString(x + LOGO_SIZE / 2, y + LOGO_SIZE / 2 - 7.6, glyph)


def _draw_header(c: Canvas, chrome: Chrome, sections: list[str]) -> None:
    font = chrome.font
    left = MARGIN_X
    right = PAGE_W - MARGIN_X
    _draw_logo(c, chrome, left, TOP - LOGO_SIZE)
    text_x = left + LOGO_SIZE + 3.5 * mm
    text_w = right - QR_SIZE - 6 * mm - text_x
    branch_size = _fit(chrome.branch_name, font, 12.5, text_w)
    draw_bold(c, text_x, TOP - 5.4 * mm, chrome.branch_name, font, branch_size, INK)
    c.setFont(font, 9)
    c.setFillColor(MUTED)
    line = tr("Order no. {order_no}", order_no=chrome.order_no)
    if chrome.kind_label:
        line = f"{line}    {chrome.kind_label}"
    c.drawString(text_x, TOP - 11.6 * mm, line)
    c.saveState()
    c.translate(right - QR_SIZE, TOP - QR_SIZE)
    c.doForm(QR_FORM)
    c.restoreState()

    # The forms on this page; a page holding only the record shows the document's title.
    keys = [k for k in FORMS if k in sections] or list(FORMS)
    title = " · ".join(form_title(k) for k in keys)
    title_w = right - left - 2 * (QR_SIZE + 4 * mm)
    size = _fit(title, font, 17, title_w, minimum=11)
    width = stringWidth(title, font, size)
    draw_bold(c, (PAGE_W - width) / 2, TOP - 21.5 * mm, title, font, size, INK)
    c.setStrokeColor(INK)
    c.setLineWidth(1.1)
    c.line(left, TOP - HEADER_H + 1.2, right, TOP - HEADER_H + 1.2)
    c.setLineWidth(0.4)
    c.line(left, TOP - HEADER_H - 0.6, right, TOP - HEADER_H - 0.6)


def _draw_footer(c: Canvas, chrome: Chrome, number: int, total: int) -> None:
    """Two lines under a rule: the order number with the full SHA-256 of its canonical
    content, and "page X of Y" on the right; below them the audit head at print time
    (left) and when, and which print, this is (right). The hash line shrinks rather
    than run into the page count."""
    font = chrome.font
    left = MARGIN_X
    right = PAGE_W - MARGIN_X
    y = 8.5 * mm
    c.setStrokeColor(RULE)
    c.setLineWidth(0.4)
    c.line(left, y + 4.2 * mm, right, y + 4.2 * mm)
    c.setFillColor(MUTED)
    size = 7.8
    page = tr("Page {page} of {pages}", page=number, pages=total)
    check = tr("{order_no} · Check code {sha256}", order_no=chrome.order_no, sha256=chrome.sha256)
    room = right - left - stringWidth(page, font, size) - 6 * mm
    c.setFont(font, _fit(check, font, size, room, minimum=5.5))
    c.drawString(left, y, check)
    c.setFont(font, size)
    c.drawRightString(right, y, page)
    y -= 3.3 * mm
    if chrome.audit_head:
        c.drawString(left, y, tr("Audit log at print time {head}", head=chrome.audit_head))
    printed = tr("Printed {time}", time=chrome.printed_at_text)
    if chrome.print_number > 1:
        printed = tr("{printed} · print no. {n}", printed=printed, n=chrome.print_number)
    c.drawRightString(right, y, printed)


def _draw_watermark(c: Canvas, chrome: Chrome) -> None:
    c.saveState()
    c.setFillColor(colors.HexColor("#B03A2E"))
    c.setFillAlpha(0.11)
    c.translate(PAGE_W / 2, PAGE_H / 2)
    c.rotate(35)
    c.setFont(chrome.font, 150)
    c.drawCentredString(0, -50, tr("COPY"))
    c.restoreState()


def _draw_page(c: Canvas, chrome: Chrome, number: int, total: int, sections: list[str]) -> None:
    c.saveState()
    _draw_header(c, chrome, sections)
    _draw_footer(c, chrome, number, total)
    if chrome.print_number > 1:
        _draw_watermark(c, chrome)
    c.restoreState()
