"""Benchmark: how fast ``kamdesk demo`` builds the demo database (issue 2).

The figure is the wall-clock time of the exact command a user types, including the
interpreter's start and the database's creation; rows are counted in the result.
Baseline, in the same run: plain ``sqlite3`` ``executemany`` of as many two-column
rows into one table of a new file, committed every 100,000 rows (the speed of the
storage engine with no model, no indexes and no Python work per row to speak of).
The run leaves the scale's dataset in place for the other benchmarks.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from benchmarks import datasets
from benchmarks.registry import Context, Measurement, benchmark

BASELINE_CHUNK = 100_000


def count_rows(path: Path) -> int:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        tables = [
            r[0]
            for r in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                "AND name != 'alembic_version'"
            )
        ]
        return sum(db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables)


def raw_insert_seconds(path: Path, rows: int) -> float:
    """Seconds to executemany ``rows`` minimal rows into a new SQLite file."""
    for suffix in ("", "-journal", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    db = sqlite3.connect(path)
    try:
        start = time.perf_counter()
        db.execute("CREATE TABLE rows (id INTEGER PRIMARY KEY, value TEXT)")
        for first in range(0, rows, BASELINE_CHUNK):
            last = min(rows, first + BASELINE_CHUNK)
            db.executemany("INSERT INTO rows VALUES (?, ?)", ((i, "x") for i in range(first, last)))
            db.commit()
        return time.perf_counter() - start
    finally:
        db.close()
        path.unlink(missing_ok=True)


@benchmark(
    "demo-generation",
    "kamdesk demo at the scale: seconds and rows/s (baseline: raw sqlite3 executemany)",
    order=10,
)
def demo_generation(ctx: Context) -> list[Measurement]:
    scale = datasets.SCALES[ctx.scale]
    seconds = datasets.build(scale)
    rows = count_rows(scale.path)
    baseline = raw_insert_seconds(datasets.DATA / "baseline-executemany.sqlite", rows)
    command = "kamdesk " + " ".join(scale.command(scale.path)[3:]).replace(
        str(datasets.ROOT) + "/", ""
    )
    detail = f"{rows:,} rows; `{command}`"
    label = f"sqlite3 executemany of {rows:,} (id, text) rows"
    return [
        Measurement(
            "demo generation time",
            seconds,
            baseline,
            "s",
            budget=scale.demo_budget_s,
            baseline_label=label,
            detail=detail,
        ),
        Measurement(
            "demo generation rate",
            rows / seconds,
            rows / baseline,
            "rows/s",
            higher_is_better=True,
            baseline_label=label,
            detail=detail,
        ),
    ]
