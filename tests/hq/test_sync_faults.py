"""Network and ordering faults between desktops and HQ (SYNC.md "Fault tests to pass").

Each case injects one fault, shows what the user meets at that moment (an error,
the outbox still holding the change, nothing applied), then ends with
:func:`~tests.hq.sync_world.assert_guarantees` once the network is quiet (G1–G7).
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from kamdesk.db.models import SyncBatch
from kamdesk.errors import KamdeskError
from kamdesk.hq.models import SyncRow
from kamdesk.sync import engine as sync_engine
from kamdesk.sync import outbox
from kamdesk.sync.apply import apply_page
from kamdesk.sync.client import HqClient
from kamdesk.sync.messages import ACCEPTED, PushRequest, PushResponse
from tests.hq.fault_proxy import FaultProxy
from tests.hq.sync_support import Desk
from tests.hq.sync_world import (
    BOTH_BACKENDS,
    World,
    add_customer,
    assert_guarantees,
    customer,
    edit_customer,
    marks,
    point_at,
    short_timeout_client,
)


def _port(url: str) -> int:
    return int(url.rsplit(":", 1)[1])


def _hq_state(world: World, branch_id: str) -> list[tuple[Any, ...]]:
    with Session(world.admin_db) as s:
        rows = s.execute(
            sa.select(SyncRow.table_name, SyncRow.row_id, SyncRow.row_version, SyncRow.change_seq)
            .where(SyncRow.branch_id == branch_id)
            .order_by(SyncRow.change_seq)
        )
        return [tuple(r) for r in rows]


def _token(desk: Desk) -> str:
    import keyring

    from kamdesk.sync.tokens import SERVICE

    token = keyring.get_password(SERVICE, desk.sync._sync.local_device_id())
    assert token
    return token


CLIENT_TIMEOUT_S = 3.0
"""Short enough for a held answer to time out, long enough for a loaded CI machine to
answer every request that is not held (0.8 s failed there)."""

PUSH_FAULTS = [
    pytest.param("drop", {}, id="drop-before-hq"),
    pytest.param("cut_request", {}, id="cut-mid-request"),
    pytest.param("cut_response", {"after_bytes": 120}, id="cut-mid-response"),
    pytest.param("delay", {"seconds": CLIENT_TIMEOUT_S + 1.5}, id="answer-later-than-timeout"),
]


@pytest.mark.parametrize(("kind", "how"), PUSH_FAULTS)
def test_a_push_lost_on_the_way_is_sent_again_and_applied_once(
    hq_world: World, kind: str, how: dict[str, float]
) -> None:
    refs = hq_world.branch()
    desk = hq_world.desk(refs, "a", client_factory=short_timeout_client(CLIENT_TIMEOUT_S))
    other = hq_world.desk(refs, "b")
    with FaultProxy(_port(hq_world.url)) as proxy:
        point_at(desk, proxy.url)
        created = add_customer(desk, refs, "断线客户", phone="0571-1")
        proxy.arm(kind, **how)
        with pytest.raises(KamdeskError) as caught:
            desk.sync.sync_now()
        assert caught.value.code == "sync.unreachable"
        assert proxy.fired and proxy.fired[0].kind == kind
        assert desk.outbox() == 1  # G1: nothing left without HQ's acknowledgement
        reached_hq = kind in ("cut_response", "delay")
        if reached_hq:
            proxy.wait_answered()  # the client may give up before HQ has committed
        stored = {row_id for _, row_id, _, _ in _hq_state(hq_world, refs.branch_id)}
        assert (created in stored) is reached_hq
        assert desk.sync.sync_now().complete  # G7: the same batch again, no new write
        assert proxy.stats["POST /v1/push"] == 2
    point_at(desk, hq_world.url)
    assert_guarantees(hq_world, refs, [desk, other])
    assert customer(other, created)["phone"] == "0571-1"


def test_a_batch_duplicated_on_the_wire_is_applied_once(hq_world: World) -> None:
    refs = hq_world.branch()
    desk = hq_world.desk(refs, "a")
    with FaultProxy(_port(hq_world.url)) as proxy:
        point_at(desk, proxy.url)
        add_customer(desk, refs, "重复客户")
        edit_customer(desk, add_customer(desk, refs, "第二家"), phone="1")
        proxy.arm("duplicate")
        report = desk.sync.sync_now()
        assert (report.pushed, report.rejected, report.batches) == (3, 0, 1)
    point_at(desk, hq_world.url)
    assert_guarantees(hq_world, refs, [desk])
    versions = [v for table, _, v, _ in _hq_state(hq_world, refs.branch_id) if table == "customers"]
    assert sorted(versions) == [1, 2]  # the edited one took one new version, not two


def test_a_pull_answer_cut_mid_body_leaves_cursor_and_rows_untouched(hq_world: World) -> None:
    refs = hq_world.branch()
    writer, reader = hq_world.desk(refs, "a"), hq_world.desk(refs, "b")
    for i in range(3):
        add_customer(writer, refs, f"客户{i}")
    writer.sync.sync_now()
    before = marks(reader)
    with FaultProxy(_port(hq_world.url)) as proxy:
        point_at(reader, proxy.url)
        proxy.arm("cut_response", "GET", "/v1/pull", after_bytes=400)
        with pytest.raises(KamdeskError) as caught:
            reader.sync.sync_now()
        assert caught.value.code == "sync.unreachable"
        assert marks(reader) == before
        assert reader.rows("customers") == []
    point_at(reader, hq_world.url)
    assert_guarantees(hq_world, refs, [writer, reader], before={reader.name: before})


def _freeze(desk: Desk) -> PushRequest:
    """The desk's next batch, frozen as the engine would (numbered, not yet sent)."""
    with Session(desk.engine) as s, s.begin():
        batch = outbox.next_batch(s)
        assert batch is not None
        return outbox.request_of(s, batch)


def _client(world: World, desk: Desk) -> HqClient:
    return HqClient(world.url, _token(desk))


def test_the_same_batch_twice_at_once_is_applied_once_and_answered_alike(hq_world: World) -> None:
    refs = hq_world.branch()
    desk, other = hq_world.desk(refs, "a"), hq_world.desk(refs, "b")
    made = {add_customer(desk, refs, f"客户{i}") for i in range(3)}
    request = _freeze(desk)
    answers: list[PushResponse] = []
    start = threading.Barrier(2)

    def send() -> None:
        with _client(hq_world, desk) as client:
            start.wait()
            answers.append(client.push(request))

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(answers) == 2
    assert answers[0] == answers[1]
    assert {r.status for r in answers[0].results} == {ACCEPTED}
    rows = _hq_state(hq_world, refs.branch_id)
    assert sorted((r, v) for t, r, v, _ in rows if t == "customers") == [
        (m, 1) for m in sorted(made)
    ]
    assert desk.outbox() == 3  # not acknowledged locally yet: the engine sends it again
    assert_guarantees(hq_world, refs, [desk, other])


def test_batches_out_of_order_are_refused_until_the_gap_is_filled(hq_world: World) -> None:
    refs = hq_world.branch()
    desk, other = hq_world.desk(refs, "a"), hq_world.desk(refs, "b")
    first = add_customer(desk, refs, "第一批")
    one = _freeze(desk)
    with Session(desk.engine) as s, s.begin():  # let a second batch be frozen behind it
        s.execute(sa.update(SyncBatch).values(acked_at=datetime.now(UTC)))
    second = add_customer(desk, refs, "第二批")
    two = _freeze(desk)
    with Session(desk.engine) as s, s.begin():
        s.execute(sa.update(SyncBatch).values(acked_at=None))
    assert (one.batch_seq, two.batch_seq) == (1, 2)
    with _client(hq_world, desk) as client, pytest.raises(KamdeskError) as caught:
        client.push(two)
    assert caught.value.code == "push.sequence_gap"
    assert caught.value.params["expected"] == 1
    assert {r for t, r, *_ in _hq_state(hq_world, refs.branch_id) if t == "customers"} == set()
    report = desk.sync.sync_now()
    assert (report.pushed, report.batches) == (2, 2)
    stored = [r for t, r, *_ in _hq_state(hq_world, refs.branch_id) if t == "customers"]
    assert stored == [first, second]  # applied in batch order
    assert_guarantees(hq_world, refs, [desk, other])


def test_a_crash_between_applying_a_page_and_storing_its_cursor_loses_nothing(
    hq_world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    refs = hq_world.branch()
    writer, reader = hq_world.desk(refs, "a"), hq_world.desk(refs, "b")
    made = {add_customer(writer, refs, f"客户{i}") for i in range(5)}
    writer.sync.sync_now()
    before = marks(reader)

    def apply_then_die(session: Any, changes: Any, cursor: int) -> tuple[int, int]:
        apply_page(session, changes, cursor)
        assert {r["id"] for r in _rows_in(session, "customers")} == made  # written …
        raise SystemExit("desktop killed")  # … but never committed

    monkeypatch.setattr(sync_engine, "apply_page", apply_then_die)
    with pytest.raises(SystemExit):
        reader.sync.sync_now()
    monkeypatch.undo()
    assert marks(reader) == before  # page and cursor rolled back together
    assert reader.rows("customers") == []
    assert_guarantees(hq_world, refs, [writer, reader], before={reader.name: before})
    assert {r["id"] for r in reader.rows("customers")} == made


@pytest.mark.parametrize("hq_world", BOTH_BACKENDS, indirect=True)
def test_desktops_edit_offline_and_converge_through_a_flaky_link(hq_world: World) -> None:
    """Two desktops, faults on both directions, then the quiet-network checks."""
    refs = hq_world.branch()
    a = hq_world.desk(refs, "a", client_factory=short_timeout_client(CLIENT_TIMEOUT_S))
    b = hq_world.desk(refs, "b")
    shared = add_customer(a, refs, "共享客户", phone="1")
    a.sync.sync_now()
    b.sync.sync_now()
    edit_customer(a, shared, phone="from-a", address="文三路")
    edit_customer(b, shared, phone="from-b", district="西湖区")
    with FaultProxy(_port(hq_world.url)) as proxy:
        point_at(a, proxy.url)
        point_at(b, proxy.url)
        proxy.arm("cut_response", after_bytes=100)
        proxy.arm("duplicate")
        proxy.arm("cut_response", "GET", "/v1/pull", after_bytes=200)
        for desk in (a, b, a, b):
            try:
                desk.sync.sync_now()
            except KamdeskError as exc:
                assert exc.code == "sync.unreachable"
    for desk in (a, b):
        point_at(desk, hq_world.url)
    assert_guarantees(hq_world, refs, [a, b], conflicts={("phone", "from-b", "from-a")})
    row = customer(a, shared)
    assert (row["phone"], row["address"], row["district"]) == ("from-b", "文三路", "西湖区")


def _rows_in(session: Any, table: str) -> list[dict[str, Any]]:
    return [dict(r) for r in session.execute(sa.text(f"SELECT id FROM {table}")).mappings()]
