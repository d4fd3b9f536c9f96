"""The influence map of an account's key persons: who reports to whom, and who decides.

Each person is a box in the row of their depth in the reporting tree (people who
report to nobody at the top), joined by a line to the person they report to.
The role is written in the box and also shown by its colour (never colour alone);
decision makers have a heavy border. Relationship strength shows as ★ (1-5).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from kamdesk.i18n import label, tr
from kamdesk.services.customer_file.views import KeyPersonView
from kamdesk.services.customer_file.vocabulary import DECISION_ROLE_LABELS, DecisionRole

BOX_W, BOX_H, GAP_X, GAP_Y, MARGIN = 180.0, 52.0, 24.0, 40.0, 16.0
ROLE_COLOURS: dict[str, QColor] = {
    DecisionRole.DECISION_MAKER.value: QColor("#fde7b0"),
    DecisionRole.INFLUENCER.value: QColor("#d7e8fb"),
    DecisionRole.USER.value: QColor("#e3f1e0"),
    DecisionRole.GATEKEEPER.value: QColor("#ece3f5"),
}


@dataclass(frozen=True)
class PlacedPerson:
    person: KeyPersonView
    box: QRectF


def layout_people(people: Sequence[KeyPersonView]) -> list[PlacedPerson]:
    """Boxes by reporting depth (a broken or looping line counts as no line)."""
    by_id = {p.id: p for p in people}

    def depth(person: KeyPersonView) -> int:
        seen = {person.id}
        level = 0
        boss = by_id.get(person.reports_to_id or "")
        while boss is not None and boss.id not in seen:
            seen.add(boss.id)
            level += 1
            boss = by_id.get(boss.reports_to_id or "")
        return level

    rows: dict[int, list[KeyPersonView]] = {}
    for person in people:
        rows.setdefault(depth(person), []).append(person)
    placed = []
    for level in sorted(rows):
        for column, person in enumerate(rows[level]):
            x = MARGIN + column * (BOX_W + GAP_X)
            y = MARGIN + level * (BOX_H + GAP_Y)
            placed.append(PlacedPerson(person, QRectF(x, y, BOX_W, BOX_H)))
    return placed


class InfluenceMap(QWidget):
    """Draws :func:`layout_people` of the people given with :meth:`set_people`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(tr("Influence map"))
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.placed: list[PlacedPerson] = []

    def set_people(self, people: Sequence[KeyPersonView]) -> None:
        self.placed = layout_people(people)
        self.setToolTip(
            tr("Lines join each person to the one they report to; ★ = relationship strength")
        )
        self.updateGeometry()
        self.update()

    def sizeHint(self) -> QSize:
        if not self.placed:
            return QSize(320, 120)
        right = max(p.box.right() for p in self.placed) + MARGIN
        bottom = max(p.box.bottom() for p in self.placed) + MARGIN
        return QSize(int(right), int(bottom))

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if not self.placed:
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, tr("No key persons yet"))
            return
        boxes = {p.person.id: p.box for p in self.placed}
        painter.setPen(QPen(QColor("#8a96a3"), 1.5))
        for placed in self.placed:
            boss = boxes.get(placed.person.reports_to_id or "")
            if boss is not None:
                top = QPointF(placed.box.center().x(), placed.box.top())
                painter.drawLine(top, QPointF(boss.center().x(), boss.bottom()))
        for placed in self.placed:
            self._draw_box(painter, placed)

    def _draw_box(self, painter: QPainter, placed: PlacedPerson) -> None:
        person = placed.person
        role = person.decision_role
        deciding = role == DecisionRole.DECISION_MAKER
        painter.setBrush(ROLE_COLOURS.get(role, QColor("#f2f2f2")))
        painter.setPen(QPen(QColor("#b07a00" if deciding else "#5b6775"), 3 if deciding else 1))
        painter.drawRoundedRect(placed.box, 6, 6)
        painter.setPen(QColor("#1f2933"))
        stars = "★" * max(0, min(5, person.relationship))
        who = f"{person.name} · {person.title}" if person.title else person.name
        inner = placed.box.adjusted(6, 4, -6, -4)
        first = painter.fontMetrics().elidedText(
            f"{who}  {stars}", Qt.TextElideMode.ElideMiddle, int(inner.width())
        )
        text = f"{first}\n{label(DECISION_ROLE_LABELS, role)}"
        painter.drawText(inner, Qt.AlignmentFlag.AlignCenter, text)
