"""HQ refuses a pushed row no desktop could store: a required column missing or null, a
value of the wrong form. Each refusal is one operation's verdict inside the 200 with a
clear code; nothing of the refused row is applied, the batch's other operations are,
and the desktop lists the refusal among its refused changes (G1)."""

from __future__ import annotations

import uuid
from typing import Any

import keyring
import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from kamdesk.db.models import SYNCED_TABLES, OutboxEntry
from kamdesk.hq.models import SyncPushBatch, SyncRow
from kamdesk.services.uow import write_session
from kamdesk.sync import wire_columns
from kamdesk.sync.client import HqClient
from kamdesk.sync.messages import ACCEPTED, REJECTED, PushOp, PushRequest
from kamdesk.sync.tokens import SERVICE
from kamdesk.sync.wire_spec import describe_all
from tests.hq.sync_support import Desk
from tests.hq.sync_world import (
    BOTH_BACKENDS,
    World,
    add_customer,
    assert_guarantees,
    customer,
    edit_customer,
)

HLC = "1764547200000-00000-test-device"


def test_the_wire_columns_are_the_desktop_models() -> None:
    assert describe_all() == wire_columns.COLUMNS
    assert set(wire_columns.COLUMNS) == set(SYNCED_TABLES)
    assert wire_columns.COLUMNS["customers"]["name"] == "str+"  # required
    assert wire_columns.COLUMNS["customers"]["phone"] == "str!"  # has a default, never null
    assert wire_columns.COLUMNS["customers"]["left_at"] == "instant"  # may be null


def _client(world: World, desk: Desk) -> HqClient:
    token = keyring.get_password(SERVICE, desk.sync._sync.local_device_id())
    assert token
    return HqClient(world.url, token)


def _taken_payload(desk: Desk) -> dict[str, Any]:
    """The outbox payload of the desk's newest change, taken out of the outbox."""
    with write_session(desk.engine) as s:
        entry = s.scalars(sa.select(OutboxEntry).order_by(OutboxEntry.seq.desc())).first()
        assert entry is not None
        payload = dict(entry.payload)
        s.execute(sa.delete(OutboxEntry))
    return payload


def _insert(payload: dict[str, Any], seq: int, **changes: Any) -> PushOp:
    row_id = str(uuid.uuid4())
    body = {**payload, "id": row_id, **changes}
    for name in [k for k, v in changes.items() if v is _GONE]:
        del body[name]
    return PushOp(seq, "customers", row_id, "upsert", body, 0, HLC)


_GONE = object()


def _stored(world: World, branch_id: str) -> dict[str, dict[str, Any]]:
    with Session(world.admin_db) as s:
        rows = s.scalars(
            sa.select(SyncRow).where(
                SyncRow.branch_id == branch_id, SyncRow.table_name == "customers"
            )
        )
        return {r.row_id: dict(r.payload) for r in rows}


@pytest.mark.parametrize("hq_world", BOTH_BACKENDS, indirect=True)
def test_each_unstorable_row_is_refused_alone_and_the_rest_of_the_batch_applies(
    hq_world: World,
) -> None:
    refs = hq_world.branch()
    desk = hq_world.desk(refs, "a")
    kept = add_customer(desk, refs, "已同步客户", phone="1")
    desk.sync.sync_now()
    add_customer(desk, refs, "样板")
    template = _taken_payload(desk)
    good = _insert(template, 1, name="好客户")
    ops = [
        good,
        _insert(template, 2, name=_GONE),  # a required column left out
        _insert(template, 3, name=None),  # … or sent as null
        _insert(template, 4, opened_at="yesterday"),  # not an instant
        _insert(template, 5, opened_at="2026-03-01T00:00:00"),  # an instant without its zone
        _insert(template, 6, strategic="yes"),  # not a boolean
        _insert(template, 7, monthly_spend="many"),  # not an amount
        _insert(template, 8, grade_score="90"),  # a number as text
        PushOp(  # an edit of a synced row: the required name set to null, with a phone
            9,
            "customers",
            kept,
            "upsert",
            {**template, "id": kept, "name": None, "phone": "2", "_changed": ["name", "phone"]},
            1,
            HLC,
        ),
    ]
    before = _stored(hq_world, refs.branch_id)
    request = PushRequest(str(uuid.uuid4()), 2, tuple(ops))
    with _client(hq_world, desk) as client:
        answer = client.push(request)
        again = client.push(request)  # a replay answers alike and changes nothing
    assert again == answer
    verdicts = [(r.status, r.code, r.params.get("column")) for r in answer.results]
    assert verdicts == [
        (ACCEPTED, None, None),
        (REJECTED, "sync.missing_value", "name"),
        (REJECTED, "sync.missing_value", "name"),
        (REJECTED, "sync.wrong_type", "opened_at"),
        (REJECTED, "sync.wrong_type", "opened_at"),
        (REJECTED, "sync.wrong_type", "strategic"),
        (REJECTED, "sync.wrong_type", "monthly_spend"),
        (REJECTED, "sync.wrong_type", "grade_score"),
        (REJECTED, "sync.missing_value", "name"),
    ]
    assert all(r.params.get("table") == "customers" for r in answer.results[1:])
    assert answer.results[-1].current is not None  # HQ's copy, for the desktop to restore
    stored = _stored(hq_world, refs.branch_id)
    assert set(stored) == set(before) | {good.row_id}  # only the good row is new
    assert stored[kept] == before[kept]  # the refused edit left no trace, not even its phone
    with Session(hq_world.admin_db) as s:
        assert s.scalar(
            sa.select(SyncPushBatch.batch_seq).where(SyncPushBatch.batch_id == request.batch_id)
        )


def _spoil_waiting_edit(desk: Desk, **payload: Any) -> None:
    """Change what the desk's waiting outbox entry says (a desktop bug, an old client)."""
    with write_session(desk.engine) as s:
        entry = s.scalars(sa.select(OutboxEntry)).one()
        entry.payload = {**entry.payload, **payload, "_changed": sorted(payload)}


@pytest.mark.parametrize(
    ("spoiled", "code"),
    [({"name": None}, "sync.missing_value"), ({"opened_at": "下周一"}, "sync.wrong_type")],
    ids=["required-null", "wrong-type"],
)
def test_a_desktop_sees_its_unstorable_change_among_the_refused_ones(
    hq_world: World, spoiled: dict[str, Any], code: str
) -> None:
    refs = hq_world.branch()
    desk, other = hq_world.desk(refs, "a"), hq_world.desk(refs, "b")
    made = add_customer(desk, refs, "拒收客户", phone="1")
    desk.sync.sync_now()
    edit_customer(desk, made, phone="2")
    _spoil_waiting_edit(desk, phone="2", **spoiled)
    report = desk.sync.sync_now()
    assert (report.pushed, report.rejected) == (0, 1)
    (refused,) = desk.sync.rejections()
    assert (refused.code, refused.record) == (code, "拒收客户")
    assert refused.params["column"] == next(iter(spoiled))
    assert customer(desk, made)["phone"] == "1"  # back to HQ's copy
    assert_guarantees(hq_world, refs, [desk, other], rejections=[code])


def test_an_unknown_column_from_a_newer_desktop_passes(hq_world: World) -> None:
    refs = hq_world.branch()
    desk = hq_world.desk(refs, "a")
    add_customer(desk, refs, "新版客户")
    payload = _taken_payload(desk)
    op = _insert(payload, 1, wechat_id="wx-1")
    with _client(hq_world, desk) as client:
        answer = client.push(PushRequest(str(uuid.uuid4()), 1, (op,)))
    assert [r.status for r in answer.results] == [ACCEPTED]
