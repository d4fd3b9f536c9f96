"""Benchmark: cold start of the desktop app to a shown main window (issue 2).

Each run is a new process: the app on the dataset, signed in as its admin without the
password dialog (:mod:`benchmarks._signed_in_app`), with ``QT_QPA_PLATFORM=offscreen``
and ``KAMDESK_EXIT_WHEN_SHOWN=1``, timed from spawn to exit; settings, logs and data
folders point into a temporary home so the user's own are never read or changed.
The operating system's file cache is warm (one untimed run first): this measures the
app's work, not the disk. Baseline, same run, same way: a bare PySide6
``QMainWindow`` shown, then the process exits.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from benchmarks.registry import Context, Measurement, benchmark, median, timed_runs

START_BUDGET_S = 3.0
"""KAMDesk's own target (the issue names no number): a shown window within 3 s."""
RUNS = {"small": 7, "full": 2}

BARE_WINDOW = (
    "from PySide6.QtCore import QTimer\n"
    "from PySide6.QtWidgets import QApplication, QMainWindow\n"
    "app = QApplication([])\n"
    "window = QMainWindow()\n"
    "window.show()\n"
    "QTimer.singleShot(0, app.quit)\n"
    "app.exec()\n"
)


def _env(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        QT_QPA_PLATFORM="offscreen",
        KAMDESK_EXIT_WHEN_SHOWN="1",
        HOME=str(home),
        USERPROFILE=str(home),
        APPDATA=str(home / "AppData" / "Roaming"),
        LOCALAPPDATA=str(home / "AppData" / "Local"),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_DATA_HOME=str(home / ".local" / "share"),
        XDG_STATE_HOME=str(home / ".local" / "state"),
        XDG_CACHE_HOME=str(home / ".cache"),
    )
    return env


@benchmark(
    "cold-start",
    "process start to the main window shown on the dataset (baseline: bare PySide6 window)",
    order=20,
)
def cold_start(ctx: Context) -> list[Measurement]:
    dataset = ctx.dataset()
    runs = RUNS.get(ctx.scale, 5)
    command = [ctx.python, "-m", "benchmarks._signed_in_app", str(dataset)]
    with tempfile.TemporaryDirectory(prefix="kamdesk-bench-home-") as home:
        env = _env(Path(home))
        app = timed_runs(command, runs, env)
        bare = timed_runs([ctx.python, "-c", BARE_WINDOW], runs, env)
    return [
        Measurement(
            "cold start to shown main window",
            median(app),
            median(bare),
            "s",
            budget=START_BUDGET_S,
            baseline_label="bare PySide6 QMainWindow shown",
            detail=f"median of {runs} runs after 1 warm-up; {dataset.stat().st_size / 1e9:.1f} GB "
            "database",
        )
    ]
