"""Sync paths beyond plain rows: signature images and attachments travel by SHA-256
inside the engine's rounds, and a pull that meets a local edit still waiting in the
outbox merges it field by field and records the clash (G6)."""

from __future__ import annotations

from datetime import datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from kamdesk.db.models import Blob, Customer, OutboxEntry, SyncConflict
from kamdesk.hq.models import SyncBlob
from kamdesk.services.demo.signatures import render
from kamdesk.services.uow import write_session
from kamdesk.services.workorders import DemandForm, SignatureInput, WorkOrderService
from kamdesk.sync.apply import apply_page
from kamdesk.sync.messages import Change
from tests.hq.sync_support import Desk
from tests.hq.sync_world import (
    BranchRefs,
    World,
    add_customer,
    assert_guarantees,
    customer,
    edit_customer,
)

STROKES = [[[10, 10], [60, 40], [120, 20]]]


def _order(desk: Desk, refs: BranchRefs) -> str:
    form = DemandForm(customer_id=add_customer(desk, refs, "附件客户"), product_id=refs.product_id)
    return WorkOrderService(desk.engine).create_draft(refs.am, form).order_id


def test_signatures_and_attachments_reach_the_other_desktop_through_hq(hq_world: World) -> None:
    refs = hq_world.branch()
    a, b = hq_world.desk(refs, "a"), hq_world.desk(refs, "b")
    orders = WorkOrderService(a.engine)
    order = _order(a, refs)
    png = render(STROKES)
    strokes = tuple(tuple(tuple(float(v) for v in p) for p in s) for s in STROKES)
    orders.add_signature(refs.am, order, SignatureInput("张三", strokes, png, role="am"))
    attached = orders.add_attachment(refs.am, order, "合同扫描.pdf", b"%PDF-1.4 contract")
    a.sync.sync_now()
    with Session(hq_world.admin_db) as s:
        stored = dict(s.execute(sa.select(SyncBlob.sha256, SyncBlob.data)).tuples().all())
    assert stored[attached.sha256] == b"%PDF-1.4 contract"
    assert png in stored.values()

    b.sync.sync_now()
    copies = WorkOrderService(b.engine)
    assert copies.attachment_data(attached.sha256) == b"%PDF-1.4 contract"
    detail = copies.get(order)
    assert [copies.attachment_data(sig.image_sha256) for sig in detail.signatures] == [png]
    b.sync.sync_now()  # a second round fetches nothing again
    with Session(b.engine) as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(Blob)) == 2
    assert_guarantees(hq_world, refs, [a, b])


def _synced_customer(desk: Desk, refs: BranchRefs) -> str:
    """A customer as if it came from HQ at version 1 (no outbox entry)."""
    row_id = add_customer(desk, refs, "合并客户", phone="v1", address="旧址")
    with write_session(desk.engine) as s:
        s.execute(sa.delete(OutboxEntry))
        s.execute(sa.update(Customer).where(Customer.id == row_id).values(row_version=1))
    return row_id


@pytest.mark.parametrize(
    ("remote_newer", "kept", "lost"),
    [(True, "from-hq", "local"), (False, "local", "from-hq")],
    ids=["hq-newer", "local-newer"],
)
def test_a_pulled_change_meeting_a_waiting_local_edit_is_merged_with_a_conflict(
    hq_world: World, remote_newer: bool, kept: str, lost: str
) -> None:
    refs = hq_world.branch()
    desk = hq_world.desk(refs, "a")
    row_id = _synced_customer(desk, refs)
    edit_customer(desk, row_id, phone="local")  # waiting in the outbox, based on v1
    local = customer(desk, row_id)
    local_hlc = local["field_hlc"]["phone"]
    wall = int(local_hlc.split("-", 1)[0]) + (1000 if remote_newer else -1000)
    remote_hlc = f"{wall:013d}-00000-other-device"
    address_hlc = f"{wall + 5000:013d}-00000-other-device"  # newer than the local address
    payload = {k: v.isoformat() if isinstance(v, datetime) else v for k, v in local.items()}
    payload.update(phone="from-hq", address="新址", district="西湖区")
    change = Change(
        seq=99,
        table="customers",
        row_id=row_id,
        row_version=2,
        hlc=address_hlc,
        deleted=False,
        payload=payload,
        field_hlc={"phone": remote_hlc, "address": address_hlc},
        field_versions={"phone": 2, "address": 2},
    )
    with Session(desk.engine) as s, s.begin():
        assert apply_page(s, [change], 99) == (1, 1)
    row = customer(desk, row_id)
    assert (row["phone"], row["address"]) == (kept, "新址")  # other fields merge freely
    assert row["row_version"] == 2
    with Session(desk.engine) as s:
        conflicts = s.execute(
            sa.select(SyncConflict.field, SyncConflict.kept_value, SyncConflict.lost_value)
        ).all()
    assert [tuple(c) for c in conflicts] == [("phone", kept, lost)]
    assert desk.outbox() == 1  # the local edit still goes to HQ
