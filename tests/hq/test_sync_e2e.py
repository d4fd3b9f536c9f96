"""Desktops and HQ over real HTTP on loopback (SQLite and PostgreSQL HQ): edits made
offline converge to HQ's view (G3), concurrent edits leave a conflict record (G6),
branches never see each other's rows (G4), nothing is lost or applied twice (G1, G2)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy import select

from kamdesk.db.models import Customer, SyncBatch
from kamdesk.errors import KamdeskError
from kamdesk.hq import admin
from kamdesk.hq.models import SyncPushBatch, SyncRow
from kamdesk.services.uow import write_session
from kamdesk.sync import state
from kamdesk.sync.client import HqClient
from kamdesk.sync.messages import MAX_BATCH_OPS
from tests.hq.fault_proxy import FaultProxy
from tests.hq.support import auth
from tests.hq.sync_support import (
    COMPARED_TABLES,
    Desk,
    checksum_desk,
    checksum_hq,
    memory_keyring,
    open_desk,
    publish_branch,
    serve_hq,
)

OPENED = datetime(2026, 3, 1, tzinfo=UTC)


@pytest.fixture()
def world(db_url: str, admin_db: sa.Engine, tmp_path: Path) -> Iterator[dict[str, Any]]:
    """HQ with branches HZ and SH on loopback; desktops hz1, hz2 (HZ) and sh1 (SH)."""
    hz = publish_branch(admin_db, "HZ", "杭州分公司")
    sh = publish_branch(admin_db, "SH", "上海分公司")
    with memory_keyring(), serve_hq(db_url) as url:
        desks: dict[str, Desk] = {}
        for name, branch in (("hz1", "HZ"), ("hz2", "HZ"), ("sh1", "SH")):
            desk = open_desk(tmp_path, name)
            code = admin.issue_code(admin_db, branch).code
            desk.sync.register(url, code, name)
            assert desk.sync.sync_now().pulled == 2  # the branch and its staff
            desks[name] = desk
        yield {"url": url, "hz": hz, "sh": sh, **desks}
        for desk in desks.values():
            desk.engine.dispose()


def _new_customer(branch: dict[str, str], name: str, **fields: Any) -> Customer:
    return Customer(
        branch_id=branch["branch_id"],
        name=name,
        credit_code="91330100MA2AAAAA0X",
        category="enterprise",
        level="A",
        grade="B",
        owner_id=branch["staff_id"],
        opened_at=OPENED,
        **fields,
    )


def _add_customer(desk: Desk, branch: dict[str, str], name: str, **fields: Any) -> str:
    with write_session(desk.engine) as s:
        customer = _new_customer(branch, name, **fields)
        s.add(customer)
        s.flush()
        return customer.id


def _edit_customer(desk: Desk, customer_id: str, **fields: Any) -> None:
    with write_session(desk.engine) as s:
        customer = s.get_one(Customer, customer_id)
        for key, value in fields.items():
            setattr(customer, key, value)


def _sync(desk: Desk) -> Any:
    report = desk.sync.sync_now()
    assert report.complete, report
    return report


def test_three_desktops_edit_offline_and_converge_with_conflicts_kept(world, admin_db):
    hz1, hz2, sh1 = world["hz1"], world["hz2"], world["sh1"]
    shared = _add_customer(hz1, world["hz"], "杭州明远科技", phone="0571-1")
    assert _sync(hz1).pushed == 1
    _sync(hz2)
    # offline: both HZ desktops edit the same customer; SH adds its own
    _edit_customer(hz1, shared, phone="0571-111", address="文三路 1 号")
    _edit_customer(hz2, shared, phone="0571-222", district="西湖区")
    sh_only = _add_customer(sh1, world["sh"], "上海浦江物流")

    for _ in range(2):
        for desk in (hz1, hz2, sh1):
            _sync(desk)

    for table in COMPARED_TABLES:
        hq_hz = checksum_hq(admin_db, world["hz"]["branch_id"], table)
        assert checksum_desk(hz1, table) == hq_hz, table
        assert checksum_desk(hz2, table) == hq_hz, table
        assert checksum_desk(sh1, table) == checksum_hq(admin_db, world["sh"]["branch_id"], table)
    row = {r["id"]: r for r in hz1.rows("customers")}[shared]
    assert (row["phone"], row["address"], row["district"]) == ("0571-222", "文三路 1 号", "西湖区")
    conflicts = hz2.sync.conflicts()
    assert [(c.field, c.kept_value, c.lost_value) for c in conflicts] == [
        ("phone", "0571-222", "0571-111")
    ]
    assert [r["id"] for r in sh1.rows("customers")] == [sh_only]
    assert shared not in {r["id"] for r in sh1.rows("customers")}
    assert sh_only not in {r["id"] for r in hz1.rows("customers")}


def test_resolving_a_conflict_by_keeping_the_lost_value_reaches_everyone(world):
    hz1, hz2 = world["hz1"], world["hz2"]
    shared = _add_customer(hz1, world["hz"], "杭州明远科技", phone="1")
    _sync(hz1)
    _sync(hz2)
    _edit_customer(hz1, shared, phone="from-hz1")
    _edit_customer(hz2, shared, phone="from-hz2")
    _sync(hz1)
    _sync(hz2)
    (conflict,) = hz2.sync.conflicts()
    from kamdesk.services.actor import Actor

    owner = Actor(world["hz"]["staff_id"], "客户经理", "am", world["hz"]["branch_id"])
    hz2.sync.resolve(owner, conflict.id, "lost")
    _sync(hz2)
    _sync(hz1)
    assert {r["id"]: r["phone"] for r in hz1.rows("customers")}[shared] == "from-hz1"
    assert hz2.sync.conflicts() == []


def test_a_duplicate_batch_changes_nothing_the_second_time(world, admin_db):
    hz1 = world["hz1"]
    _add_customer(hz1, world["hz"], "杭州明远科技")
    token = next(iter(_tokens(hz1)))
    body = {
        "batch_id": "0190f000-0000-7000-8000-000000000001",
        "batch_seq": 1,
        "ops": [_op(world["hz"], "dup-customer", "upsert", {"phone": "1"})],
    }
    first = httpx.post(f"{world['url']}/v1/push", json=body, headers=auth(token))
    before = _hq_rows(admin_db)
    again = httpx.post(f"{world['url']}/v1/push", json=body, headers=auth(token))
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json()
    assert first.json()["results"][0]["status"] == "accepted"
    assert _hq_rows(admin_db) == before


def test_a_sequence_gap_gets_409_with_the_expected_number_and_the_desktop_recovers(world, admin_db):
    hz1 = world["hz1"]
    token = next(iter(_tokens(hz1)))
    body = {"batch_id": "0190f000-0000-7000-8000-000000000009", "batch_seq": 5, "ops": []}
    gap = httpx.post(f"{world['url']}/v1/push", json=body, headers=auth(token))
    assert gap.status_code == 409
    assert gap.json()["code"] == "push.sequence_gap"
    assert gap.json()["params"]["expected"] == 1

    _add_customer(hz1, world["hz"], "第一家")
    _sync(hz1)  # batch 1
    with write_session(hz1.engine) as s:  # as if restored from an older backup
        state.write(s, state.LAST_BATCH_SEQ, 0)
        s.execute(sa.delete(SyncBatch))
    customer = _add_customer(hz1, world["hz"], "第二家")
    report = _sync(hz1)
    assert report.pushed == 1
    with sa.orm.Session(admin_db) as s:
        assert s.get(SyncRow, (world["hz"]["branch_id"], "customers", customer)) is not None


def test_a_restored_desktop_renumbers_all_its_waiting_batches_in_order(world, admin_db):
    hz1 = world["hz1"]
    _add_customer(hz1, world["hz"], "第一家")
    _sync(hz1)  # batch 1
    with write_session(hz1.engine) as s:  # as if restored from an older backup
        state.write(s, state.LAST_BATCH_SEQ, 0)
        s.execute(sa.delete(SyncBatch))
    with write_session(hz1.engine) as s:  # two batches' worth, one after another
        s.add_all(_new_customer(world["hz"], f"恢复后{i:03d}") for i in range(MAX_BATCH_OPS + 20))
    report = _sync(hz1)
    assert report.pushed == MAX_BATCH_OPS + 20 and report.batches == 2
    with sa.orm.Session(hz1.engine) as s:
        device = state.read(s, state.HQ_DEVICE_ID)
    with sa.orm.Session(admin_db) as s:
        numbers = s.scalars(
            select(SyncPushBatch.batch_seq)
            .where(SyncPushBatch.device_id == device)
            .order_by(SyncPushBatch.batch_seq)
        ).all()
        names = s.scalars(
            select(SyncRow.payload["name"].as_string()).where(SyncRow.table_name == "customers")
        ).all()
    assert numbers == [1, 2, 3]  # the waiting batches took HQ's numbers, in their order
    assert sum(1 for n in names if n.startswith("恢复后")) == MAX_BATCH_OPS + 20


def test_a_response_cut_mid_body_is_resent_and_applied_once(world, admin_db):
    hz1 = world["hz1"]
    _sync(hz1)
    port = int(world["url"].rsplit(":", 1)[1])
    proxy = FaultProxy(port)
    try:
        with write_session(hz1.engine) as s:
            state.write(s, state.HQ_URL, proxy.url)
        customer = _add_customer(hz1, world["hz"], "断线客户")
        proxy.cut_next(after_bytes=60)  # HQ commits, the answer is cut in its headers
        with pytest.raises(KamdeskError) as caught:
            hz1.sync.sync_now()
        assert caught.value.code == "sync.unreachable"
        assert hz1.outbox() == 1  # G1: nothing left without HQ's acknowledgement
        head_after_cut = _hq_rows(admin_db)
        report = _sync(hz1)  # G7: the next round drains it, same batch replayed
        assert hz1.outbox() == 0
        assert report.pushed == 1
        assert _hq_rows(admin_db) == head_after_cut  # G2: applied once
        assert {r["id"] for r in hz1.rows("customers")} == {customer}
    finally:
        proxy.close()


def test_hq_away_keeps_the_outbox_and_the_next_round_drains_it(world, tmp_path):
    hz1 = world["hz1"]
    with write_session(hz1.engine) as s:
        state.write(s, state.HQ_URL, "http://127.0.0.1:9")  # nothing listens there
    _add_customer(hz1, world["hz"], "等待中的客户")
    with pytest.raises(KamdeskError) as caught:
        hz1.sync.sync_now()
    assert caught.value.code == "sync.unreachable"
    assert hz1.outbox() == 1
    with write_session(hz1.engine) as s:
        state.write(s, state.HQ_URL, world["url"])
    _sync(hz1)
    assert hz1.outbox() == 0


def test_revoked_and_unknown_tokens_and_another_branchs_rows_are_refused(world, admin_db):
    hz1, sh1 = world["hz1"], world["sh1"]
    sh_customer = _add_customer(sh1, world["sh"], "上海浦江物流", phone="021")
    _sync(sh1)
    hz_token = next(iter(_tokens(hz1)))
    # HZ pushes an edit of SH's row id: it lands in HZ's own scope, SH's row is untouched
    body = {
        "batch_id": "0190f000-0000-7000-8000-0000000000aa",
        "batch_seq": 1,
        "ops": [_op(world["hz"], sh_customer, "upsert", {"phone": "hijack"})],
    }
    assert httpx.post(f"{world['url']}/v1/push", json=body, headers=auth(hz_token)).is_success
    with sa.orm.Session(admin_db) as s:
        sh_row = s.get_one(SyncRow, (world["sh"]["branch_id"], "customers", sh_customer))
        assert sh_row.payload["phone"] == "021"
    pulled = httpx.get(f"{world['url']}/v1/pull?cursor=0", headers=auth(hz_token)).json()
    assert all(c["payload"].get("branch_id") != world["sh"]["branch_id"] for c in pulled["changes"])
    unknown = HqClient(world["url"], "kdt_not-a-token")
    with pytest.raises(KamdeskError) as caught:
        unknown.pull(0, 10)
    assert caught.value.code == "auth.unknown_token"
    hq_device = _setting(hz1, state.HQ_DEVICE_ID)
    admin.revoke_device(admin_db, hq_device)
    with pytest.raises(KamdeskError) as caught:
        hz1.sync.sync_now()
    assert caught.value.code == "auth.revoked"


def test_an_old_client_is_refused_with_a_clear_message(world):
    token = next(iter(_tokens(world["hz1"])))
    headers = {**auth(token), "X-Kamdesk-Protocol": "0"}
    response = httpx.get(f"{world['url']}/v1/pull?cursor=0", headers=headers)
    assert response.status_code == 426
    assert response.json()["code"] == "protocol.too_old"


def test_blobs_are_stored_by_hash_and_verified(world):
    token = next(iter(_tokens(world["hz1"])))
    sh_token = next(iter(_tokens(world["sh1"])))
    data = "签名".encode() * 100
    import hashlib

    name = hashlib.sha256(data).hexdigest()
    put = httpx.put(f"{world['url']}/v1/blobs/{name}", content=data, headers=auth(token))
    again = httpx.put(f"{world['url']}/v1/blobs/{name}", content=data, headers=auth(token))
    wrong = httpx.put(f"{world['url']}/v1/blobs/{'0' * 64}", content=data, headers=auth(token))
    got = httpx.get(f"{world['url']}/v1/blobs/{name}", headers=auth(token))
    other = httpx.get(f"{world['url']}/v1/blobs/{name}", headers=auth(sh_token))
    assert (put.status_code, again.status_code, wrong.status_code) == (200, 200, 422)
    assert got.content == data
    assert other.status_code == 404


def _tokens(desk: Desk) -> list[str]:
    import keyring

    from kamdesk.sync.tokens import SERVICE

    token = keyring.get_password(SERVICE, desk.sync._sync.local_device_id())
    assert token
    return [token]


def _setting(desk: Desk, key: str) -> Any:
    with sa.orm.Session(desk.engine) as s:
        return state.read(s, key)


def _op(branch: dict[str, str], row_id: str, op: str, fields: dict[str, Any]) -> dict[str, Any]:
    payload = {
        "id": row_id,
        "branch_id": branch["branch_id"],
        "name": "x",
        "credit_code": "91330100MA2AAAAA0X",
        "category": "enterprise",
        "level": "A",
        "grade": "B",
        "opened_at": OPENED.isoformat(),
        **fields,
    }  # a whole row: HQ refuses one a desktop could not store
    return {
        "seq": 1,
        "table": "customers",
        "row_id": row_id,
        "op": op,
        "payload": {**payload, "_changed": sorted(fields)},
        "base_version": 0,
        "hlc": "1764547200000-00000-test-node",
    }


def _hq_rows(admin_db: sa.Engine) -> list[tuple[Any, ...]]:
    with admin_db.connect() as conn:
        return [
            tuple(r)
            for r in conn.execute(
                select(
                    SyncRow.table_name, SyncRow.row_id, SyncRow.row_version, SyncRow.change_seq
                ).order_by(SyncRow.change_seq)
            )
        ]


def test_kamdesk_sync_now_exits_0_when_drained_and_prints_what_moved(world, capsys):
    from kamdesk.cli import main
    from kamdesk.i18n import set_language

    set_language("en")
    hz1 = world["hz1"]
    _add_customer(hz1, world["hz"], "命令行客户")
    db_path = hz1.engine.url.database
    hz1.engine.dispose()
    assert main(["--db", str(db_path), "sync", "now"]) == 0
    assert "Sent 1 changes (0 refused)" in capsys.readouterr().out
    assert hz1.outbox() == 0
