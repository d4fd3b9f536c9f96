"""Page chrome shared by KAMDesk's reports: a footer line and "page X of Y".

Guarantee: the page count is known when the footers are drawn (pages are kept until
:meth:`NumberedCanvas.save`), in the embedded CJK font, on any page size.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any, BinaryIO

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, SimpleDocTemplate

from kamdesk.i18n import tr
from kamdesk.reports.pdf_blocks import MUTED


class NumberedCanvas(Canvas):  # type: ignore[misc]  # reportlab is untyped
    """Defers the footer to :meth:`save`, when the page count is known. Pass
    ``footer`` (left) and ``font`` through ``functools.partial`` as ``canvasmaker``."""

    def __init__(
        self, *args: Any, footer: str, font: str, margin: float = 15 * mm, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self._kd_pages: list[dict[str, Any]] = []
        self._kd_footer, self._kd_font, self._kd_margin = footer, font, margin

    def showPage(self) -> None:
        self._kd_pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._kd_pages)
        for number, state in enumerate(self._kd_pages, start=1):
            self.__dict__.update(state)
            self.setFont(self._kd_font, 8)
            self.setFillColor(MUTED)
            self.drawString(self._kd_margin, 8 * mm, self._kd_footer)
            page = tr("Page {number} of {total}", number=number, total=total)
            self.drawRightString(self._pagesize[0] - self._kd_margin, 8 * mm, page)
            super().showPage()
        super().save()


def build_numbered(
    out: Path | BinaryIO,
    story: list[Flowable],
    *,
    font: str,
    pagesize: tuple[float, float],
    margin: float,
    title: str,
    author: str,
    footer: str,
) -> None:
    """Lay ``story`` out into ``out`` (a path or a binary file) with KAMDesk's margins,
    document properties and the :class:`NumberedCanvas` footer."""
    doc = SimpleDocTemplate(
        str(out) if isinstance(out, Path) else out,
        pagesize=pagesize,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin,
        bottomMargin=16 * mm,
        title=title,
        author=author,
        creator="KAMDesk",
        initialFontName=font,
    )
    doc.build(story, canvasmaker=partial(NumberedCanvas, footer=footer, font=font, margin=margin))
