"""The KAMDesk icon: on every window of the app, and as the Windows .ico the build
draws from the same SVG (every size Windows picks from, each a real image)."""

from __future__ import annotations

import struct
from pathlib import Path

from PySide6.QtGui import QImage, QImageReader

from kamdesk.app import create_application
from kamdesk.ui.icons import ICO_SIZES, write_ico


def _opaque_share(image: QImage) -> float:
    pixels = [
        image.pixelColor(x, y).alpha() for x in range(image.width()) for y in range(image.height())
    ]
    return sum(1 for a in pixels if a > 0) / len(pixels)


def test_the_app_shows_its_own_icon(qapp) -> None:
    app = create_application()
    icon = app.windowIcon()
    assert not icon.isNull()
    image = icon.pixmap(32, 32).toImage()
    assert image.width() == 32
    assert 0.6 < _opaque_share(image) < 1.0  # a drawn rounded tile, not a blank square
    assert image.pixelColor(16, 3).blue() > image.pixelColor(16, 3).red()  # the blue tile


def test_the_windows_icon_holds_every_size(qapp, tmp_path: Path) -> None:
    ico = tmp_path / "kamdesk.ico"
    write_ico(ico)
    data = ico.read_bytes()
    reserved, kind, count = struct.unpack_from("<HHH", data)
    assert (reserved, kind, count) == (0, 1, len(ICO_SIZES))
    for index, size in enumerate(ICO_SIZES):
        side, _, _, _, _, bits, length, offset = struct.unpack_from(
            "<BBBBHHII", data, 6 + 16 * index
        )
        assert (side or 256, bits) == (size, 32)
        image = QImage.fromData(data[offset : offset + length], "PNG")
        assert (image.width(), image.height()) == (size, size)
        assert _opaque_share(image) > 0.5
    reader = QImageReader(str(ico))  # Qt's own ICO reader agrees
    assert reader.imageCount() == len(ICO_SIZES)
