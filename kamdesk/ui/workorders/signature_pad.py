"""签名板: a canvas the customer signs on with a mouse, a pen (with pressure) or a finger.

The pad keeps the signature as vector strokes — each a list of ``(x, y, pressure)``
points in the pad's own pixels, pressure 0..1 — and draws a transparent PNG of them on
request. Undo removes the last stroke; clear removes all.

Guarantees: :meth:`SignaturePad.drawing` refuses an empty pad (no strokes, or less ink
than :data:`MIN_INK_PX`, an accidental click) with ``signature.empty``; the PNG shows
exactly the strokes returned beside it. Pen and touch input are accepted where they
arrive, so Qt never synthesises a second, mouse copy of the same stroke.
Hazard: coordinates depend on the pad's size at signing time; ``SignatureDrawing``
carries that size so a renderer can scale.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import pairwise

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QImage,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QShortcut,
    QTabletEvent,
    QTouchEvent,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from kamdesk.errors import KamdeskError, define
from kamdesk.i18n import N_, tr

define(
    {
        "signature.empty": N_(
            "The signature is empty. Please sign inside the box with the mouse, a pen or a finger."
        ),
    }
)

Point = tuple[float, float, float]
"""(x, y, pressure) in pad pixels; pressure 0..1."""

MOUSE_PRESSURE = 0.5
"""Pressure given to mouse strokes (and to touch points that report none)."""

MIN_INK_PX = 6.0
"""Total stroke length below which the pad counts as empty (a stray click)."""

BASE_WIDTH = 2.6
"""Pen width in pixels at pressure 0.5; scales from 0.4× to 1.6× with pressure."""

EXPORT_SCALE = 2
"""The PNG is drawn at twice the pad's pixels so it prints crisply."""

INK = QColor("#102a5c")


@dataclass(frozen=True)
class SignatureDrawing:
    """What the pad hands over: strokes, the PNG of them, and the pad size they refer to."""

    strokes: tuple[tuple[Point, ...], ...]
    png: bytes
    width: int
    height: int

    def strokes_json(self) -> list[list[list[float]]]:
        """The strokes as nested lists of numbers, ready for a JSON column."""
        return [[list(point) for point in stroke] for stroke in self.strokes]


def _pen_width(pressure: float) -> float:
    return BASE_WIDTH * (0.4 + 1.2 * max(0.0, min(1.0, pressure)))


def _ink_length(strokes: list[list[Point]]) -> float:
    total = 0.0
    for stroke in strokes:
        for (x0, y0, _p0), (x1, y1, _p1) in pairwise(stroke):
            total += math.hypot(x1 - x0, y1 - y0)
    return total


class SignaturePad(QWidget):
    """A white box with a baseline; draws strokes as they come, keeps them as vectors."""

    changed = Signal()
    """Fires whenever a stroke was added, extended, undone or the pad cleared."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("signaturePad")
        self.setAccessibleName(tr("Signature pad"))
        self.setToolTip(tr("Sign here with the mouse, a pen or a finger. Ctrl+Z undoes a stroke."))
        self.setAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents, True)
        self.setAttribute(Qt.WidgetAttribute.WA_StaticContents, True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(360, 150)
        self._strokes: list[list[Point]] = []
        self._drawing = False
        undo = QShortcut(QKeySequence.StandardKey.Undo, self)
        undo.setContext(Qt.ShortcutContext.WidgetShortcut)
        undo.activated.connect(self.undo_stroke)

    def sizeHint(self) -> QSize:
        return QSize(520, 200)

    # --- the strokes ------------------------------------------------------------------

    def strokes(self) -> list[list[Point]]:
        """A copy of the strokes drawn so far."""
        return [list(stroke) for stroke in self._strokes]

    def is_empty(self) -> bool:
        return _ink_length(self._strokes) < MIN_INK_PX

    def undo_stroke(self) -> None:
        """Remove the last stroke (nothing happens on an empty pad)."""
        if self._strokes:
            self._strokes.pop()
            self._drawing = False
            self.update()
            self.changed.emit()

    def clear(self) -> None:
        if self._strokes:
            self._strokes.clear()
            self._drawing = False
            self.update()
            self.changed.emit()

    def drawing(self) -> SignatureDrawing:
        """The signature as strokes and PNG; raises ``signature.empty`` when there is none."""
        if self.is_empty():
            raise KamdeskError("signature.empty")
        strokes = tuple(
            tuple((round(x, 1), round(y, 1), round(p, 3)) for x, y, p in stroke)
            for stroke in self._strokes
        )
        return SignatureDrawing(
            strokes, self.render_png(), max(1, self.width()), max(1, self.height())
        )

    def render_image(self) -> QImage:
        """The strokes on a transparent image, :data:`EXPORT_SCALE` × the pad size."""
        size = QSize(max(1, self.width()), max(1, self.height())) * EXPORT_SCALE
        image = QImage(size, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.scale(EXPORT_SCALE, EXPORT_SCALE)
        self._paint_strokes(painter)
        painter.end()
        return image

    def render_png(self) -> bytes:
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        self.render_image().save(buffer, "PNG")  # type: ignore[call-overload]
        buffer.close()
        return bytes(data.data())

    # --- input ------------------------------------------------------------------------

    def _begin(self, pos: QPointF, pressure: float) -> None:
        self._strokes.append([(pos.x(), pos.y(), pressure)])
        self._drawing = True
        self.update()
        self.changed.emit()

    def _extend(self, pos: QPointF, pressure: float) -> None:
        if not self._drawing or not self._strokes:
            return
        stroke = self._strokes[-1]
        x, y, _p = stroke[-1]
        if (x, y) == (pos.x(), pos.y()):
            return
        stroke.append((pos.x(), pos.y(), pressure))
        self.update()
        self.changed.emit()

    def _end(self) -> None:
        self._drawing = False

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.setFocus(Qt.FocusReason.MouseFocusReason)
            self._begin(event.position(), MOUSE_PRESSURE)
            event.accept()
        else:
            super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if event.buttons() & Qt.MouseButton.LeftButton:
            self._extend(event.position(), MOUSE_PRESSURE)
            event.accept()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._extend(event.position(), MOUSE_PRESSURE)
            self._end()
            event.accept()

    def tabletEvent(self, event: QTabletEvent) -> None:
        kind = event.type()
        pressure = float(event.pressure())
        if kind == QTabletEvent.Type.TabletPress:
            self._begin(event.position(), pressure)
        elif kind == QTabletEvent.Type.TabletMove:
            self._extend(event.position(), pressure)
        elif kind == QTabletEvent.Type.TabletRelease:
            self._end()
        event.accept()  # no synthesised mouse copy of the stroke

    def event(self, event: object) -> bool:
        if isinstance(event, QTouchEvent):
            return self._touch(event)
        return super().event(event)  # type: ignore[arg-type]

    def _touch(self, event: QTouchEvent) -> bool:
        points = event.points()
        if not points:
            return True
        point = points[0]  # one finger signs; more fingers are ignored
        pressure = float(point.pressure()) or MOUSE_PRESSURE
        kind = event.type()
        if kind == QTouchEvent.Type.TouchBegin:
            self._begin(point.position(), pressure)
        elif kind == QTouchEvent.Type.TouchUpdate:
            self._extend(point.position(), pressure)
        else:
            self._end()
        event.accept()
        return True

    # --- painting ---------------------------------------------------------------------

    def _paint_strokes(self, painter: QPainter) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        for stroke in self._strokes:
            if len(stroke) == 1:
                x, y, p = stroke[0]
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(INK)
                radius = _pen_width(p) / 2
                painter.drawEllipse(QPointF(x, y), radius, radius)
                continue
            for (x0, y0, p0), (x1, y1, p1) in pairwise(stroke):
                pen = QPen(INK, _pen_width((p0 + p1) / 2))
                pen.setCapStyle(Qt.PenCapStyle.RoundCap)
                pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
                painter.setPen(pen)
                painter.drawLine(QPointF(x0, y0), QPointF(x1, y1))

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#ffffff"))
        painter.setPen(QPen(QColor("#c7d0dc"), 1))
        painter.drawRect(self.rect().adjusted(0, 0, -1, -1))
        baseline = int(self.height() * 0.75)
        painter.setPen(QPen(QColor("#dfe5ee"), 1, Qt.PenStyle.DashLine))
        painter.drawLine(16, baseline, self.width() - 16, baseline)
        if not self._strokes:
            painter.setPen(QColor("#9aa5b4"))
            painter.drawText(
                self.rect().adjusted(16, 0, -16, -(self.height() - baseline) - 4),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom,
                tr("Sign here"),
            )
        self._paint_strokes(painter)
        painter.end()
