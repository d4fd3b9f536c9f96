"""A first load of a large branch, interrupted mid-way (the connection cut inside a page,
HQ killed between pages), resumes from its cursor without fetching completed pages
again and ends equal to HQ (G3), with its progress shown while it is under way."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import ExitStack

import pytest
import sqlalchemy as sa

from kamdesk.db.models import SYNCED_TABLES, OutboxEntry
from kamdesk.errors import KamdeskError
from kamdesk.i18n import tr
from kamdesk.services.uow import write_session
from kamdesk.sync import state
from kamdesk.sync.engine import PULL_LIMIT
from tests.hq.fault_proxy import FaultProxy
from tests.hq.sync_support import Desk, serve_hq
from tests.hq.sync_world import (
    BranchRefs,
    World,
    add_customer,
    assert_guarantees,
    fill_branch,
    marks,
    point_at,
    setting,
)

ROWS = 20_000
CUT_AFTER_PAGES = 15


def _port(url: str) -> int:
    return int(url.rsplit(":", 1)[1])


def _customer_template(world: World, refs: BranchRefs) -> dict[str, object]:
    """A customer payload exactly as a desktop sends it (the bulk rows copy it)."""
    writer = world.desk(refs, "writer")
    add_customer(writer, refs, "模板客户")
    with write_session(writer.engine) as s:
        entry = s.scalars(sa.select(OutboxEntry)).one()
        payload = dict(entry.payload)
    writer.sync.sync_now()
    return payload


def _pull_cursors(proxy: FaultProxy) -> list[int]:
    found = (re.search(r"[?&]cursor=(\d+)", t) for t in proxy.targets if "/v1/pull" in t)
    return [int(m.group(1)) for m in found if m]


@pytest.fixture()
def big_branch(hq_world: World) -> Iterator[tuple[BranchRefs, int]]:
    refs = hq_world.branch()
    head = fill_branch(
        hq_world.admin_db, refs.branch_id, "customers", _customer_template(hq_world, refs), ROWS
    )
    yield refs, head


def _local_rows(desk: Desk) -> int:
    return sum(len(desk.rows(table)) for table in SYNCED_TABLES)


def test_a_first_load_cut_inside_a_page_resumes_from_its_cursor_and_ends_equal_to_hq(
    hq_world: World, big_branch: tuple[BranchRefs, int]
) -> None:
    refs, head = big_branch
    reader = hq_world.desk(refs, "reader", first_sync=False)
    assert reader.sync.status().load is None  # nothing known of HQ yet
    with FaultProxy(_port(hq_world.url)) as proxy:
        point_at(reader, proxy.url)
        proxy.arm("cut_response", "GET", "/v1/pull", after_bytes=50_000, skip=CUT_AFTER_PAGES)
        with pytest.raises(KamdeskError) as caught:
            reader.sync.sync_now()
        assert caught.value.code == "sync.unreachable"
        stopped = marks(reader)
        assert stopped.cursor == CUT_AFTER_PAGES * PULL_LIMIT  # the completed pages …
        assert _local_rows(reader) == stopped.cursor  # … are kept, none of the cut one
        load = reader.sync.status().load  # what the status bar and the sync page show
        assert load is not None and not load.reloading
        assert (load.reached, load.head) == (stopped.cursor, head)
        assert 0 < load.percent < 100

        first_round = len(_pull_cursors(proxy))
        report = reader.sync.sync_now()
        assert report.complete
        resumed = _pull_cursors(proxy)[first_round:]
    assert resumed[0] == stopped.cursor  # straight on from the stored cursor …
    assert resumed == sorted(set(resumed))  # … and never a completed page again
    assert len(resumed) == -(-(head - stopped.cursor) // PULL_LIMIT)
    assert report.pulled == head - stopped.cursor
    assert reader.sync.status().load is None
    assert setting(reader, state.LOADED) is True
    point_at(reader, hq_world.url)
    assert_guarantees(hq_world, refs, [reader], before={reader.name: stopped})
    assert len(reader.rows("customers")) == ROWS + 1


def test_a_first_load_survives_hq_going_down_between_pages(
    hq_world: World, big_branch: tuple[BranchRefs, int]
) -> None:
    refs, head = big_branch
    reader = hq_world.desk(refs, "reader", first_sync=False)
    with ExitStack() as second:  # a second HQ process over the same database
        point_at(reader, second.enter_context(serve_hq(hq_world.db_url)))
        pages: list[int] = []

        def kill_hq_between_pages(done: int, total: int, what: str) -> None:
            if what == tr("First load from HQ"):
                pages.append(done)
            if len(pages) == CUT_AFTER_PAGES:
                second.close()  # HQ stops after this page was stored

        with pytest.raises(KamdeskError) as caught:
            reader.sync.sync_now(progress=kill_hq_between_pages)
        assert caught.value.code == "sync.unreachable"
    stopped = marks(reader)
    assert stopped.cursor == pages[-1] == CUT_AFTER_PAGES * PULL_LIMIT
    assert _local_rows(reader) == stopped.cursor
    point_at(reader, hq_world.url)  # HQ is back
    report = reader.sync.sync_now()
    assert report.complete
    assert report.pulled == head - stopped.cursor  # only what was missing
    assert_guarantees(hq_world, refs, [reader], before={reader.name: stopped})
