"""Navigation icons: the SVGs in ``resources/icons``, or Qt's standard icons without them.

Hazard: ``resources/`` sits beside the package (a source checkout or editable
install); where it is missing, the standard icons keep the window usable.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QStyle

ICON_DIR = Path(__file__).resolve().parents[2] / "resources" / "icons"

_FALLBACKS = {
    "home": QStyle.StandardPixmap.SP_DesktopIcon,
    "customers": QStyle.StandardPixmap.SP_DirHomeIcon,
    "workorders": QStyle.StandardPixmap.SP_FileDialogDetailedView,
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
