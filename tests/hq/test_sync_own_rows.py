"""A desktop's own new rows are not pulled back after HQ stored them as sent, yet every
desktop ends equal to HQ, also one restored from a backup that lost some of them."""

from __future__ import annotations

from pathlib import Path

import httpx
import keyring
import pytest

from kamdesk.db.backup import online_backup
from kamdesk.db.startup import open_database
from kamdesk.services.backups import restore_database
from kamdesk.services.sync import SyncService
from kamdesk.sync import state
from kamdesk.sync.tokens import SERVICE
from tests.hq.support import auth
from tests.hq.sync_support import Desk, checksum_desk, checksum_hq
from tests.hq.sync_world import (
    BOTH_BACKENDS,
    SYNCED_TABLES,
    BranchRefs,
    World,
    add_customer,
    assert_guarantees,
    customer,
    edit_customer,
    setting,
)


@pytest.mark.parametrize("hq_world", BOTH_BACKENDS, indirect=True)
def test_own_new_rows_stay_home_and_reach_the_other_desktop(hq_world: World) -> None:
    refs = hq_world.branch()
    a, b = hq_world.desk(refs, "a"), hq_world.desk(refs, "b")
    ids = [add_customer(a, refs, f"自有客户{i}") for i in range(3)]
    report = a.sync.sync_now()
    assert (report.pushed, report.pulled) == (3, 0)
    assert setting(a, state.ACKED_BATCH_SEQ) == setting(a, state.LAST_BATCH_SEQ)
    assert b.sync.sync_now().pulled == 3

    edit_customer(a, ids[0], address="杭州市西湖区文三路 90 号")
    report = a.sync.sync_now()  # an edit is merged field by field: HQ's row comes back
    assert (report.pushed, report.pulled) == (1, 1)
    b.sync.sync_now()
    assert customer(b, ids[0])["address"] == "杭州市西湖区文三路 90 号"
    assert_guarantees(hq_world, refs, [a, b])


def test_a_client_that_names_no_held_batches_gets_its_rows_back(hq_world: World) -> None:
    refs = hq_world.branch()
    a = hq_world.desk(refs, "a")
    row_id = add_customer(a, refs, "旧版本客户端")
    a.sync.sync_now()
    token = keyring.get_password(SERVICE, a.sync._sync.local_device_id())
    assert token
    page = httpx.get(f"{hq_world.url}/v1/pull", params={"cursor": 0}, headers=auth(token))
    assert row_id in {c["row_id"] for c in page.json()["changes"]}


def _restored_without_a_later_row(hq_world: World, tmp_path: Path) -> tuple[BranchRefs, Desk, str]:
    """A desktop restored from a backup taken before it pushed a new account (which
    HQ stored as sent, so it was not pulled back); the account's id."""
    refs = hq_world.branch()
    desk = hq_world.desk(refs, "a")
    add_customer(desk, refs, "备份前客户")
    desk.sync.sync_now()
    backup = online_backup(desk.engine, tmp_path / "a-before.sqlite")
    later = add_customer(desk, refs, "备份后客户")
    assert desk.sync.sync_now().pulled == 0  # held: it stayed home
    path = Path(str(desk.engine.url.database))
    desk.engine.dispose()
    restore_database(path, backup)
    engine = open_database(path)
    restored = Desk(desk.name, engine, SyncService(engine))
    hq_world.opened.append(restored)
    assert later not in {r["id"] for r in restored.rows("customers")}
    return refs, restored, later


def _equal_to_hq(hq_world: World, desk: Desk, branch_id: str) -> None:
    for table in SYNCED_TABLES:
        assert checksum_desk(desk, table) == checksum_hq(hq_world.admin_db, branch_id, table), table


def test_a_restored_desktop_gets_back_the_rows_its_backup_lacks(
    hq_world: World, tmp_path: Path
) -> None:
    refs, restored, later = _restored_without_a_later_row(hq_world, tmp_path)
    restored.sync.sync_now()  # nothing to push: the backup's batches are all it holds
    assert later in {r["id"] for r in restored.rows("customers")}
    _equal_to_hq(hq_world, restored, refs.branch_id)


@pytest.mark.parametrize("hq_world", BOTH_BACKENDS, indirect=True)
def test_a_restored_desktop_that_writes_before_syncing_still_gets_them_back(
    hq_world: World, tmp_path: Path
) -> None:
    refs, restored, later = _restored_without_a_later_row(hq_world, tmp_path)
    after = add_customer(restored, refs, "恢复后客户")  # its batch number HQ has seen
    report = restored.sync.sync_now()  # HQ asks for a later number: renumbered, then pulled
    assert report.pushed == 1 and report.complete
    assert setting(restored, state.HELD_FROM) == setting(restored, state.LAST_BATCH_SEQ)
    ids = {r["id"] for r in restored.rows("customers")}
    assert {later, after} <= ids
    _equal_to_hq(hq_world, restored, refs.branch_id)
