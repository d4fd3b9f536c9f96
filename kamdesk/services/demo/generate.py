"""``generate_demo``: a complete, deterministic demo database for one branch.

Phases (each reports progress with translated text, and checks ``cancel`` between
chunks): reference data and signature images; accounts with their customer file (in
worker processes for big demos); work orders; targets and forecasts; indexes and
statistics.

Guarantees:
- the same :class:`DemoSpec` (seed, sizes, "now") gives the same rows, ids included,
  whatever the number of worker processes;
- every stored instant is at or before ``spec.now``;
- refuses a database that already has data (``demo.not_empty``); tuning pragmas are
  only used on such a brand-new file and restored before returning.

Cancel and failure: :class:`~kamdesk.domain.progress.Cancelled` (or the error) is
raised after the loader restored the indexes and pragmas; the file then holds part
of the data and its ``settings`` row ``demo`` says ``"complete": false``. The file is
*incomplete, not deleted*: :func:`generate_demo` receives an engine, not a path, so
the caller that created the file deletes it (the app does; see ``kamdesk.app``).
"""

from __future__ import annotations

import json
import pickle
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from kamdesk.domain.clock import local
from kamdesk.domain.customers.names import normalize_name
from kamdesk.domain.hlc import Stamp
from kamdesk.domain.progress import CancelCheck, Progress, check_cancel, no_progress
from kamdesk.errors import KamdeskError, define
from kamdesk.i18n import N_, tr
from kamdesk.services.demo.account_rows import ACCOUNT_TABLES, search_keys
from kamdesk.services.demo.accounts_plan import AccountPlan, make_unique
from kamdesk.services.demo.context import AccountFacts, Reference
from kamdesk.services.demo.deadline import WorkingDays
from kamdesk.services.demo.fastrandom import FastRandom
from kamdesk.services.demo.ids import IdMinter
from kamdesk.services.demo.jobs import Job
from kamdesk.services.demo.loader import BulkLoader
from kamdesk.services.demo.orders_gen import ORDER_TABLES
from kamdesk.services.demo.plans_gen import forecast_rows, target_rows
from kamdesk.services.demo.reference_gen import (
    GRADING_RULES_VERSION,
    build_reference,
    months_before,
)
from kamdesk.services.demo.runner import JobRunner, default_workers
from kamdesk.services.demo.signatures import signature_pool
from kamdesk.services.demo.spec import DemoSpec, DemoSummary
from kamdesk.services.demo.timetext import (
    db,
    from_datetime,
    local_day,
    local_day_start,
    month_start,
    to_date,
)
from kamdesk.services.grading import REGRADED_FOR
from kamdesk.services.kpi import KpiService

define({"demo.not_empty": N_("Demo data only goes into a new, empty database.")})

ACCOUNTS_PER_CHUNK = 1_000
ORDERS_PER_CHUNK = 4_000
IMPORT_LEAD_MS = 3 * 3600 * 1000
"""Ids are minted as by an import that started this long before "now"."""
GRADE_WEIGHT = {"A": 3.0, "B": 1.6, "C": 1.0}
SETTING_KEY = "demo"
RANDOM_KEY_INDEXES = ("ix_work_orders_customer", "ix_work_orders_owner_state")
"""Indexes whose keys arrive in random order during the load: rebuilt once at the end."""


class _Clock:
    """Hands out the per-chunk milliseconds of the deterministic ids, in load order."""

    def __init__(self, now: int) -> None:
        self._next = now * 1000 - IMPORT_LEAD_MS

    def take(self) -> int:
        self._next += 1
        return self._next


class _Progress:
    def __init__(self, report: Progress, total: int) -> None:
        self.report, self.total, self.done = report, total, 0

    def step(self, units: int, text: str) -> None:
        self.done = min(self.total, self.done + units)
        self.report(self.done, self.total, text)


def _require_empty(loader: BulkLoader) -> None:
    for table in ("branches", "customers", "work_orders"):
        if loader.db.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchone() is not None:
            raise KamdeskError("demo.not_empty")


def _setting(spec: DemoSpec, complete: bool) -> dict[str, list[tuple[object, ...]]]:
    value = {
        "seed": spec.seed,
        "accounts": spec.accounts,
        "orders": spec.orders,
        "now": spec.now.isoformat(),
        "complete": complete,
    }
    # The accounts are graded as of spec.now under the demo's published rules.
    graded = f"{GRADING_RULES_VERSION}@{local(spec.now):%Y-%m}"
    return {"settings": [(SETTING_KEY, json.dumps(value)), (REGRADED_FOR, json.dumps(graded))]}


def _facts(plans: list[AccountPlan]) -> tuple[AccountFacts, ...]:
    return tuple(
        AccountFacts(
            id=p.id,
            owner_id=p.owner_id,
            group=p.group,
            grade=p.grade,
            address=p.address,
            contact=p.contact,
            opened=p.opened,
            left=p.left,
            circuits=tuple((u.code, u.circuit_no) for u in p.products if u.circuit_no),
            weight=GRADE_WEIGHT[p.grade] * (0.3 if p.left is not None else 1.0),
        )
        for p in plans
    )


def _shared(facts: tuple[AccountFacts, ...], shared_dir: str | None) -> object:
    """The accounts as order jobs receive them: in-process, or a pickle file for workers."""
    if shared_dir is None:
        return facts
    path = Path(shared_dir) / "accounts.pickle"
    path.write_bytes(pickle.dumps(facts, protocol=pickle.HIGHEST_PROTOCOL))
    return str(path)


def generate_demo(
    engine: Engine,
    spec: DemoSpec,
    progress: Progress | None = None,
    cancel: CancelCheck | None = None,
) -> DemoSummary:
    """Fill the new, empty database behind ``engine``; see the module docstring."""
    started = time.perf_counter()
    phases: list[tuple[str, float]] = []
    report = _Progress(progress or no_progress, spec.accounts + spec.orders + 100)
    check_cancel(cancel)
    now = from_datetime(spec.now)
    clock = _Clock(now)
    hlc = Stamp(now * 1000, 0, "demo").encode()
    loader = BulkLoader(engine, hlc)
    try:
        _require_empty(loader)
        loader.tune()
        loader.insert(_setting(spec, complete=False))
        loader.drop_indexes(RANDOM_KEY_INDEXES)
        report.step(0, tr("Generating reference data…"))
        ref = _reference(spec, now, hlc, clock, loader)
        phases.append(("reference", time.perf_counter() - started))

        rows_expected = spec.accounts * 60 + spec.orders * 20
        workers = default_workers(rows_expected) if spec.workers is None else spec.workers
        with JobRunner(ref, workers, loader.path) as runner:
            plans: list[AccountPlan] = []
            for rows, chunk_plans in runner.run(_account_jobs(spec, clock)):
                check_cancel(cancel)
                _load(loader, runner, rows)
                plans.extend(chunk_plans)
                text = tr(
                    "Generating accounts… {done}/{total}",
                    done=f"{len(plans):,}",
                    total=f"{spec.accounts:,}",
                )
                report.step(len(chunk_plans), text)
            _make_unique(loader, plans, spec.seed)
            phases.append(("accounts", time.perf_counter() - started))
            facts = _facts(plans)
            done = 0
            shared = _shared(facts, runner.shared_dir)
            for rows, _ in runner.run(_order_jobs(spec, clock, shared)):
                check_cancel(cancel)
                _load(loader, runner, rows)
                step = min(ORDERS_PER_CHUNK, spec.orders - done)
                done += step
                text = tr(
                    "Generating work orders… {done}/{total}",
                    done=f"{done:,}",
                    total=f"{spec.orders:,}",
                )
                report.step(step, text)
            phases.append(("work orders", time.perf_counter() - started))
        check_cancel(cancel)
        loader.insert(
            target_rows(ref, plans, IdMinter(clock.take(), FastRandom(f"{spec.seed}:target-ids")))
        )
        loader.insert(
            forecast_rows(
                ref,
                facts,
                spec.orders,
                IdMinter(clock.take(), FastRandom(f"{spec.seed}:forecast-ids")),
            )
        )
        check_cancel(cancel)
        report.step(0, tr("Building indexes…"))
        loader.rebuild_indexes()
        loader.analyze()
        loader.execute(
            "UPDATE settings SET value = ? WHERE key = ?",
            (_setting(spec, complete=True)["settings"][0][1], SETTING_KEY),
        )
        phases.append(("indexes", time.perf_counter() - started))
    finally:
        loader.close()
    KpiService(engine).rebuild_summary()  # the bulk load bypassed the summary hooks
    report.step(100, tr("Demo database ready."))
    order = (*ACCOUNT_TABLES, *ORDER_TABLES)
    counts = dict(loader.counts)
    counts["settings"] = len(_setting(spec, complete=True)["settings"])
    rows = tuple(sorted(counts.items(), key=lambda kv: (kv[0] not in order, kv[0])))
    return DemoSummary(spec, rows, time.perf_counter() - started, tuple(phases))


def _reference(spec: DemoSpec, now: int, hlc: str, clock: _Clock, loader: BulkLoader) -> Reference:
    mint = IdMinter(clock.take(), FastRandom(f"{spec.seed}:reference-ids"))
    ids, rows = build_reference(
        accounts=spec.accounts, orders=spec.orders, seed=spec.seed, now=now, hlc=hlc, mint=mint
    )
    loader.insert(rows)
    pool = signature_pool(spec.seed)
    created = db(now - 400 * 86_400)
    loader.insert({"blobs": [(sha, len(png), "image/png", png, created) for sha, _, png in pool]})
    today = local_day(now)
    this_month = to_date(today)
    months = months_before(this_month.year, this_month.month)
    return Reference(
        seed=spec.seed,
        now=now,
        hlc=hlc,
        working_days=WorkingDays.build(today - 800, today + 800),
        months=months,
        month_starts=tuple(local_day_start(month_start(y, m)) for y, m in months),
        signature_pool=tuple((sha, strokes) for sha, strokes, _ in pool),
        **ids,  # type: ignore[arg-type]
    )


def _account_jobs(spec: DemoSpec, clock: _Clock) -> list[Job]:
    jobs: list[Job] = []
    for chunk, first in enumerate(range(0, spec.accounts, ACCOUNTS_PER_CHUNK)):
        count = min(ACCOUNTS_PER_CHUNK, spec.accounts - first)
        plan_ms = clock.take()
        jobs.append(("accounts", chunk, plan_ms, (first, count, clock.take())))
    return jobs


def _order_jobs(spec: DemoSpec, clock: _Clock, shared: object) -> list[Job]:
    jobs: list[Job] = []
    for chunk, first in enumerate(range(0, spec.orders, ORDERS_PER_CHUNK)):
        count = min(ORDERS_PER_CHUNK, spec.orders - first)
        jobs.append(("orders", chunk, clock.take(), (shared, first, count, spec.orders)))
    return jobs


def _load(loader: BulkLoader, runner: JobRunner, rows: dict[str, Any]) -> int:
    """A job's rows: written here when it ran in-process, counted when a worker wrote them."""
    if runner.in_process:
        return loader.insert(rows)
    return loader.add_counts(rows)


def _make_unique(loader: BulkLoader, plans: list[AccountPlan], seed: int) -> None:
    """Chunks plan names and credit codes independently: settle the rare clashes."""
    changes = []
    for plan in make_unique(plans, seed):
        full, initials = search_keys(plan.name)
        changes.append(
            (plan.name, normalize_name(plan.name), full, initials, plan.credit_code, plan.id)
        )
    loader.execute_many(
        "UPDATE customers SET name = ?, name_key = ?, name_pinyin = ?, name_initials = ?, "
        "credit_code = ? WHERE id = ?",
        changes,
    )
