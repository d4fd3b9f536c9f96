"""Benchmark: importing a customer sheet of 100k rows (issue 3), dry run and commit.

The sheet: every account of a second demo database (another seed, as many accounts as
the scale has) written in the template's columns — name, credit code, industry group,
address, district, phone, owner (the branch's account managers in turn), flags,
growth, monthly spend — less the rows spelled like an account already stored. Every
row is valid, so the commit writes them all.

Figures, one run each into a fresh copy of a small branch database (20 accounts):
:meth:`CustomerImportService.run` as a dry run (read, check every row against the
database and the earlier rows, near-identical names included) and as a commit (the
same, then create, grade, audit and queue every account for sync in one transaction).

Baseline, same run, same file: reading the sheet's values with openpyxl in read-only
mode, the least any import of the file does.

    .venv/bin/python -m benchmarks.customer_import ROWS
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.registry import ROOT, Context, Measurement, benchmark

ROWS = {"small": 2_000, "full": 100_000}

SOURCE_SQL = """
SELECT c.name, c.credit_code, g.name, c.address, c.district, c.phone, c.is_group,
  c.strategic, c.growth_potential, c.monthly_spend, c.competitor_presence
FROM customers c LEFT JOIN industry_groups g ON g.id = c.industry_group_id
WHERE c.deleted_at IS NULL ORDER BY c.rowid
"""
HEADERS = (
    "客户名称", "统一社会信用代码", "行业组", "地址", "区县", "联系电话", "客户经理",
    "集团客户", "战略客户", "增长潜力", "月消费（元）", "竞争对手情况",
)  # fmt: skip


def _demo(path: Path, accounts: int, seed: int) -> None:
    command = [
        sys.executable, "-m", "kamdesk.cli", "demo", "--db", str(path),
        "--accounts", str(accounts), "--orders", str(max(10, accounts // 100)),
        "--seed", str(seed), "--force",
    ]  # fmt: skip
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"kamdesk demo failed:\n{done.stderr[-4000:]}")


def _write_sheet(source: Path, target: Path, out: Path) -> int:
    """The sheet of ``source``'s accounts, owned by ``target``'s managers; its rows."""
    import xlsxwriter

    from kamdesk.domain.customers.names import spelling_key

    with sqlite3.connect(f"file:{target}?mode=ro", uri=True) as db:
        taken = {spelling_key(name) for (name,) in db.execute("SELECT name FROM customers")}
        managers = [
            name for (name,) in db.execute("SELECT name FROM staff WHERE role = 'am' ORDER BY id")
        ]
    book = xlsxwriter.Workbook(str(out), {"constant_memory": True})
    sheet = book.add_worksheet("客户")
    sheet.write_row(0, 0, HEADERS)
    written = 0
    with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as db:
        for row in db.execute(SOURCE_SQL):
            name, code, group, address, district, phone, is_group, strategic = row[:8]
            growth, spend, competitor = row[8:]
            if spelling_key(name) in taken:
                continue
            written += 1
            owner = managers[written % len(managers)]
            yes_no = ("是" if is_group else "否", "是" if strategic else "否")
            values = (name, code, group, address, district, phone, owner, *yes_no)
            sheet.write_row(written, 0, (*values, growth, str(spend), competitor or ""))
    book.close()
    return written


def _read_s(path: Path) -> float:
    from openpyxl import load_workbook

    start = time.perf_counter()
    book = load_workbook(path, read_only=True, data_only=True)
    for _ in book.worksheets[0].iter_rows(values_only=True):
        pass
    book.close()
    return time.perf_counter() - start


def _import_s(database: Path, sheet: Path, *, dry_run: bool) -> tuple[float, int]:
    from kamdesk.commands.common import cli_actor
    from kamdesk.db.startup import open_database
    from kamdesk.services.customer_import import CustomerImportService

    engine = open_database(database)
    try:
        actor = cli_actor(engine)
        start = time.perf_counter()
        report = CustomerImportService(engine).run(sheet, actor, dry_run=dry_run)
        elapsed = time.perf_counter() - start
    finally:
        engine.dispose()
    if not report.clean or (not dry_run and not report.committed):
        raise RuntimeError(f"the benchmark sheet has problems: {report.rows[0].problems}")
    return elapsed, report.accepted


def measure(rows: int) -> list[Measurement]:
    from kamdesk.db.location import default_database_path
    from kamdesk.services.credential_fallback import install_if_needed

    install_if_needed(default_database_path().parent)  # the import's audit entry is signed
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        branch, source, sheet = work / "branch.sqlite", work / "source.sqlite", work / "in.xlsx"
        _demo(branch, 20, seed=1)
        _demo(source, rows, seed=2)
        written = _write_sheet(source, branch, sheet)
        size_mb = sheet.stat().st_size / 1e6
        _read_s(sheet)  # file cache warm for all
        read_s = _read_s(sheet)
        figures = {}
        for dry_run in (True, False):
            copy = work / f"import-{dry_run}.sqlite"
            shutil.copyfile(branch, copy)
            figures[dry_run] = _import_s(copy, sheet, dry_run=dry_run)
    label = f"openpyxl read-only read of the sheet's values ({written:,} rows)"
    detail = f"{written:,} rows, {size_mb:,.1f} MB, into a branch of 20 accounts; one run"
    return [
        Measurement(
            f"customer sheet imported, {what}",
            figures[dry_run][0],
            read_s,
            "s",
            baseline_label=label,
            detail=f"{figures[dry_run][1]:,} accepted of {detail}",
        )
        for dry_run, what in ((True, "dry run (every row checked)"), (False, "committed"))
    ]


@benchmark("customer-import", "customer sheet import, dry run and commit, vs reading it", 46)
def customer_import(ctx: Context) -> list[Measurement]:
    return measure(ROWS[ctx.scale])


if __name__ == "__main__":
    for m in measure(int(sys.argv[1]) if len(sys.argv) > 1 else ROWS["small"]):
        print(f"{m.name}: {m.figure:,.2f} s (baseline {m.baseline:,.2f} s, ratio {m.ratio:.1f})")
