"""The Qt half of ``kamdesk --self-test``: what a PyInstaller bundle most often loses.

Each check raises on failure: Qt starts (platform plugin), Qt's own Chinese catalog
loads (``qtbase_zh_CN.qm``), the navigation SVG icons load (icons folder and the SVG
image plugin), and QtPdf opens the work order the core checks printed (print preview).
Without a display outside Windows the checks use Qt's ``offscreen`` platform.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from kamdesk.i18n import tr
from kamdesk.ui.icons import ICON_DIR
from kamdesk.ui.language import LanguageSwitcher
from kamdesk.ui.main_window import PAGES

_APPLICATION: list[QApplication] = []
"""Holds the QApplication this module created: Python owns it, Qt must not lose it."""


def _application(folder: Path) -> str:
    if sys.platform != "win32" and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    ):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if QApplication.instance() is None:
        _APPLICATION.append(QApplication(sys.argv[:1]))
    return f"Qt {QLibraryInfo.version().toString()}, {QApplication.platformName()}"


def _qt_catalog(folder: Path) -> str:
    switcher = LanguageSwitcher()
    previous = switcher.language
    switcher.apply("zh_CN")
    try:
        if switcher.qt_catalogs_loaded() == 0:
            where = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
            raise FileNotFoundError(f"qtbase_zh_CN.qm in {where}")
        return QCoreApplication.translate("QPlatformTheme", "Cancel")
    finally:
        switcher.apply(previous)  # the report goes on in the user's language


def _icons(folder: Path) -> str:
    for entry in PAGES:
        path = ICON_DIR / f"{entry.icon}.svg"
        if QIcon(str(path)).pixmap(32, 32).isNull():
            raise FileNotFoundError(f"{path} (or Qt's SVG image plugin)")
    return str(ICON_DIR)


def _pdf_view(pdf: Path) -> str:
    from PySide6.QtPdf import QPdfDocument

    document = QPdfDocument()
    error = document.load(str(pdf))
    if error != QPdfDocument.Error.None_ or document.pageCount() < 1:
        raise RuntimeError(f"QtPdf could not open {pdf.name}: {error.name}")
    pages = document.pageCount()
    document.close()
    return tr("{pages} page(s)", pages=pages)


def qt_checks(pdf_name: str) -> list[tuple[str, Callable[[Path], str]]]:
    """(name, check of the self-test folder): Qt starts, its Chinese catalog, the icons,
    and QtPdf opens ``pdf_name`` (printed there by the core checks, which run first)."""
    return [
        (tr("Qt"), _application),
        (tr("Qt Chinese catalog"), _qt_catalog),
        (tr("Icons"), _icons),
        (tr("PDF preview"), lambda folder: _pdf_view(folder / pdf_name)),
    ]
