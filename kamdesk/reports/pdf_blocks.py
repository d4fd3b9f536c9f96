"""Building blocks of KAMDesk's printed forms: styles, ruled grids, section bars.

Guarantees: every piece of text is drawn in the registered CJK font (never a
non-embedded standard font); user text is escaped before it reaches reportlab's
paragraph markup; cells whose text fits on one line are drawn as plain strings
(fast), longer ones wrap (``wordWrap="CJK"``). Only imported while rendering.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.colors import Color
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, Table, TableStyle

from kamdesk.domain.clock import local
from kamdesk.reports.fonts import printable

INK = colors.HexColor("#1A1A1A")
MUTED = colors.HexColor("#5A6470")
RULE = colors.HexColor("#7D8793")
LABEL_FILL = colors.HexColor("#E9EEF4")
HEAD_FILL = colors.HexColor("#D5DEE9")
ACCENT = colors.HexColor("#1F4E79")
PAD = 3.2  # cell padding, points
EMPTY = "—"
LABEL_SIZE = 8.5
VALUE_SIZE = 9.0
LABEL_WIDTH = 28 * mm


def when(value: datetime | None) -> str:
    """``2026-11-22 14:30`` in Shanghai time, or an em dash."""
    return local(value).strftime("%Y-%m-%d %H:%M") if value else EMPTY


def day(value: date | None) -> str:
    return value.isoformat() if value else EMPTY


def text_or_dash(value: str | None) -> str:
    return value if value and value.strip() else EMPTY


@dataclass(frozen=True)
class Styles:
    font: str
    label: ParagraphStyle
    label_words: ParagraphStyle  # labels without Chinese: break between words only
    value: ParagraphStyle
    value_center: ParagraphStyle
    value_right: ParagraphStyle
    small: ParagraphStyle
    note: ParagraphStyle

    @classmethod
    def create(cls, font: str) -> Styles:
        base = ParagraphStyle(
            "kd-value",
            fontName=font,
            fontSize=VALUE_SIZE,
            leading=VALUE_SIZE * 1.38,
            textColor=INK,
            wordWrap="CJK",
            alignment=TA_LEFT,
        )
        label = ParagraphStyle(
            "kd-label",
            parent=base,
            fontSize=LABEL_SIZE,
            leading=LABEL_SIZE * 1.3,
            textColor=MUTED,
            alignment=TA_CENTER,
        )
        return cls(
            font=font,
            label=label,
            label_words=ParagraphStyle("kd-label-words", parent=label, wordWrap=None),
            value=base,
            value_center=ParagraphStyle("kd-vc", parent=base, alignment=TA_CENTER),
            value_right=ParagraphStyle("kd-vr", parent=base, alignment=TA_RIGHT),
            small=ParagraphStyle(
                "kd-small", parent=base, fontSize=7.2, leading=9.2, textColor=MUTED
            ),
            note=ParagraphStyle("kd-note", parent=base, fontSize=8.5, leading=11.5),
        )


def cell(text: str, style: ParagraphStyle, width: float) -> str | Paragraph:
    """``text`` as a plain string when it fits on one line of ``width``, else a paragraph
    (characters the embedded font lacks replaced by look-alikes: see ``printable``)."""
    text = printable(text)
    if "\n" not in text and (
        stringWidth(text, style.fontName, style.fontSize) <= width - 2 * PAD - 0.5
    ):
        return text
    markup = escape(text).replace("\n", "<br/>")
    return Paragraph(markup, style)


def label_cell(text: str, styles: Styles, width: float) -> str | Paragraph:
    """A label cell; English labels wrap between words, Chinese ones between characters."""
    return cell(text, styles.label_words if text.isascii() else styles.label, width)


def grid_style(styles: Styles, *commands: tuple[object, ...], stacked: bool = False) -> TableStyle:
    """Ruled grid: thin inner rules, a firmer outer box, values in the CJK font.

    ``stacked`` grids are parts of one section drawn one under another: only their
    sides are firm, so the joins read as ordinary row rules (see :func:`close_section`).
    """
    if stacked:
        frame: list[tuple[object, ...]] = [
            ("BOX", (0, 0), (-1, -1), 0.45, RULE),
            ("LINEBEFORE", (0, 0), (0, -1), 0.9, INK),
            ("LINEAFTER", (-1, 0), (-1, -1), 0.9, INK),
        ]
    else:
        frame = [("BOX", (0, 0), (-1, -1), 0.9, INK)]
    return TableStyle(
        [
            ("FONT", (0, 0), (-1, -1), styles.font, VALUE_SIZE, VALUE_SIZE * 1.38),
            ("TEXTCOLOR", (0, 0), (-1, -1), INK),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("LEFTPADDING", (0, 0), (-1, -1), PAD),
            ("RIGHTPADDING", (0, 0), (-1, -1), PAD),
            ("TOPPADDING", (0, 0), (-1, -1), 2.1),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2.9),
            ("INNERGRID", (0, 0), (-1, -1), 0.45, RULE),
            *frame,
            *commands,
        ]
    )


def close_section(tables: list[Table]) -> list[Table]:
    """Give the last stacked grid of a section the firm bottom rule of a closed form."""
    tables[-1].setStyle(TableStyle([("LINEBELOW", (0, -1), (-1, -1), 0.9, INK)]))
    return tables


Pair = tuple[str, str]


class FormGrid:
    """A label/value grid: rows of two pairs (label, value, label, value) or one wide pair.

    Labels are shaded and centred; a wide pair's value spans the three value columns.
    A wide value too long to stay on one page becomes a grid of its own that may split
    across pages (reportlab cannot split a row whose cells are spanned).
    """

    LONG_TEXT = 400  # characters; beyond this a wide value gets its own splittable grid

    def __init__(
        self, styles: Styles, total_width: float, label_width: float = LABEL_WIDTH
    ) -> None:
        value_width = (total_width - 2 * label_width) / 2
        self.styles = styles
        self.total_width = total_width
        self.widths = [label_width, value_width, label_width, value_width]
        self.rows: list[list[object]] = []
        self.commands: list[tuple[object, ...]] = []
        self.done: list[Table] = []

    def _label(self, text: str) -> object:
        return label_cell(text, self.styles, self.widths[0])

    def pair(self, left: Pair, right: Pair) -> FormGrid:
        if max(len(left[1]), len(right[1])) > self.LONG_TEXT:
            return self.wide(*left).wide(*right)
        r = len(self.rows)
        self.rows.append(
            [
                self._label(left[0]),
                cell(left[1], self.styles.value, self.widths[1]),
                self._label(right[0]),
                cell(right[1], self.styles.value, self.widths[3]),
            ]
        )
        self.commands += [
            ("BACKGROUND", (0, r), (0, r), LABEL_FILL),
            ("BACKGROUND", (2, r), (2, r), LABEL_FILL),
            ("ALIGN", (0, r), (0, r), "CENTER"),
            ("ALIGN", (2, r), (2, r), "CENTER"),
            ("FONTSIZE", (0, r), (0, r), LABEL_SIZE),
            ("FONTSIZE", (2, r), (2, r), LABEL_SIZE),
            ("TEXTCOLOR", (0, r), (0, r), MUTED),
            ("TEXTCOLOR", (2, r), (2, r), MUTED),
        ]
        return self

    def wide(self, label: str, value: str) -> FormGrid:
        if len(value) > self.LONG_TEXT:
            self._flush()
            self.done.append(long_text_table(self.styles, label, value, self.total_width))
            return self
        r = len(self.rows)
        width = sum(self.widths[1:])
        self.rows.append([self._label(label), cell(value, self.styles.value, width), "", ""])
        self.commands += [
            ("SPAN", (1, r), (3, r)),
            ("BACKGROUND", (0, r), (0, r), LABEL_FILL),
            ("ALIGN", (0, r), (0, r), "CENTER"),
            ("FONTSIZE", (0, r), (0, r), LABEL_SIZE),
            ("TEXTCOLOR", (0, r), (0, r), MUTED),
        ]
        return self

    def _flush(self) -> None:
        if self.rows:
            table = Table(self.rows, colWidths=self.widths, hAlign="LEFT")
            table.setStyle(grid_style(self.styles, *self.commands, stacked=True))
            self.done.append(table)
        self.rows, self.commands = [], []

    def tables(self) -> list[Table]:
        """The grid as stacked tables, in row order."""
        self._flush()
        return self.done


def long_text_table(styles: Styles, label: str, text: str, total_width: float) -> Table:
    """One wide label/value row that may split inside the text across pages."""
    label_width = LABEL_WIDTH
    value = Paragraph(escape(printable(text)).replace("\n", "<br/>"), styles.value)
    table = Table(
        [[label_cell(label, styles, label_width), value]],
        colWidths=[label_width, total_width - label_width],
        hAlign="LEFT",
        splitInRow=1,
    )
    table.setStyle(
        grid_style(
            styles,
            ("BACKGROUND", (0, 0), (0, -1), LABEL_FILL),
            ("ALIGN", (0, 0), (0, -1), "CENTER"),
            ("FONTSIZE", (0, 0), (0, -1), LABEL_SIZE),
            ("TEXTCOLOR", (0, 0), (0, -1), MUTED),
            stacked=True,
        )
    )
    return table


def list_table(
    styles: Styles,
    headers: Sequence[str],
    widths: Sequence[float],
    rows: Sequence[Sequence[str]],
    aligns: Sequence[str],
    empty: str,
    column_styles: Mapping[int, ParagraphStyle] | None = None,
) -> Table:
    """A ruled list with a shaded header row repeated on every page it spans.

    ``column_styles`` overrides the text style of some columns (e.g. a smaller size).
    """
    para = {"LEFT": styles.value, "CENTER": styles.value_center, "RIGHT": styles.value_right}
    column_styles = column_styles or {}
    data: list[list[object]] = [
        [label_cell(h, styles, w) for h, w in zip(headers, widths, strict=True)]
    ]
    commands: list[tuple[object, ...]] = [
        ("BACKGROUND", (0, 0), (-1, 0), HEAD_FILL),
        ("ALIGN", (0, 0), (-1, 0), "CENTER"),
        ("FONTSIZE", (0, 0), (-1, 0), LABEL_SIZE),
        ("TEXTCOLOR", (0, 0), (-1, 0), MUTED),
    ]
    for c, align in enumerate(aligns):
        commands.append(("ALIGN", (c, 1), (c, -1), align))
        if c in column_styles:
            size = column_styles[c].fontSize
            commands.append(("FONTSIZE", (c, 1), (c, -1), size, column_styles[c].leading))
            commands.append(("TEXTCOLOR", (c, 1), (c, -1), column_styles[c].textColor))
    cols = [
        (column_styles.get(c, para[a]), w)
        for c, (a, w) in enumerate(zip(aligns, widths, strict=True))
    ]
    for row in rows:
        data.append([cell(v, st, w) for v, (st, w) in zip(row, cols, strict=True)])
    if not rows:
        data.append([cell(empty, styles.value_center, sum(widths))] + [""] * (len(widths) - 1))
        commands += [
            ("SPAN", (0, 1), (-1, 1)),
            ("ALIGN", (0, 1), (-1, 1), "CENTER"),
            ("TEXTCOLOR", (0, 1), (-1, 1), MUTED),
        ]
    table = Table(data, colWidths=list(widths), repeatRows=1, hAlign="LEFT", splitInRow=1)
    table.setStyle(grid_style(styles, *commands))
    return table


class SectionBar(Flowable):  # type: ignore[misc]  # reportlab is untyped
    """A shaded title bar that opens a section and tells the page chrome it started.

    ``needs_room``: the story puts a conditional page break before the bar, so a title
    never ends a page without at least a few rows of its section under it.
    """

    def __init__(self, key: str, title: str, font: str, height: float = 6.6 * mm) -> None:
        super().__init__()
        self.key = key
        self.title = title
        self.font = font
        self.height = height
        self.needs_room = height + 24 * mm
        self.spaceBefore = 3.4 * mm

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        return avail_width, self.height

    def draw(self) -> None:
        c = self.canv
        mark = getattr(c, "mark_section", None)
        if mark is not None:
            # First on the page: the previous section did not continue onto this page.
            mark(self.key, at_top=bool(getattr(getattr(self, "_frame", None), "_atTop", 0)))
        c.saveState()
        c.setFillColor(HEAD_FILL)
        c.setStrokeColor(INK)
        c.setLineWidth(0.9)
        c.rect(0, 0, self.width, self.height, stroke=1, fill=1)
        c.setFillColor(ACCENT)
        c.rect(0, 0, 1.6 * mm, self.height, stroke=0, fill=1)
        draw_bold(c, 4 * mm, self.height / 2 - 3.5, self.title, self.font, 10.5, INK)
        c.restoreState()


def draw_bold(
    c: Canvas, x: float, y: float, text: str, font: str, size: float, color: Color
) -> None:
    """Text with a hairline stroke around its glyphs: a bold face for fonts that lack one."""
    c.saveState()
    c.setFillColor(color)
    c.setStrokeColor(color)
    c.setLineWidth(size * 0.035)
    t = c.beginText(x, y)
    t.setTextRenderMode(2)
    t.setFont(font, size)
    t.textOut(text)
    c.drawText(t)
    c.restoreState()


class BottomAnchored(Flowable):  # type: ignore[misc]
    """Flowables kept as one block and drawn at the bottom of the page they land on.

    It takes the rest of the frame when the block fits there; otherwise it refuses to
    split, so platypus moves the whole block to a new page. Used last in a story it
    puts signature blocks at the foot of the last page, never torn apart. When the
    block ends up alone on a page, ``alone_note`` is printed at the top of that page
    (e.g. "this page holds only the signatures").
    """

    def __init__(self, content: Sequence[Flowable], alone_note: Flowable | None = None) -> None:
        super().__init__()
        self.content = list(content)
        self.alone_note = alone_note
        self._heights: list[float] = []

    def _block_height(self, avail_width: float, avail_height: float) -> float:
        self._heights = [f.wrap(avail_width, avail_height)[1] for f in self.content]
        return sum(self._heights)

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        needed = self._block_height(avail_width, avail_height)
        self.width = avail_width
        self.height = avail_height if needed <= avail_height else needed
        return avail_width, self.height

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        return []

    def draw(self) -> None:
        y = sum(self._heights)
        for flowable, height in zip(self.content, self._heights, strict=True):
            y -= height
            flowable.drawOn(self.canv, 0, y)
        alone = getattr(getattr(self, "_frame", None), "_atTop", 0)
        if alone and self.alone_note is not None:
            _, h = self.alone_note.wrap(self.width, self.height)
            self.alone_note.drawOn(self.canv, 0, self.height - h)
