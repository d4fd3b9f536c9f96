"""Cycles are collected on the GUI thread between events, never on a worker thread.

A cycle that holds a Qt object and is collected on a worker runs that object's
destructor there; that is what :mod:`kamdesk.ui.gui_collector` rules out.
"""

from __future__ import annotations

import gc
import threading
from typing import Any

from kamdesk.ui import gui_collector


class Cyclic:
    """Part of a reference cycle; records the thread that finally collected it."""

    collected_on: list[int] = []

    def __init__(self) -> None:
        self.me = self

    def __del__(self) -> None:
        Cyclic.collected_on.append(threading.get_ident())


def test_the_suite_runs_with_the_collector_of_the_app() -> None:
    assert not gc.isenabled()
    assert gui_collector.install() is gui_collector.install()  # one per process


def test_a_cycle_dropped_on_a_worker_is_collected_on_the_gui_thread(qtbot: Any) -> None:
    Cyclic.collected_on.clear()

    def worker() -> None:
        Cyclic()  # unreachable at once, but only a collection can free it
        for _ in range(20):  # each crosses the young generation's threshold many times
            _ = [[i] for i in range(10_000)]

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    assert Cyclic.collected_on == []  # the worker's allocations collected nothing

    ballast: list[list[int]] = []

    def gui_thread_works_on() -> bool:
        # Allocations count towards a collection, frees of older objects count against
        # it: keep allocating until the timer has collected.
        ballast.extend([] for _ in range(gc.get_threshold()[0] + 1))
        return Cyclic.collected_on != []

    qtbot.waitUntil(gui_thread_works_on, timeout=15_000)  # an older generation: ~11 ticks
    ballast.clear()
    assert Cyclic.collected_on == [threading.get_ident()]


def test_nothing_due_means_no_collection(qapp: Any) -> None:
    collector = gui_collector.install()
    gc.collect()
    Cyclic.collected_on.clear()
    Cyclic()
    assert gc.get_count()[0] < gc.get_threshold()[0]
    assert collector.collect_due() == 0
    assert Cyclic.collected_on == []
    gc.collect()
    assert Cyclic.collected_on == [threading.get_ident()]
