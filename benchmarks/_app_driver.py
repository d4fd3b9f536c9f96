"""Start the KAMDesk app on a database and exit as soon as its main window is shown.

Stand-in for ``KAMDESK_EXIT_WHEN_SHOWN=1`` while ``kamdesk/app.py`` lacks that hook:
``python -m benchmarks._app_driver <database>``. Nothing happens on import.
"""

from __future__ import annotations

import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    import kamdesk.app as app_module

    shown = app_module.MainWindow.show

    def show_then_quit(self: object) -> None:
        shown(self)  # type: ignore[arg-type]
        QTimer.singleShot(0, QApplication.instance().quit)  # type: ignore[union-attr]

    app_module.MainWindow.show = show_then_quit  # type: ignore[method-assign]
    return app_module.run_app(db_path=Path(argv[0]))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
