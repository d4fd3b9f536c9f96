"""The signature pad: strokes from simulated mouse input, undo, clear, empty refusal, PNG."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QImage, QPointingDevice, QTabletEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from kamdesk import i18n
from kamdesk.errors import KamdeskError
from kamdesk.ui.workorders.signature_pad import MOUSE_PRESSURE, SignaturePad
from tests.ui.signing import draw_stroke, sign_name


@pytest.fixture()
def pad(qtbot) -> SignaturePad:
    pad = SignaturePad()
    pad.resize(400, 180)
    qtbot.addWidget(pad)
    pad.show()
    qtbot.waitExposed(pad)
    return pad


def test_mouse_strokes_become_vector_strokes_with_pressure(qtbot, pad):
    draw_stroke(qtbot, pad, [(20, 100), (60, 40), (100, 110)])
    draw_stroke(qtbot, pad, [(150, 80), (250, 85)])
    strokes = pad.strokes()
    assert len(strokes) == 2
    assert [(x, y) for x, y, _p in strokes[0]] == [(20, 100), (60, 40), (100, 110)]
    assert [(x, y) for x, y, _p in strokes[1]] == [(150, 80), (250, 85)]
    assert {p for stroke in strokes for _x, _y, p in stroke} == {MOUSE_PRESSURE}
    assert not pad.is_empty()


def test_undo_removes_only_the_last_stroke_and_ctrl_z_does_too(qtbot, pad):
    sign_name(qtbot, pad)
    first = pad.strokes()[0]
    pad.undo_stroke()
    assert pad.strokes() == [first]
    pad.setFocus()
    qtbot.keyClick(pad, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert pad.strokes() == []
    pad.undo_stroke()  # nothing left: no error
    assert pad.is_empty()


def test_clear_empties_the_pad_and_an_empty_pad_is_refused(qtbot, pad):
    sign_name(qtbot, pad)
    with qtbot.waitSignal(pad.changed):
        pad.clear()
    assert pad.strokes() == []
    with pytest.raises(KamdeskError) as refused:
        pad.drawing()
    assert refused.value.code == "signature.empty"
    i18n.set_language("en")
    assert refused.value.message().startswith("The signature is empty.")


def test_a_stray_click_is_not_a_signature(qtbot, pad):
    draw_stroke(qtbot, pad, [(50, 50), (52, 51)])
    assert len(pad.strokes()) == 1
    assert pad.is_empty()
    with pytest.raises(KamdeskError):
        pad.drawing()


def test_png_shows_the_ink_where_it_was_drawn(qtbot, pad):
    draw_stroke(qtbot, pad, [(40, 90), (360, 90)])
    drawing = pad.drawing()
    assert (drawing.width, drawing.height) == (400, 180)
    assert drawing.strokes_json()[0][0] == [40.0, 90.0, MOUSE_PRESSURE]
    image = QImage.fromData(drawing.png, "PNG")
    assert not image.isNull()
    scale = image.width() // drawing.width
    assert scale >= 1 and image.height() == drawing.height * scale
    on_line = image.pixelColor(200 * scale, 90 * scale)
    off_line = image.pixelColor(200 * scale, 20 * scale)
    assert on_line.alpha() == 255 and on_line.blue() > on_line.red()
    assert off_line.alpha() == 0


def _tablet(pad: SignaturePad, kind: QEvent.Type, x: float, y: float, pressure: float) -> bool:
    pos = QPointF(x, y)
    event = QTabletEvent(
        kind,
        QPointingDevice.primaryPointingDevice(),
        pos,
        QPointF(pad.mapToGlobal(pos)),
        pressure,
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
        Qt.KeyboardModifier.NoModifier,
        Qt.MouseButton.LeftButton,
        Qt.MouseButton.LeftButton,
    )
    QApplication.sendEvent(pad, event)
    return event.isAccepted()


def test_pen_strokes_keep_their_pressure(pad):
    assert _tablet(pad, QEvent.Type.TabletPress, 30, 60, 0.2)
    assert _tablet(pad, QEvent.Type.TabletMove, 80, 70, 0.6)
    assert _tablet(pad, QEvent.Type.TabletMove, 130, 75, 0.95)
    assert _tablet(pad, QEvent.Type.TabletRelease, 130, 75, 0.0)
    [stroke] = pad.strokes()
    assert [round(p, 2) for _x, _y, p in stroke] == [0.2, 0.6, 0.95]


def test_a_finger_draws_one_stroke(qtbot, pad):
    device = QTest.createTouchDevice()
    QTest.touchEvent(pad, device).press(0, QPoint(40, 40)).commit()
    QTest.touchEvent(pad, device).move(0, QPoint(120, 60)).commit()
    QTest.touchEvent(pad, device).move(0, QPoint(200, 50)).commit()
    QTest.touchEvent(pad, device).release(0, QPoint(200, 50)).commit()
    [stroke] = pad.strokes()
    expected = [(40, 40), (120, 60), (200, 50)]
    assert len(stroke) == len(expected)
    # the offscreen platform may shift touch points by the window frame (a few pixels)
    pairs = zip(stroke, expected, strict=True)
    assert all(abs(x - ex) <= 3 and abs(y - ey) <= 3 for (x, y, _p), (ex, ey) in pairs)
    assert not pad.is_empty()
