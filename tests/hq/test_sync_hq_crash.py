"""HQ killed during a push: after it committed but before it answered, and in the
middle of applying the batch. The desktop sees HQ away and keeps its outbox; the next
round, served by another HQ process over the same database (HQ is stateless), replays
the same batch, which is then applied exactly once (G1, G2), and G1–G7 hold."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from kamdesk.errors import KamdeskError
from kamdesk.hq.models import SyncPushBatch, SyncRow
from kamdesk.sync import state
from tests.hq.crashing_hq import CRASHED
from tests.hq.fault_proxy import free_port
from tests.hq.sync_world import (
    World,
    add_customer,
    assert_guarantees,
    marks,
    point_at,
    setting,
)

ROOT = Path(__file__).resolve().parents[2]
STARTUP_TIMEOUT_S = 30


@contextmanager
def crashing_hq(
    moment: str, db_url: str, log: Path
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """A real HQ process that dies at ``moment`` of its first push."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "tests.hq.crashing_hq", moment, db_url, str(port)],
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while True:
            assert proc.poll() is None, log.read_text()
            try:
                if httpx.get(f"{base}/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.1)
        yield base, proc
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=10)


def _customers_at_hq(world: World, branch_id: str) -> set[str]:
    with Session(world.admin_db) as s:
        return set(
            s.scalars(
                sa.select(SyncRow.row_id).where(
                    SyncRow.branch_id == branch_id, SyncRow.table_name == "customers"
                )
            )
        )


CASES = [
    pytest.param("sqlite", "after_commit", id="sqlite-after-commit"),
    pytest.param("sqlite", "mid_apply", id="sqlite-mid-apply"),
    pytest.param("postgres", "after_commit", marks=pytest.mark.postgres, id="pg-after-commit"),
]


@pytest.mark.parametrize(("hq_world", "moment"), CASES, indirect=["hq_world"])
def test_hq_killed_during_a_push_loses_nothing_and_applies_once(
    hq_world: World, moment: str, tmp_path: Path
) -> None:
    refs = hq_world.branch()
    desk, other = hq_world.desk(refs, "a"), hq_world.desk(refs, "b")
    made = {add_customer(desk, refs, f"客户{i}") for i in range(3)}
    before = marks(desk)
    with crashing_hq(moment, hq_world.db_url, tmp_path / "hq.log") as (base, proc):
        point_at(desk, base)
        with pytest.raises(KamdeskError) as caught:
            desk.sync.sync_now()
        assert caught.value.code == "sync.unreachable"
        assert proc.wait(timeout=10) == CRASHED
    assert desk.outbox() == 3  # G1: not acknowledged, so not gone
    committed = moment == "after_commit"
    assert _customers_at_hq(hq_world, refs.branch_id) == (made if committed else set())
    with Session(hq_world.admin_db) as s:
        device = setting(desk, state.HQ_DEVICE_ID)
        stored = s.scalar(sa.select(sa.func.count()).where(SyncPushBatch.device_id == device))
    assert stored == (1 if committed else 0)  # mid-apply: the whole batch rolled back

    point_at(desk, hq_world.url)  # HQ back (another process over the same database)
    report = desk.sync.sync_now()
    assert (report.pushed, report.rejected, report.outbox_left) == (3, 0, 0)
    assert_guarantees(hq_world, refs, [desk, other], before={desk.name: before})
    assert {r["id"] for r in other.rows("customers")} == made
