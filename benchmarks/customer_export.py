"""Benchmark: exporting the whole customer list to Excel (issue 3: no slower than the
XlsxWriter constant-memory baseline).

Figure: :meth:`CustomerExportService.export` of every account of the branch (the
unfiltered list, as the branch admin sees it), wall-clock seconds, one run after an
untimed warm-up of the file cache.

Baseline, same run, same file: the least an export can do — one plain ``sqlite3``
SELECT of the same twelve columns (names joined in, name order) written row by row
with XlsxWriter in constant-memory mode (``write_row``, no per-type dispatch).

    .venv/bin/python -m benchmarks.customer_export PATH.sqlite
"""

from __future__ import annotations

import sqlite3
import tempfile
import time
from pathlib import Path

from benchmarks.registry import Context, Measurement, benchmark
from kamdesk.db.startup import open_database
from kamdesk.services.customer_list import CustomerFilter

BASELINE_SQL = """
SELECT c.name, c.credit_code, c.grade, c.category, c.level, g.name, s.name, c.phone,
  c.status, date(c.last_visit_at), c.churn_score, c.monthly_spend
FROM customers c LEFT JOIN industry_groups g ON g.id = c.industry_group_id
  LEFT JOIN staff s ON s.id = c.owner_id
WHERE c.deleted_at IS NULL ORDER BY c.name_key, c.id
"""


def _baseline_s(path: Path, out: Path) -> tuple[float, int]:
    import xlsxwriter

    start = time.perf_counter()
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        book = xlsxwriter.Workbook(str(out), {"constant_memory": True})
        sheet = book.add_worksheet("客户")
        written = 0
        for written, row in enumerate(db.execute(BASELINE_SQL), start=1):
            sheet.write_row(written, 0, row)
        book.close()
    return time.perf_counter() - start, written


def measure(path: Path) -> list[Measurement]:
    from kamdesk.db.location import default_database_path
    from kamdesk.services.container import Services
    from kamdesk.services.credential_fallback import install_if_needed

    install_if_needed(default_database_path().parent)  # the export's audit entry is signed
    engine = open_database(path)
    try:
        services = Services(engine)
        actor = services.shell.current_actor()
        assert actor is not None, "the dataset has no branch admin or leader"
        with tempfile.TemporaryDirectory() as folder:
            out = Path(folder)
            _baseline_s(path, out / "warm.xlsx")  # file cache warm for both
            start = time.perf_counter()
            rows = services.customer_export.export(CustomerFilter(), out / "export.xlsx", actor)
            export_s = time.perf_counter() - start
            baseline_s, baseline_rows = _baseline_s(path, out / "baseline.xlsx")
            size_mb = (out / "export.xlsx").stat().st_size / 1e6
    finally:
        engine.dispose()
    return [
        Measurement(
            "customer list exported to Excel (every account)",
            export_s,
            baseline_s,
            "s",
            budget=baseline_s,
            baseline_label="sqlite3 SELECT of the same columns + XlsxWriter constant "
            f"memory write_row ({baseline_rows:,} rows)",
            detail=f"{rows:,} rows as {actor.role}, {size_mb:,.1f} MB; one run after a warm-up",
        )
    ]


@benchmark("customer-export", "whole customer list to Excel vs plain XlsxWriter", order=45)
def customer_export(ctx: Context) -> list[Measurement]:
    return measure(ctx.dataset())


if __name__ == "__main__":
    import sys

    for m in measure(Path(sys.argv[1])):
        print(f"{m.name}: {m.figure:,.2f} s (baseline {m.baseline:,.2f} s) {m.verdict}")
