"""Draw on a signature pad with simulated mouse strokes, as a customer would."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QWidget


def draw_stroke(qtbot: Any, pad: QWidget, points: list[tuple[int, int]]) -> None:
    """Press at the first point, move through the others, release at the last."""
    first, *rest = [QPoint(x, y) for x, y in points]
    qtbot.mousePress(pad, Qt.MouseButton.LeftButton, pos=first)
    for point in rest:
        qtbot.mouseMove(pad, point)
    qtbot.mouseRelease(pad, Qt.MouseButton.LeftButton, pos=rest[-1] if rest else first)


def sign_name(qtbot: Any, pad: QWidget) -> None:
    """Two strokes that look like a quick signature."""
    draw_stroke(qtbot, pad, [(30, 120), (60, 60), (90, 130), (120, 70), (150, 125)])
    draw_stroke(qtbot, pad, [(180, 90), (230, 95), (280, 80), (330, 100)])
