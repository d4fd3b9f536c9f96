"""``kamdesk-hq report sync-health``: per device last seen, backlog, conflicts, schema."""

from __future__ import annotations

import pytest

from kamdesk.hq.cli import main
from kamdesk.hq.health import sync_health
from kamdesk.sync import state
from kamdesk.sync.protocol import SCHEMA_VERSION
from tests.hq.sync_world import World, add_customer, edit_customer, setting


def test_sync_health_shows_backlog_and_conflicts_per_device(
    hq_world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    refs = hq_world.branch()
    a, b = hq_world.desk(refs, "a"), hq_world.desk(refs, "b")
    shared = add_customer(a, refs, "健康客户", phone="1")
    a.sync.sync_now()
    b.sync.sync_now()
    edit_customer(a, shared, phone="a")
    edit_customer(b, shared, phone="b")
    a.sync.sync_now()
    b.sync.sync_now()  # b's edit wins over a's, which b had not seen: one conflict
    add_customer(a, refs, "新客户")
    a.sync.sync_now()  # b has not pulled this yet

    health = {d.device_id: d for d in sync_health(hq_world.admin_db, refs.code)}
    ida, idb = (setting(d, state.HQ_DEVICE_ID) for d in (a, b))
    assert set(health) == {ida, idb}
    assert (health[ida].backlog, health[idb].backlog) == (0, 1)
    assert (health[ida].conflicts, health[idb].conflicts) == (0, 1)
    assert (health[ida].batches, health[idb].batches) == (3, 1)
    assert {d.schema_version for d in health.values()} == {SCHEMA_VERSION}
    assert all(d.last_seen_at is not None and not d.revoked for d in health.values())

    b.sync.sync_now()
    assert main(["--lang", "en", "report", "sync-health", "--branch", refs.code,
                 "--db", hq_world.db_url]) == 0  # fmt: skip
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:4] == ["Branch", "code", "Device", "name"]
    cells = {line.split()[-1]: line.split() for line in lines[1:]}
    assert cells[idb][:2] == [refs.code, "b"]
    assert cells[idb][4:9] == ["0", "1", "1", "0", str(SCHEMA_VERSION)]
