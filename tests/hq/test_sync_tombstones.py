"""Long offline past HQ's tombstone horizon (SYNC.md "Long offline"): HQ purges old
tombstones; a desktop whose cursor is older is told to re-snapshot, pushes what it has,
reloads everything and drops the rows HQ deleted meanwhile, keeping its unsent work;
a desktop that saw the deletes drops its own tombstones once HQ forgot them. Every
case ends with G1–G7 (:func:`~tests.hq.sync_world.assert_guarantees`)."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import httpx
import keyring
import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from kamdesk.domain.clock import utcnow
from kamdesk.errors import KamdeskError
from kamdesk.hq.cli import main as hq_main
from kamdesk.hq.models import SyncBranchState, SyncRow
from kamdesk.hq.tombstones import DEFAULT_KEEP_DAYS, purge_tombstones
from kamdesk.sync import state
from kamdesk.sync.tokens import SERVICE
from tests.hq.fault_proxy import FaultProxy
from tests.hq.support import assert_clean_refusal, auth
from tests.hq.sync_support import Desk
from tests.hq.sync_world import (
    BOTH_BACKENDS,
    BranchRefs,
    World,
    add_customer,
    assert_guarantees,
    customer,
    delete_customer,
    edit_customer,
    marks,
    point_at,
    setting,
)

KEEP = timedelta(days=DEFAULT_KEEP_DAYS)


def _later() -> Any:
    """HQ's clock once every tombstone of now is past the horizon."""
    return utcnow() + KEEP + timedelta(days=1)


def _ids(desk: Desk) -> set[str]:
    return {r["id"] for r in desk.rows("customers")}


def _hq_ids(world: World, refs: BranchRefs) -> set[str]:
    with Session(world.admin_db) as s:
        return set(
            s.scalars(
                sa.select(SyncRow.row_id).where(
                    SyncRow.branch_id == refs.branch_id, SyncRow.table_name == "customers"
                )
            )
        )


def _horizon(world: World, refs: BranchRefs) -> int:
    with Session(world.admin_db) as s:
        return int(
            s.scalar(
                sa.select(SyncBranchState.purged_through).where(
                    SyncBranchState.branch_id == refs.branch_id
                )
            )
            or 0
        )


def _cursor(target: str) -> int:
    found = re.search(r"[?&]cursor=(\d+)", target)
    assert found, target
    return int(found.group(1))


def _token(desk: Desk) -> str:
    token = keyring.get_password(SERVICE, desk.sync._sync.local_device_id())
    assert token
    return token


@pytest.mark.parametrize("hq_world", BOTH_BACKENDS, indirect=True)
def test_a_desktop_offline_past_the_horizon_re_snapshots_and_keeps_its_unsent_work(
    hq_world: World,
) -> None:
    refs = hq_world.branch()
    away, here = hq_world.desk(refs, "away"), hq_world.desk(refs, "here")
    gone = [add_customer(here, refs, f"将删除{i}") for i in range(2)]
    kept, changed, doomed_edit = (add_customer(here, refs, n) for n in ("留下", "改动", "删改"))
    here.sync.sync_now()
    away.sync.sync_now()
    assert {*gone, kept, changed, doomed_edit} <= _ids(away)

    # away goes offline for months with unsent work …
    edit_customer(away, kept, address="离线时改的地址")
    edit_customer(away, doomed_edit, phone="离线时改的电话")
    made_offline = add_customer(away, refs, "离线新建")
    # … while the branch deletes rows and HQ purges those tombstones
    for row_id in [*gone, doomed_edit]:
        delete_customer(here, row_id, refs.staff_id)
    edit_customer(here, changed, phone="总部之后改的")
    here.sync.sync_now()
    purged = purge_tombstones(hq_world.admin_db, KEEP, now=_later())
    assert purged[refs.code] == 3
    assert not {*gone, doomed_edit} & _hq_ids(hq_world, refs)
    horizon = _horizon(hq_world, refs)
    assert marks(away).cursor < horizon

    # HQ refuses to page from before its horizon (the desktop would miss the deletes)
    url = f"{hq_world.url}/v1/pull?cursor={marks(away).cursor}"
    refusal = assert_clean_refusal(
        httpx.get(url, headers=auth(_token(away))), 410, "pull.resnapshot_needed"
    )
    assert refusal["params"]["horizon"] == horizon

    before = marks(away)
    report = away.sync.sync_now()
    assert report.complete and report.resnapshot
    assert report.removed == 3  # the rows deleted at HQ meanwhile
    assert report.rejected == 1  # the edit of a row HQ deleted: refused, visibly (G1)
    (refused,) = away.sync.rejections()
    assert (refused.code, refused.row_id) == ("sync.row_purged", doomed_edit)
    assert not {*gone, doomed_edit} & _ids(away)
    assert customer(away, kept)["address"] == "离线时改的地址"  # unsent work kept …
    assert made_offline in _hq_ids(hq_world, refs)  # … and sent
    assert customer(away, changed)["phone"] == "总部之后改的"  # HQ's newer rows arrived
    assert setting(away, state.RESNAPSHOT) is None
    assert_guarantees(
        hq_world, refs, [away, here], rejections=["sync.row_purged"], before={away.name: before}
    )
    assert customer(here, kept)["address"] == "离线时改的地址"


def test_a_desktop_that_saw_the_deletes_drops_its_tombstones_when_hq_forgets_them(
    hq_world: World,
) -> None:
    refs = hq_world.branch()
    desk = hq_world.desk(refs, "a")
    doomed = add_customer(desk, refs, "将删除")
    alive = add_customer(desk, refs, "留下")
    desk.sync.sync_now()
    delete_customer(desk, doomed, refs.staff_id)
    desk.sync.sync_now()
    assert doomed in _ids(desk)  # its own tombstone, as HQ has it
    purge_tombstones(hq_world.admin_db, KEEP, now=_later())
    cursor = marks(desk).cursor
    assert cursor >= _horizon(hq_world, refs)  # it saw every purged delete: no re-snapshot
    report = desk.sync.sync_now()
    assert (report.resnapshot, report.removed) == (False, 1)
    assert _ids(desk) == {alive}
    assert setting(desk, state.HORIZON) == _horizon(hq_world, refs)
    assert_guarantees(hq_world, refs, [desk])


def test_an_interrupted_re_snapshot_continues_where_it_stopped(hq_world: World) -> None:
    refs = hq_world.branch()
    away = hq_world.desk(refs, "away")
    here = hq_world.desk(refs, "here")
    made = [add_customer(here, refs, f"客户{i}") for i in range(8)]
    here.sync.sync_now()
    away.sync.sync_now()
    for row_id in made[:3]:
        delete_customer(here, row_id, refs.staff_id)
    here.sync.sync_now()
    purge_tombstones(hq_world.admin_db, KEEP, now=_later())
    away.sync._sync._pull_limit = 2  # pages of two rows
    with FaultProxy(int(hq_world.url.rsplit(":", 1)[1])) as proxy:
        point_at(away, proxy.url)
        proxy.arm("drop", "GET", "/v1/pull", skip=3)  # the 410, then two snapshot pages
        with pytest.raises(KamdeskError) as caught:
            away.sync.sync_now()
        assert caught.value.code == "sync.unreachable"
        assert setting(away, state.RESNAPSHOT) == 4  # two pages of two rows stored
        load = away.sync.status().load
        assert load is not None and load.reloading and 0 < load.percent < 100
        report = away.sync.sync_now()
    assert report.complete and report.removed == 3
    snapshot_pulls = [_cursor(t) for t in proxy.targets if "snapshot=true" in t]
    assert snapshot_pulls[:4] == [0, 2, 4, 4]  # the dropped page, then on from there
    assert snapshot_pulls == sorted(snapshot_pulls)  # never a stored page again
    assert away.sync.status().load is None
    point_at(away, hq_world.url)
    assert_guarantees(hq_world, refs, [away, here])
    assert _ids(away) == set(made[3:])


def test_the_purge_command_reports_per_branch(
    hq_world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    refs = hq_world.branch()
    desk = hq_world.desk(refs, "a")
    delete_customer(desk, add_customer(desk, refs, "将删除"), refs.staff_id)
    desk.sync.sync_now()
    assert hq_main(["--lang", "en", "purge-tombstones", "--db", hq_world.db_url]) == 0
    assert _horizon(hq_world, refs) == 0  # younger than the horizon: kept
    assert (
        hq_main(["--lang", "en", "purge-tombstones", "--days", "0", "--db", hq_world.db_url]) == 0
    )
    out = capsys.readouterr().out
    assert "Tombstones purged" in out
    assert any(line.split() == [refs.code, "1"] for line in out.splitlines())
    assert _horizon(hq_world, refs) > 0
    assert_guarantees(hq_world, refs, [desk])
