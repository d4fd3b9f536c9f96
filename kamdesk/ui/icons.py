"""The application icon and the navigation icons: the SVGs in ``resources/icons``, or
Qt's standard icons without them.

Hazard: ``resources/`` sits beside the package (a source checkout or editable
install); where it is missing, the standard icons keep the window usable.
"""

from __future__ import annotations

import struct
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize
from PySide6.QtGui import QIcon, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QApplication, QStyle

ICON_DIR = Path(__file__).resolve().parents[2] / "resources" / "icons"
APP_ICON = ICON_DIR / "kamdesk.svg"
ICO_SIZES = (16, 20, 24, 32, 40, 48, 64, 128, 256)
"""The sizes Windows picks from for title bars, the taskbar, Explorer and shortcuts."""

_FALLBACKS = {
    "home": QStyle.StandardPixmap.SP_DesktopIcon,
    "customers": QStyle.StandardPixmap.SP_DirHomeIcon,
    "workorders": QStyle.StandardPixmap.SP_FileDialogDetailedView,
    "funnel": QStyle.StandardPixmap.SP_FileDialogContentsView,
    "reports": QStyle.StandardPixmap.SP_FileDialogInfoView,
    "sync": QStyle.StandardPixmap.SP_BrowserReload,
    "settings": QStyle.StandardPixmap.SP_FileDialogListView,
}


def nav_icon(name: str) -> QIcon:
    """The icon called ``name`` (one of the navigation entries)."""
    path = ICON_DIR / f"{name}.svg"
    if path.is_file():
        icon = QIcon(str(path))
        if not icon.isNull():
            return icon
    return QApplication.style().standardIcon(_FALLBACKS[name])


def app_icon() -> QIcon:
    """The KAMDesk icon (windows, taskbar), or Qt's computer icon without the SVG."""
    if APP_ICON.is_file():
        icon = QIcon(str(APP_ICON))
        if not icon.isNull():
            return icon
    return QApplication.style().standardIcon(QStyle.StandardPixmap.SP_ComputerIcon)


def write_ico(path: Path, sizes: tuple[int, ...] = ICO_SIZES) -> None:
    """Render the application SVG into a Windows ``.ico`` holding every size of
    ``sizes`` (each drawn from the vector, not scaled from one bitmap)."""
    renderer = QSvgRenderer(str(APP_ICON))
    if not renderer.isValid():
        raise OSError(f"{APP_ICON} is not a valid SVG")
    images = []
    for size in sizes:
        image = QImage(QSize(size, size), QImage.Format.Format_ARGB32)
        image.fill(0)
        painter = QPainter(image)
        renderer.render(painter)
        painter.end()
        images.append(image)
    path.write_bytes(_ico_bytes(images))


def _ico_bytes(images: list[QImage]) -> bytes:
    """An ICO file of PNG-compressed entries (Windows Vista and later read them; Qt's
    own ICO writer stores one image per file)."""
    pngs = []
    for image in images:
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        image.save(buffer, "PNG")
        pngs.append((image.width(), bytes(data.data())))
    header = struct.pack("<HHH", 0, 1, len(pngs))
    offset = len(header) + 16 * len(pngs)
    entries, blobs = b"", b""
    for size, png in pngs:
        side = 0 if size >= 256 else size  # 0 means 256 in an ICO directory entry
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(png), offset)
        blobs += png
        offset += len(png)
    return header + entries + blobs
