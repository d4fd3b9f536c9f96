"""Cyclic garbage collection on the GUI thread only, between events.

Python's collector runs in whichever thread happens to allocate when a threshold is
crossed. In a Qt app that thread may be a worker of :mod:`kamdesk.ui.tasks`, or the GUI
thread in the middle of a Qt call; a collected cycle that holds a Python-owned Qt object
then runs that object's C++ destructor there, off its thread or inside a half-finished
signal, and the process can die with a segmentation fault. The same idea is used by
pyqtgraph's ``GarbageCollector``.

Guarantees: once :func:`install` ran, automatic collection is off and a timer on the
GUI thread collects with the interpreter's own thresholds (a young generation when it
is over its threshold, an older one only when that is too), so collection happens only
while the event loop is idle between events. Reference counting still frees every
object without cycles at once.

Hazards: cycles pile up while the event loop does not run (a long call on the GUI
thread); :func:`install` is meant for the application's lifetime, :func:`uninstall`
gives the interpreter its collector back (tests).
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 500
"""How often the GUI thread looks at the collector's counts."""


class GuiCollector(QObject):
    """Collects when the interpreter would have, but only from the GUI thread's timer."""

    def __init__(self, interval_ms: int = INTERVAL_MS, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thresholds = gc.get_threshold()
        self._was_enabled = gc.isenabled()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.collect_due)
        self._timer.start(interval_ms)
        gc.disable()

    def collect_due(self) -> int:
        """Collect the oldest generation over its threshold (and the younger ones with it);
        returns how many unreachable objects were found."""
        counts = gc.get_count()
        due = -1
        for generation, (count, threshold) in enumerate(zip(counts, self._thresholds, strict=True)):
            if threshold and count > threshold:
                due = generation
            else:
                break
        return gc.collect(due) if due >= 0 else 0

    def stop(self) -> None:
        """Stop the timer and hand collection back to the interpreter as it was."""
        self._timer.stop()
        if self._was_enabled:
            gc.enable()


_installed: GuiCollector | None = None


def install(parent: QObject | None = None) -> GuiCollector:
    """Move cyclic collection to the GUI thread (idempotent); call on the GUI thread."""
    global _installed
    if _installed is None:
        _installed = GuiCollector(parent=parent)
    return _installed


def uninstall() -> None:
    """Undo :func:`install`."""
    global _installed
    if _installed is not None:
        _installed.stop()
        _installed.deleteLater()
        _installed = None
