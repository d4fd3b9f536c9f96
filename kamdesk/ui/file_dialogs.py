"""File dialogs that remember their folder, like every Windows program staff know.

Each dialog names a ``purpose`` (``"attachments"``, ``"customer_import"``,
``"kpi_export"`` …); the folder of the file last chosen for that purpose is kept in
the settings (``dialogs/<purpose>``) and the next dialog for it starts there. A
remembered folder that no longer exists falls back to the user's Documents folder.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths
from PySide6.QtWidgets import QFileDialog, QWidget

from kamdesk.ui.preferences import open_settings

GROUP = "dialogs"


def remembered_folder(purpose: str, settings: QSettings | None = None) -> Path:
    """The folder the next dialog for ``purpose`` starts in."""
    value = (settings or open_settings()).value(f"{GROUP}/{purpose}", "")
    folder = Path(value) if isinstance(value, str) and value else None
    if folder is not None and folder.is_dir():
        return folder
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(documents or Path.home())


def remember_folder(purpose: str, chosen: Path, settings: QSettings | None = None) -> None:
    """Keep the folder of ``chosen`` (a file) for the next dialog for ``purpose``."""
    store = settings or open_settings()
    store.setValue(f"{GROUP}/{purpose}", str(chosen.parent))
    store.sync()


def open_files(parent: QWidget | None, purpose: str, title: str, filters: str) -> list[Path]:
    """Several existing files; empty when cancelled."""
    paths, _ = QFileDialog.getOpenFileNames(parent, title, str(remembered_folder(purpose)), filters)
    chosen = [Path(p) for p in paths]
    if chosen:
        remember_folder(purpose, chosen[0])
    return chosen


def open_file(parent: QWidget | None, purpose: str, title: str, filters: str) -> Path | None:
    """One existing file; None when cancelled."""
    path, _ = QFileDialog.getOpenFileName(parent, title, str(remembered_folder(purpose)), filters)
    if not path:
        return None
    remember_folder(purpose, Path(path))
    return Path(path)


def save_file(
    parent: QWidget | None, purpose: str, title: str, suggested_name: str, filters: str
) -> Path | None:
    """Where to write a new file (``suggested_name`` in the remembered folder); None when
    cancelled. The dialog asks before overwriting."""
    start = remembered_folder(purpose) / suggested_name
    path, _ = QFileDialog.getSaveFileName(parent, title, str(start), filters)
    if not path:
        return None
    remember_folder(purpose, Path(path))
    return Path(path)
