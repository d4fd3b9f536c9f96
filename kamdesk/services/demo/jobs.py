"""Generation jobs, run in this process or in worker processes.

A job is ``(kind, chunk, ms, args)``: ``accounts`` plans a chunk of accounts and makes
their rows, ``orders`` makes a chunk of work orders. Its output depends only on the
seed, the chunk number and ``args``, never on which process runs it or when, so the
data is the same with any number of workers.

Workers receive the :class:`Reference` once, at start, open the demo database
themselves and write their own rows, strictly in job order (a shared turn counter),
so the database is built by the same sequence of transactions as in one process.
Order jobs read the accounts from a pickle file (written once by the main process)
and keep it for the worker's life.
"""

from __future__ import annotations

import pickle
import sqlite3
from dataclasses import dataclass
from multiprocessing.sharedctypes import Synchronized
from multiprocessing.synchronize import Condition
from pathlib import Path
from typing import Any

from kamdesk.domain.progress import Cancelled
from kamdesk.services.demo.account_rows import account_rows
from kamdesk.services.demo.accounts_plan import plan_accounts
from kamdesk.services.demo.context import AccountFacts, Reference
from kamdesk.services.demo.fastrandom import FastRandom
from kamdesk.services.demo.ids import IdMinter
from kamdesk.services.demo.orders_gen import order_rows
from kamdesk.services.demo.rowkit import Row
from kamdesk.services.demo.writer import insert_statements, tune, write_batch

Job = tuple[str, int, int, Any]

_reference: Reference | None = None
_accounts: dict[str, tuple[AccountFacts, ...]] = {}


@dataclass
class _Writer:
    """A worker's own connection to the demo database and the turn it waits for."""

    db: sqlite3.Connection
    statements: dict[str, str]
    turn: Synchronized[int]
    changed: Condition
    abort: Synchronized[int]


_writer: _Writer | None = None


def init_worker(
    reference: Reference,
    path: str,
    turn: Synchronized[int],
    changed: Condition,
    abort: Synchronized[int],
) -> None:
    """Worker start: keep the reference, open the database for writing."""
    global _reference, _writer
    _reference = reference
    db = sqlite3.connect(path, isolation_level=None, timeout=600)
    tune(db)
    _writer = _Writer(db, insert_statements(reference.hlc), turn, changed, abort)


def run_and_write(position: int, job: Job) -> tuple[dict[str, int], Any]:
    """In a worker: run ``job``, wait until the jobs before ``position`` are written,
    write its rows, let the next one go. Returns rows per table and the job's extra.

    A failure or an abort (the main process's cancel) releases every waiting worker,
    so no process waits for a turn that never comes.
    """
    writer = _writer
    assert writer is not None, "worker not initialised"
    try:
        rows, extra = run_job(job)
        with writer.changed:
            while writer.turn.value != position:
                if writer.abort.value:
                    raise Cancelled()
                writer.changed.wait(timeout=1.0)
        counts = write_batch(writer.db, writer.statements, rows)
    except BaseException:
        with writer.changed:
            writer.abort.value = 1
            writer.changed.notify_all()
        raise
    with writer.changed:
        writer.turn.value = position + 1
        writer.changed.notify_all()
    return counts, extra


def _facts(source: str | tuple[AccountFacts, ...]) -> tuple[AccountFacts, ...]:
    if not isinstance(source, str):
        return source
    facts = _accounts.get(source)
    if facts is None:
        _accounts.clear()
        facts = pickle.loads(Path(source).read_bytes())
        _accounts[source] = facts
    return facts


def run_job(job: Job, reference: Reference | None = None) -> tuple[dict[str, list[Row]], Any]:
    """Run one job: its rows by table, and for account jobs the account plans.

    ``reference`` is given in-process; workers use the one they were started with.
    """
    ref = reference or _reference
    assert ref is not None, "worker not initialised"
    kind, chunk, ms, args = job
    if kind == "accounts":
        first, count, rows_ms = args
        plans = plan_accounts(
            first=first,
            count=count,
            chunk=chunk,
            seed=ref.seed,
            now=ref.now,
            month_starts=ref.month_starts,
            ams_by_group=ref.ams_by_group,
            mint=IdMinter(ms, FastRandom(f"{ref.seed}:plan-ids:{chunk}")),
        )
        return account_rows(ref, chunk, rows_ms, plans), plans
    if kind == "orders":
        source, first, count, total = args
        return order_rows(ref, _facts(source), chunk, ms, (first, count, total)), None
    raise ValueError(f"unknown demo job {kind!r}")
