"""Named dataset scales and the demo databases behind them, in ``benchmarks/.data/``.

A dataset is a demo database made by ``kamdesk demo`` with the scale's numbers and
seed. It is reused while its ``settings`` row says it is complete and was made with
the same numbers; otherwise it is built again.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks.registry import ROOT

DATA = ROOT / "benchmarks" / ".data"


@dataclass(frozen=True)
class Scale:
    name: str
    accounts: int
    orders: int
    seed: int = 1
    demo_budget_s: float | None = None  # issue 2: 100k accounts and 1M orders in 3 minutes

    @property
    def path(self) -> Path:
        return DATA / f"demo-{self.name}-{self.accounts}-{self.orders}-s{self.seed}.sqlite"

    def command(self, path: Path) -> list[str]:
        """The exact command that builds the dataset (as a user would type it)."""
        return [
            sys.executable, "-m", "kamdesk.cli", "demo", "--db", str(path),
            "--accounts", str(self.accounts), "--orders", str(self.orders),
            "--seed", str(self.seed), "--force",
        ]  # fmt: skip


SCALES = {
    "small": Scale("small", accounts=2_000, orders=20_000),
    "full": Scale("full", accounts=100_000, orders=1_000_000, demo_budget_s=180.0),
}


def is_current(scale: Scale, path: Path | None = None) -> bool:
    """Whether ``path`` holds a complete demo made with the scale's numbers."""
    path = path or scale.path
    if not path.exists():
        return False
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            row = db.execute("SELECT value FROM settings WHERE key = 'demo'").fetchone()
    except sqlite3.Error:
        return False
    if row is None:
        return False
    made = json.loads(row[0])
    return bool(made.get("complete")) and (made.get("accounts"), made.get("orders"),
                                           made.get("seed")) == (scale.accounts, scale.orders,
                                                                 scale.seed)  # fmt: skip


def build(scale: Scale, path: Path | None = None) -> float:
    """Build the dataset with ``kamdesk demo``; returns the command's wall-clock seconds."""
    path = path or scale.path
    path.parent.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    done = subprocess.run(scale.command(path), cwd=ROOT, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"building the {scale.name} dataset failed:\n{done.stderr[-4000:]}")
    return elapsed


def ensure(scale: Scale) -> Path:
    """The scale's dataset, built first if missing or stale."""
    if not is_current(scale):
        print(f"building the {scale.name} dataset ({scale.accounts:,} accounts, "
              f"{scale.orders:,} orders) …", flush=True)  # fmt: skip
        build(scale)
    return scale.path
