"""Benchmark: the customer list on the dataset (issue 3: first page ≤ 100 ms, jump to the
last row ≤ 100 ms, one search keystroke ≤ 50 ms).

Each figure is the median wall-clock time of the service call the list page makes,
in this process, after one untimed warm-up (the operating system's file cache is
warm; this measures the queries, not the disk):

- first page: :meth:`CustomerListService.snapshot` of the unfiltered list — the
  ordered id snapshot (so the true count) and the rows of the first page;
- last row: the rows of the last page of that snapshot (what the table reads when
  the user presses Ctrl+End);
- keystroke: the snapshot of a search, for a two-character Chinese fragment and for
  four letters of pinyin initials, both taken from an account in the middle of the
  list; a credit-code prefix and a sort by churn are reported without a budget.

Baseline, same run, same file: ``SELECT id FROM customers ORDER BY name_key LIMIT 50``
on a plain ``sqlite3`` connection — the least a list can ask of the database.

    .venv/bin/python -m benchmarks.customer_list PATH.sqlite [RUNS]   # any database
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.registry import Context, Measurement, benchmark, median
from kamdesk.db.startup import open_database
from kamdesk.services.customer_list import CustomerFilter, CustomerListService, SortKey

FIRST_PAGE_BUDGET_MS = 100.0
LAST_ROW_BUDGET_MS = 100.0
KEYSTROKE_BUDGET_MS = 50.0
PAGE_SIZE = 100  # as kamdesk.ui.customers.list_model.PAGE_SIZE (benchmarks never import Qt)
RUNS = {"small": 15, "full": 9}
BASELINE_SQL = "SELECT id FROM customers ORDER BY name_key LIMIT 50"
BASELINE_LABEL = "sqlite3 SELECT id … ORDER BY name_key LIMIT 50"


def _median_ms(call: Callable[[], Any], runs: int) -> float:
    call()  # warm-up, not timed
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        samples.append(time.perf_counter() - start)
    return median(samples) * 1000


def _baseline_ms(path: Path, runs: int) -> float:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        return _median_ms(lambda: db.execute(BASELINE_SQL).fetchall(), runs)


def measure(path: Path, runs: int) -> list[Measurement]:
    """Every figure of the module docstring on the database at ``path``."""
    engine = open_database(path)  # brings an older dataset up to the list's indexes
    try:
        service = CustomerListService(engine)
        baseline = _baseline_ms(path, runs)
        everyone = CustomerFilter()
        ids = service.ordered_ids(everyone)
        middle = service.rows([ids[len(ids) // 2]])[0]
        fragment = middle.name[2:4]
        initials = _initials(engine, middle.id)[:4]
        searches = {
            f"search keystroke: 2-character name fragment '{fragment}'": fragment,
            f"search keystroke: pinyin initials '{initials}'": initials,
        }
        found: list[Measurement] = [
            Measurement(
                "customer list first page (count + id snapshot + first page rows)",
                _median_ms(lambda: service.snapshot(everyone, PAGE_SIZE), runs),
                baseline,
                "ms",
                budget=FIRST_PAGE_BUDGET_MS,
                baseline_label=BASELINE_LABEL,
                detail=f"{len(ids):,} accounts listed; median of {runs} runs",
            ),
            Measurement(
                "customer list jump to the last row (its page of rows)",
                _median_ms(lambda: service.rows(ids[-PAGE_SIZE:]), runs),
                baseline,
                "ms",
                budget=LAST_ROW_BUDGET_MS,
                baseline_label=BASELINE_LABEL,
                detail=f"{PAGE_SIZE} rows by id; median of {runs} runs",
            ),
        ]
        for name, text in searches.items():
            query = CustomerFilter(text=text)
            found.append(
                Measurement(
                    name,
                    _median_ms(lambda q=query: service.snapshot(q, PAGE_SIZE), runs),  # type: ignore[misc]
                    baseline,
                    "ms",
                    budget=KEYSTROKE_BUDGET_MS,
                    baseline_label=BASELINE_LABEL,
                    detail=f"{service.count(query):,} matches; snapshot + first page; "
                    f"median of {runs} runs",
                )
            )
        for name, query in (
            ("search: credit code prefix", CustomerFilter(text=middle.credit_code[:8])),
            (
                "sort by churn risk, highest first",
                CustomerFilter(sort=SortKey.CHURN, descending=True),
            ),
        ):
            found.append(
                Measurement(
                    name,
                    _median_ms(lambda q=query: service.snapshot(q, PAGE_SIZE), runs),  # type: ignore[misc]
                    baseline,
                    "ms",
                    baseline_label=BASELINE_LABEL,
                    detail=f"{service.count(query):,} matches; median of {runs} runs",
                )
            )
        return found
    finally:
        engine.dispose()


def _initials(engine: Any, customer_id: str) -> str:
    with engine.connect() as conn:
        return str(
            conn.exec_driver_sql(
                "SELECT name_initials FROM customers WHERE id = ?", (customer_id,)
            ).scalar_one()
        )


@benchmark(
    "customer-list",
    "customer list first page, last row and search keystrokes (baseline: plain sqlite3 LIMIT 50)",
    order=40,
)
def customer_list(ctx: Context) -> list[Measurement]:
    return measure(ctx.dataset(), RUNS.get(ctx.scale, 9))


if __name__ == "__main__":
    import sys

    for m in measure(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 9):
        print(f"{m.name}: {m.figure:,.1f} ms (baseline {m.baseline:,.2f} ms) {m.verdict}")
