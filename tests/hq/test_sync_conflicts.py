"""Concurrent edits through HQ: skewed clocks, the same and different fields, delete
against edit, two people moving one work order, and a desktop on an older schema.
Every case ends with :func:`~tests.hq.sync_world.assert_guarantees` (G1–G7)."""

from __future__ import annotations

import time

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from kamdesk.db.models import WorkOrder, WorkOrderEvent
from kamdesk.domain.hlc import Stamp
from kamdesk.domain.workorders.vocabulary import Action
from kamdesk.errors import KamdeskError
from kamdesk.hq.models import SyncRow
from kamdesk.hq.rowstore import MAX_DRIFT_MS
from kamdesk.i18n import set_language
from kamdesk.services.workorders import DemandForm, WorkOrderService
from kamdesk.sync import protocol
from tests.hq.support import auth
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
    skew_clock,
)

SIX_HOURS = 6.0


def _hq_clocks(world: World, refs: BranchRefs, row_id: str) -> dict[str, str]:
    with Session(world.admin_db) as s:
        row = s.get_one(SyncRow, (refs.branch_id, "customers", row_id))
        return {k: str(v) for k, v in row.field_hlc.items()}


@pytest.mark.parametrize("hours", [SIX_HOURS, -SIX_HOURS], ids=["six-hours-fast", "six-hours-slow"])
def test_a_skewed_clock_neither_wins_by_its_wall_time_nor_loses_what_it_saw(
    hq_world: World, hours: float
) -> None:
    refs = hq_world.branch()
    skewed, right = hq_world.desk(refs, "skewed"), hq_world.desk(refs, "right")
    shared = add_customer(right, refs, "时钟客户", phone="0", address="旧址")
    right.sync.sync_now()
    skewed.sync.sync_now()
    skew_clock(skewed, hours)

    edit_customer(right, shared, address="right-addr")  # concurrent edits of one field
    right.sync.sync_now()
    edit_customer(skewed, shared, address="skewed-addr", phone="skewed-phone")
    skewed.sync.sync_now()
    ceiling = time.time_ns() // 1_000_000 + MAX_DRIFT_MS
    assert all(
        Stamp.decode(h).wall_ms <= ceiling for h in _hq_clocks(hq_world, refs, shared).values()
    )

    right.sync.sync_now()  # the right desk has now seen the skewed one's phone …
    edit_customer(right, shared, phone="right-phone-after")  # … so its later edit wins
    right.sync.sync_now()

    # a clock six hours fast is clamped at HQ to now + 5 minutes, which still beats the
    # concurrent edit; six hours slow loses it. Either way the loser is kept (G6).
    kept, lost = ("skewed-addr", "right-addr") if hours > 0 else ("right-addr", "skewed-addr")
    assert_guarantees(hq_world, refs, [skewed, right], conflicts={("address", kept, lost)})
    row = customer(skewed, shared)
    assert (row["address"], row["phone"]) == (kept, "right-phone-after")


@pytest.mark.parametrize("hq_world", BOTH_BACKENDS, indirect=True)
@pytest.mark.parametrize("first", ["deleter", "editor"], ids=["delete-first", "edit-first"])
def test_delete_against_edit_keeps_the_delete_and_records_the_edit_in_either_order(
    hq_world: World, first: str
) -> None:
    refs = hq_world.branch()
    deleter, editor = hq_world.desk(refs, "deleter"), hq_world.desk(refs, "editor")
    doomed = add_customer(deleter, refs, "将删除客户", phone="1", address="旧址")
    deleter.sync.sync_now()
    editor.sync.sync_now()
    delete_customer(deleter, doomed, refs.staff_id)
    edit_customer(editor, doomed, phone="edited-offline")
    early, late = (deleter, editor) if first == "deleter" else (editor, deleter)
    early.sync.sync_now()
    assert late.sync.sync_now().conflicts == 1  # the later one learns of the clash
    assert_guarantees(
        hq_world, refs, [deleter, editor], conflicts={("phone", "1", "edited-offline")}
    )
    for desk in (deleter, editor):
        row = customer(desk, doomed)
        assert row["deleted_at"] is not None
        assert (row["phone"], row["address"]) == ("1", "旧址")
    (shown,) = late.sync.conflicts()  # in the conflict inbox, with both values
    assert (shown.record, shown.field, shown.kept_value, shown.lost_value) == (
        "将删除客户",
        "phone",
        "1",
        "edited-offline",
    )
    assert (shown.kept_here, shown.lost_here) == (late is deleter, late is editor)


def _draft(desk: Desk, refs: BranchRefs, customer_id: str) -> str:
    form = DemandForm(customer_id=customer_id, product_id=refs.product_id, requirement="专线")
    return WorkOrderService(desk.engine).create_draft(refs.am, form).order_id


def _state(desk: Desk, order_id: str) -> tuple[str, list[tuple[int, str]]]:
    with Session(desk.engine) as s:
        order = s.get_one(WorkOrder, order_id)
        events = s.execute(
            sa.select(WorkOrderEvent.seq, WorkOrderEvent.action)
            .where(WorkOrderEvent.order_id == order_id)
            .order_by(WorkOrderEvent.seq)
        )
        return order.state, [(seq, action) for seq, action in events]


@pytest.mark.parametrize("hq_world", BOTH_BACKENDS, indirect=True)
def test_two_people_moving_one_work_order_at_once_first_accepted_wins(hq_world: World) -> None:
    refs = hq_world.branch()
    first, second = hq_world.desk(refs, "first"), hq_world.desk(refs, "second")
    order = _draft(first, refs, add_customer(first, refs, "工单客户"))
    first.sync.sync_now()
    second.sync.sync_now()
    assert _state(second, order) == ("draft", [(1, "create")])

    WorkOrderService(first.engine).act(refs.am, order, Action.SUBMIT, {"note": ""}, 1)
    WorkOrderService(second.engine).act(refs.am, order, Action.CANCEL, {"reason": "客户撤单"}, 1)
    assert first.sync.sync_now().rejected == 0
    refused = second.sync.sync_now()
    assert refused.rejected >= 2  # the event, and the order row's change that came with it

    # the refused step is gone from the second desk and it shows HQ's order (G1, G3)
    assert _state(second, order) == ("submitted", [(1, "create"), (2, "submit")])
    assert_guarantees(
        hq_world,
        refs,
        [first, second],
        rejections=["sync.transition_taken"]
        + ["sync.order_transition_rejected"] * (refused.rejected - 1),
    )


def test_a_desktop_on_an_older_schema_is_refused_with_a_clear_message(
    hq_world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    refs = hq_world.branch()
    desk = hq_world.desk(refs, "old")
    made = add_customer(desk, refs, "旧版本客户")
    monkeypatch.setattr(protocol, "MIN_SCHEMA_VERSION", protocol.SCHEMA_VERSION + 1)
    from kamdesk.hq import http_guards

    monkeypatch.setattr(http_guards, "MIN_SCHEMA_VERSION", protocol.SCHEMA_VERSION + 1)
    with pytest.raises(KamdeskError) as caught:
        desk.sync.sync_now()
    assert caught.value.code == "protocol.schema_too_old"
    set_language("en")
    assert "Please update KAMDesk" in caught.value.message()
    assert desk.outbox() == 1  # nothing sent, nothing lost
    with Session(hq_world.admin_db) as s:
        assert s.get(SyncRow, (refs.branch_id, "customers", made)) is None
    raw = httpx.get(f"{hq_world.url}/v1/pull", headers={**auth("x"), "X-Kamdesk-Schema": "0"})
    assert raw.status_code == 426
    monkeypatch.undo()
    assert_guarantees(hq_world, refs, [desk])


@pytest.mark.parametrize("hq_world", BOTH_BACKENDS, indirect=True)
def test_field_clocks_left_out_of_a_push_are_the_rows_own_at_hq_and_on_every_desk(
    hq_world: World,
) -> None:
    refs = hq_world.branch()
    writer, reader = hq_world.desk(refs, "writer"), hq_world.desk(refs, "reader")
    shared = add_customer(writer, refs, "时钟省略客户", phone="0", address="旧址")
    writer.sync.sync_now()
    created = customer(writer, shared)["updated_hlc"]
    assert set(_hq_clocks(hq_world, refs, shared).values()) == {created}

    edit_customer(writer, shared, phone="1")
    writer.sync.sync_now()
    reader.sync.sync_now()

    edited = customer(writer, shared)["updated_hlc"]
    clocks = _hq_clocks(hq_world, refs, shared)
    assert clocks["phone"] == edited > created
    assert {v for k, v in clocks.items() if k != "phone"} == {created}
    for desk in (writer, reader):
        local = customer(desk, shared)["field_hlc"]
        assert {k: local[k] for k in clocks} == clocks
    assert_guarantees(hq_world, refs, [writer, reader])
