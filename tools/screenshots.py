"""Screenshots of the real app on a database: every page of the main window, then a
customer file, an order window and dialogs — the pictures of the user guide.

``python tools/screenshots.py --db .demo/kamdesk-demo.sqlite --out docs/guide/images``
Runs headless (``QT_QPA_PLATFORM=offscreen`` unless a display is set, e.g. under
``xvfb-run``) in a throw-away settings folder, so the user's own settings are never
read or changed. Each shot waits for the background loading to settle, saves
``NN-name.png`` and prints its path; any shot that finds nothing to show fails the run.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

SETTLE_MS = 1500


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
    from PySide6.QtWidgets import QApplication, QWidget

    from kamdesk import app as kamdesk_app
    from kamdesk.ui.help_menu import show_shortcuts
    from kamdesk.ui.main_window import PAGES, MainWindow

    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, home)
    width, height = (int(v) for v in args.size.split("x"))
    args.out.mkdir(parents=True, exist_ok=True)
    shown = MainWindow.show
    failures: list[str] = []

    def new_windows(before: set[int]) -> list[QWidget]:
        return [
            w
            for w in QApplication.topLevelWidgets()
            if w.isVisible() and id(w) not in before and not isinstance(w, MainWindow)
        ]

    def show_and_shoot(window: MainWindow) -> None:
        shown(window)
        window.resize(width, height)

        def page(index: int) -> Callable[[], Any]:
            return lambda: window.show_page(index)

        # The pages' lists were loaded by the page shots; switching pages again would
        # reload them (empty until the background query returns).
        def customer_file() -> None:
            customer = window.customers_page.model.customer_id(0)
            if customer is not None:
                window.open_customer_file(customer)

        def order_window() -> None:
            window.orders_page.open_order(_an_accepted_order(args.db))

        shots: list[tuple[str, Callable[[], Any], bool]] = [
            *((f"{i + 1:02d}-{entry.key}", page(i), False) for i, entry in enumerate(PAGES)),
            (f"{len(PAGES) + 1:02d}-customer-file", customer_file, True),
            (f"{len(PAGES) + 2:02d}-order-window", order_window, True),
            (f"{len(PAGES) + 3:02d}-shortcuts", lambda: show_shortcuts(window), True),
        ]

        def take(index: int = 0) -> None:
            if index == len(shots):
                QApplication.instance().quit()  # type: ignore[union-attr]
                return
            name, action, separate = shots[index]
            before = {id(w) for w in QApplication.topLevelWidgets() if w.isVisible()}
            action()
            QTimer.singleShot(SETTLE_MS, lambda: save(index, name, separate, before))

        def save(index: int, name: str, separate: bool, before: set[int]) -> None:
            target: QWidget = window
            if separate:
                opened = new_windows(before)
                if not opened:
                    failures.append(name)
                    take(index + 1)
                    return
                target = max(opened, key=lambda w: w.width() * w.height())
                if target.width() < 900 and target.windowType() != target.windowType().Dialog:
                    target.resize(max(target.width(), 1100), max(target.height(), 720))
            path = args.out / f"{name}.png"
            target.grab().save(str(path))
            print(path)
            if separate:
                target.close()
            take(index + 1)

        QTimer.singleShot(SETTLE_MS, take)

    MainWindow.show = show_and_shoot  # type: ignore[method-assign]
    # Pictures of the demo, taken as its branch admin: no password dialog in the way.
    status = kamdesk_app.run_app(
        db_path=args.db.absolute(), sign_in=lambda services: services.shell.current_actor()
    )
    if failures:
        print(f"no window appeared for: {', '.join(failures)}", file=sys.stderr)
        return 1
    return status


def _an_accepted_order(db: Path) -> str:
    """An order that went the whole way (demand to signed acceptance), for the guide."""
    from kamdesk.db.engine import create_sqlite_engine
    from kamdesk.domain.workorders.vocabulary import State
    from kamdesk.services.workorders import OrderQuery, WorkOrderService

    engine = create_sqlite_engine(db.absolute())
    try:
        service = WorkOrderService(engine)
        rows = service.list_orders(None, OrderQuery(states=(State.ACCEPTED,)), limit=1)
        rows = rows or service.list_orders(None, OrderQuery(), limit=1)
    finally:
        engine.dispose()
    return rows[0].order_id


if __name__ == "__main__":
    sys.exit(main())
