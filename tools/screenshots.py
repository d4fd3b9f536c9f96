"""Screenshots of the real app on a database, one PNG per page of the main window.

``python tools/screenshots.py --db .demo/kamdesk-demo.sqlite --out docs/images``
Runs headless (``QT_QPA_PLATFORM=offscreen`` unless a display is set) in a throw-away
settings folder, so the user's own settings are never read or changed.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--size", default="1280x800")
    args = parser.parse_args(argv)
    if not os.environ.get("DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    home = tempfile.mkdtemp(prefix="kamdesk-shots-")
    os.environ.update(XDG_CONFIG_HOME=home, XDG_DATA_HOME=home, XDG_STATE_HOME=home)

    from PySide6.QtCore import QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    from kamdesk import app as kamdesk_app
    from kamdesk.ui.main_window import PAGES, MainWindow

    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, home)
    width, height = (int(v) for v in args.size.split("x"))
    args.out.mkdir(parents=True, exist_ok=True)
    shown = MainWindow.show

    def show_and_shoot(window: MainWindow) -> None:
        shown(window)
        window.resize(width, height)

        def shoot(index: int = 0) -> None:
            if index == len(PAGES):
                QApplication.instance().quit()  # type: ignore[union-attr]
                return
            window.show_page(index)
            QTimer.singleShot(1500, lambda: _save(index))

        def _save(index: int) -> None:
            path = args.out / f"{index + 1:02d}-{PAGES[index].key}.png"
            window.grab().save(str(path))
            print(path)
            shoot(index + 1)

        QTimer.singleShot(1500, shoot)

    MainWindow.show = show_and_shoot  # type: ignore[method-assign]
    return kamdesk_app.run_app(db_path=args.db.absolute())


if __name__ == "__main__":
    sys.exit(main())
