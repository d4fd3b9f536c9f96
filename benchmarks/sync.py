"""Benchmarks: sync with HQ on loopback PostgreSQL (issue 6: 10k changes ≤ 3 s; idle
sync on 1M rows ≤ 1.2 × idle sync on 10k rows; a 100k-row first load, interrupted and
resumed).

- ``sync-push``: 10k customer changes in a desktop's outbox pushed, applied at HQ and
  acknowledged (one ``sync_once``); baseline: the same rows inserted into HQ's
  ``sync_rows`` by one bulk INSERT (the floor of storing them).
- ``sync-idle``: median idle round (nothing to push or pull) against a branch of an
  HQ holding 1M rows in ``sync_rows`` (bulk-inserted directly), baseline the same
  against 10k rows; ratio printed and budgeted.
- ``sync-first-load``: a fresh desktop's first load of 100k rows (5k at ``small``
  scale) cut inside a page half-way and resumed, against the same load uncut; no
  completed page may be fetched twice (:func:`run_first_load`).

HQ runs as ``kamdesk-hq serve`` in its own process over a throw-away PostgreSQL
database (``KAMDESK_PG_URL``, default ``postgres@127.0.0.1:5432``), dropped afterwards.
"""

from __future__ import annotations

import os
import socket
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks.registry import Context, Measurement, benchmark, median

PUSH_BUDGET_S = 3.0
IDLE_RATIO_BUDGET = 1.2
CHANGES = 10_000
SMALL_HQ, BIG_HQ = 10_000, 1_000_000
IDLE_RUNS = 15
OPENED = datetime(2026, 3, 1, tzinfo=UTC)
PG_URL = os.environ.get("KAMDESK_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


@contextmanager
def _pg_database(name: str) -> Iterator[str]:
    import sqlalchemy as sa

    server = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with server.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()


@contextmanager
def _hq_world(name: str) -> Iterator[tuple[Path, str, Any]]:
    """A scratch folder, a migrated throw-away HQ database (URL) and its admin engine."""
    from kamdesk.hq.database import admin_engine, migrate

    with tempfile.TemporaryDirectory() as tmp, _pg_database(f"{name}_{os.getpid()}") as url:
        migrate(url)
        admin_db = admin_engine(url)
        try:
            yield Path(tmp), url, admin_db
        finally:
            admin_db.dispose()


@contextmanager
def _hq(db_url: str) -> Iterator[str]:
    """``kamdesk-hq serve`` in its own process, as HQ runs in production (in a thread of
    this process it would share the desktop's interpreter lock)."""
    import subprocess
    import sys

    import httpx

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "kamdesk.commands.hq", "serve", "--db", db_url,
         "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{url}/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError("the HQ service did not start")
            time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


def _desk(folder: Path, name: str, url: str, admin_db: object, branch: str) -> object:
    from kamdesk.db.startup import open_database
    from kamdesk.hq import admin
    from kamdesk.services.sync import SyncService

    engine = open_database(folder / f"{name}.sqlite")
    sync = SyncService(engine)
    sync.register(url, admin.issue_code(admin_db, branch).code, name)  # type: ignore[arg-type]
    sync.sync_now()
    return sync


def _fill(admin_db: object, branch_id: str, rows: int) -> int:
    """``rows`` customer rows straight into HQ's store (one INSERT … SELECT); the
    branch's new head."""
    import sqlalchemy as sa

    with admin_db.begin() as conn:  # type: ignore[attr-defined]
        start = conn.scalar(
            sa.text(
                "SELECT coalesce(max(last_seq), 0) FROM sync_branch_state WHERE branch_id = :b"
            ),
            {"b": branch_id},
        )
        conn.execute(
            sa.text(
                "INSERT INTO sync_rows (branch_id, table_name, row_id, row_version, change_seq,"
                " hlc, payload, field_hlc, field_versions, deleted, updated_at)"
                " SELECT :b, 'customers', 'bulk-' || g, 1, :s + g, '1764547200000-00000-bulk',"
                " jsonb_build_object('name', 'bulk ' || g), '{}'::jsonb, '{}'::jsonb, false, now()"
                " FROM generate_series(1, :n) AS g"
            ),
            {"b": branch_id, "n": rows, "s": start},
        )
        conn.execute(
            sa.text(
                "INSERT INTO sync_branch_state (branch_id, last_seq) VALUES (:b, :n)"
                " ON CONFLICT (branch_id) DO UPDATE SET last_seq = :n"
            ),
            {"b": branch_id, "n": start + rows},
        )
        conn.execute(sa.text("ANALYZE sync_rows"))
    return int(start) + rows


def _idle(sync: object) -> float:
    samples = []
    for _ in range(IDLE_RUNS + 1):
        start = time.perf_counter()
        report = sync.sync_now()  # type: ignore[attr-defined]
        samples.append(time.perf_counter() - start)
        assert report.pulled == 0 and report.pushed == 0
    return median(samples[1:]) * 1000


@benchmark("sync", "push 10k changes; idle sync on 10k vs 1M HQ rows (PostgreSQL)", order=60)
def run(ctx: Context) -> list[Measurement]:
    from kamdesk.db.models import Customer
    from kamdesk.services.uow import write_session
    from kamdesk.sync import state
    from tests.hq.sync_world import publish_reference

    found: list[Measurement] = []
    with _hq_world("kamdesk_bench_sync") as (folder, url, admin_db):
        refs = publish_reference(admin_db, "PUSH", "推送分公司")
        small = publish_reference(admin_db, "SMALL", "一万行分公司")
        big = publish_reference(admin_db, "BIG", "百万行分公司")
        with _hq(url) as hq:
            pusher = _desk(folder, "pusher", hq, admin_db, "PUSH")
            engine = pusher.engine  # type: ignore[attr-defined]
            with write_session(engine) as s:
                for i in range(CHANGES):
                    s.add(
                        Customer(
                            branch_id=refs.branch_id, name=f"客户{i}", credit_code="9133",
                            category="enterprise", level="A", grade="B", owner_id=refs.staff_id,
                            opened_at=OPENED,
                        )
                    )  # fmt: skip
            start = time.perf_counter()
            report = pusher.sync_now()  # type: ignore[attr-defined]
            pushed_s = time.perf_counter() - start
            assert report.pushed == CHANGES and report.complete, report
            floor_s = _bulk_floor(admin_db)
            found.append(
                Measurement(
                    "10k changes pushed, applied at HQ and acknowledged (one sync round)",
                    pushed_s, floor_s, "s", budget=PUSH_BUDGET_S,
                    baseline_label="one bulk INSERT of 10k rows into sync_rows",
                    detail=f"{report.batches} batches; then pulled back {report.pulled} rows",
                )
            )  # fmt: skip
            idle = {}
            for name, refs_of, rows in (("small", small, SMALL_HQ), ("big", big, BIG_HQ)):
                sync = _desk(folder, name, hq, admin_db, refs_of.code)
                head = _fill(admin_db, refs_of.branch_id, rows)
                with write_session(sync.engine) as s:  # type: ignore[attr-defined]
                    state.write(s, state.CURSOR, head)  # as after its first load
                idle[name] = _idle(sync)
            found.append(
                Measurement(
                    "idle sync round against a branch of 1M rows",
                    idle["big"], idle["small"], "ms", budget=idle["small"] * IDLE_RATIO_BUDGET,
                    baseline_label="idle sync round against a branch of 10k rows",
                    detail=f"median of {IDLE_RUNS}; ratio budget {IDLE_RATIO_BUDGET}",
                )
            )  # fmt: skip
    return found


def _bulk_floor(admin_db: object) -> float:
    import sqlalchemy as sa

    start = time.perf_counter()
    with admin_db.begin() as conn:  # type: ignore[attr-defined]
        conn.execute(
            sa.text(
                "CREATE TEMP TABLE floor_rows (LIKE sync_rows INCLUDING DEFAULTS) ON COMMIT DROP"
            )
        )
        conn.execute(
            sa.text(
                "INSERT INTO floor_rows (branch_id, table_name, row_id, row_version, change_seq,"
                " hlc, payload, field_hlc, field_versions, deleted, updated_at)"
                " SELECT 'x', 'customers', 'f-' || g, 1, g, 'h', jsonb_build_object('n', g),"
                " '{}'::jsonb, '{}'::jsonb, false, now() FROM generate_series(1, 10000) g"
            )
        )
    return time.perf_counter() - start


FIRST_LOAD_ROWS = {"small": 5_000, "full": 100_000}
FIRST_LOAD_RATIO_BUDGET = 1.25


def _template(url: str, folder: Path, admin_db: object, refs: object) -> dict[str, object]:
    """A customer payload exactly as a desktop sends it (the bulk rows copy it)."""
    import sqlalchemy as sa

    from kamdesk.db.models import Customer, OutboxEntry
    from kamdesk.services.uow import write_session

    writer = _desk(folder, "template", url, admin_db, refs.code)  # type: ignore[attr-defined]
    with write_session(writer.engine) as s:  # type: ignore[attr-defined]
        s.add(
            Customer(
                branch_id=refs.branch_id, name="模板", credit_code="9133",  # type: ignore[attr-defined]
                category="enterprise", level="A", grade="B",
                owner_id=refs.staff_id, opened_at=OPENED,  # type: ignore[attr-defined]
            )
        )  # fmt: skip
        s.flush()
        payload = dict(s.scalars(sa.select(OutboxEntry)).one().payload)
    writer.sync_now()  # type: ignore[attr-defined]
    return payload


def _fresh_desk(folder: Path, name: str, url: str, admin_db: object, branch: str) -> object:
    """A registered desk that has not pulled anything yet."""
    from kamdesk.db.startup import open_database
    from kamdesk.hq import admin
    from kamdesk.services.sync import SyncService

    engine = open_database(folder / f"{name}.sqlite")
    sync = SyncService(engine)
    sync.register(url, admin.issue_code(admin_db, branch).code, name)  # type: ignore[arg-type]
    return sync


@benchmark(
    "sync-first-load",
    "first load of a large branch, cut mid-way and resumed, vs. one uninterrupted (PostgreSQL)",
    order=61,
)
def run_first_load(ctx: Context) -> list[Measurement]:
    """``sync-first-load``: a fresh desktop's first load of a branch of 100k customer
    rows (5k at ``small`` scale), its connection cut inside a page half-way and the load
    resumed in a second round; baseline: the same load without a cut. Also checks that
    no completed page is fetched twice and the desktop ends with every row."""
    from kamdesk.errors import KamdeskError
    from kamdesk.sync.engine import PULL_LIMIT
    from tests.hq.fault_proxy import FaultProxy
    from tests.hq.sync_world import fill_branch, publish_reference

    rows = FIRST_LOAD_ROWS.get(ctx.scale, FIRST_LOAD_ROWS["small"])
    with _hq_world("kamdesk_bench_load") as (folder, url, admin_db):
        refs = publish_reference(admin_db, "LOAD", "首次加载分公司")
        with _hq(url) as hq:
            head = fill_branch(
                admin_db, refs.branch_id, "customers", _template(hq, folder, admin_db, refs), rows
            )
            pages = -(-head // PULL_LIMIT)
            with FaultProxy(int(hq.rsplit(":", 1)[1])) as proxy:  # both through the proxy
                whole = _fresh_desk(folder, "whole", proxy.url, admin_db, refs.code)
                start = time.perf_counter()
                report = whole.sync_now()  # type: ignore[attr-defined]
                whole_s = time.perf_counter() - start
                assert report.complete and report.pulled == head, report

                cut = _fresh_desk(folder, "cut", proxy.url, admin_db, refs.code)
                proxy.targets.clear()
                proxy.arm("cut_response", "GET", "/v1/pull", after_bytes=50_000, skip=pages // 2)
                start = time.perf_counter()
                try:
                    cut.sync_now()  # type: ignore[attr-defined]
                    raise AssertionError("the cut did not interrupt the load")
                except KamdeskError as exc:
                    assert exc.code == "sync.unreachable", exc
                report = cut.sync_now()  # type: ignore[attr-defined]
                cut_s = time.perf_counter() - start
                fetched = sum(1 for t in proxy.targets if "/v1/pull" in t)
            assert report.complete, report
            refetched = fetched - pages - 1  # the cut page is the one asked for twice
            assert refetched == 0, f"{refetched} completed pages fetched again"
    return [
        Measurement(
            f"first load of {rows:,} rows, cut half-way and resumed (two rounds)",
            cut_s, whole_s, "s", budget=whole_s * FIRST_LOAD_RATIO_BUDGET,
            baseline_label="the same first load without a cut",
            detail=f"{pages} pages of {PULL_LIMIT}; completed pages fetched again: 0; "
            f"ratio budget {FIRST_LOAD_RATIO_BUDGET}",
        )
    ]  # fmt: skip
