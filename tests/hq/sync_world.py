"""A sync test world: one HQ on loopback, a fresh branch per test, desktops made from a
migrated template, and :func:`assert_guarantees` (G1–G7 of SYNC.md) to end every case.

Each test gets its own branch (codes ``T1``, ``T2``, …) on a module-wide HQ, so tests
share the server but never each other's rows: every check below is per branch.
"""

from __future__ import annotations

import itertools
import shutil
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import select
from sqlalchemy.orm import Session

from kamdesk.db.models import SYNCED_TABLES, Customer, SyncBatch, SyncConflict, SyncRejection
from kamdesk.db.startup import open_database
from kamdesk.domain.hlc import HybridClock
from kamdesk.hq import admin, rowstore
from kamdesk.hq.models import Device, SyncBranchState, SyncPushBatch, SyncRow
from kamdesk.hq.publish import publish_rows
from kamdesk.services.actor import Actor
from kamdesk.services.sync import SyncService
from kamdesk.services.uow import write_session
from kamdesk.sync import capture, state
from kamdesk.sync.client import HqClient
from kamdesk.sync.engine import ClientFactory
from tests.hq.sync_support import Desk, checksum_desk, checksum_hq

OPENED = datetime(2026, 3, 1, tzinfo=UTC)
STAMP = "2026-12-01T00:00:00+00:00"
COMMON = {"created_at": STAMP, "updated_at": STAMP, "deleted_at": None, "deleted_by": None}
_codes = itertools.count(1)
BOTH_BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
"""``@pytest.mark.parametrize("hq_world", BOTH_BACKENDS, indirect=True)``"""


def make_template(folder: Path) -> Path:
    """A migrated, empty desktop database to copy (migrating each desk costs ~1 s)."""
    path = folder / "template.sqlite"
    open_database(path).dispose()
    return path


@dataclass(frozen=True)
class BranchRefs:
    """A branch at HQ and the reference rows published to it."""

    code: str
    branch_id: str
    group_id: str
    product_id: str
    am: Actor
    other_am: Actor

    @property
    def staff_id(self) -> str:
        return self.am.staff_id


def staff_row(
    branch_id: str, staff_id: str, login: str, name: str, role: str, group: str | None = None
) -> dict[str, Any]:
    """A row of ``staff`` as HQ publishes it (active, no password, no contact data)."""
    return {
        "id": staff_id,
        "branch_id": branch_id,
        "login": login,
        "name": name,
        "role": role,
        "title": "",
        "industry_group_id": group,
        "workstation_id": None,
        "mobile": "",
        "email": "",
        "active": True,
        "password_hash": None,
        "hired_on": None,
        **COMMON,
    }


def _staff(branch_id: str, code: str, login: str, role: str, group: str | None) -> dict[str, Any]:
    staff_id = f"{code.lower()}-{login}"
    return staff_row(branch_id, staff_id, staff_id, f"员工{login}", role, group)


def publish_reference(admin_db: sa.Engine, code: str, name: str) -> BranchRefs:
    """Branch ``code`` with an industry group, a product and two account managers."""
    branch = admin.add_branch(admin_db, code, name)
    low = code.lower()
    group_id, product_id = f"{low}-group", f"{low}-product"
    rows = {
        "branches": [
            {"id": branch.id, "code": code, "name": name, "region": "", "address": "", **COMMON}
        ],
        "industry_groups": [
            {"id": group_id, "code": "finance", "name": "金融", "sort_order": 1, **COMMON}
        ],
        "staff": [
            _staff(branch.id, code, "am1", "am", group_id),
            _staff(branch.id, code, "am2", "am", group_id),
        ],
        "products": [
            {
                "id": product_id,
                "code": "DIA",
                "name": "互联网专线",
                "family": "data",
                "is_circuit": False,
                "promised_days": 5,
                "clock_mode": "working",
                "repair_hours": 4,
                "monthly_fee": "1000.00",
                **COMMON,
            }
        ],
    }
    for table, found in rows.items():
        publish_rows(admin_db, code, table, found)
    am1, am2 = rows["staff"]
    return BranchRefs(
        code=code,
        branch_id=branch.id,
        group_id=group_id,
        product_id=product_id,
        am=Actor(am1["id"], am1["name"], "am", branch.id, group_id),
        other_am=Actor(am2["id"], am2["name"], "am", branch.id, group_id),
    )


@dataclass
class World:
    """HQ at ``url`` (database ``db_url``, administered through ``admin_db``)."""

    url: str
    db_url: str
    admin_db: sa.Engine
    template: Path
    folder: Path
    opened: list[Desk] = field(default_factory=list)

    def branch(self) -> BranchRefs:
        code = f"T{next(_codes)}"
        return publish_reference(self.admin_db, code, f"测试分公司{code}")

    def desk(
        self,
        refs: BranchRefs,
        name: str,
        client_factory: ClientFactory | None = None,
        *,
        first_sync: bool = True,
    ) -> Desk:
        """A desktop of ``refs``'s branch, registered and (unless not ``first_sync``)
        past its first sync."""
        path = self.folder / f"{refs.code}-{name}.sqlite"
        shutil.copyfile(self.template, path)
        engine = open_database(path)
        desk = Desk(f"{refs.code}-{name}", engine, SyncService(engine, client_factory))
        self.opened.append(desk)
        desk.sync.register(self.url, admin.issue_code(self.admin_db, refs.code).code, name)
        if first_sync:
            assert desk.sync.sync_now().complete
        return desk

    def close(self) -> None:
        for desk in self.opened:
            desk.engine.dispose()


def short_timeout_client(seconds: float) -> ClientFactory:
    """A client factory whose requests give up after ``seconds``."""
    import httpx

    def make(url: str, token: str | None, ca_bundle: str | None) -> HqClient:
        return HqClient(url, token, ca_bundle=ca_bundle, timeout=httpx.Timeout(seconds))

    return make


def point_at(desk: Desk, url: str) -> None:
    """Send ``desk``'s traffic to ``url`` (a fault proxy, a restarted HQ)."""
    with write_session(desk.engine) as s:
        state.write(s, state.HQ_URL, url)


def skew_clock(desk: Desk, hours: float) -> None:
    """Run ``desk``'s hybrid clock on a wall clock ``hours`` off (the device's setting)."""
    with desk.engine.begin() as conn:
        clock = capture.device_clock(conn)
        offset = int(hours * 3_600_000)
        skewed = HybridClock(clock.node, clock.last, lambda: time.time_ns() // 1_000_000 + offset)
    capture._clocks[desk.engine.pool] = skewed  # the device's one clock (see capture)


BULK_HLC = "1764547200000-00000-bulk"
BULK_CHUNK = 5000


def fill_branch(
    admin_db: sa.Engine, branch_id: str, table: str, template: dict[str, Any], count: int
) -> int:
    """``count`` copies of ``template`` (a desktop's payload of a row of ``table``) put
    straight into HQ's store as new rows of the branch, each with its own id (and
    name, when the table has one), numbered after the branch's head as pushes would
    be. Returns the branch's new head. For loads too large to push in a test."""
    data = {k: v for k, v in template.items() if k not in rowstore.META_FIELDS}
    stamps, versions = dict.fromkeys(data, BULK_HLC), dict.fromkeys(data, 1)
    now = datetime.now(UTC)
    with Session(admin_db) as s, s.begin():
        log = rowstore.BranchLog(s, branch_id)
        top = rowstore.head(s, branch_id)
        batch: list[dict[str, Any]] = []
        for i in range(count):
            row_id = f"bulk-{branch_id[-12:]}-{i:07d}"
            top = log.next_seq()
            payload = {**data, "name": f"批量{i:07d}"} if "name" in data else dict(data)
            batch.append(
                {
                    "branch_id": branch_id,
                    "table_name": table,
                    "row_id": row_id,
                    "row_version": 1,
                    "change_seq": top,
                    "hlc": BULK_HLC,
                    "payload": payload,
                    "field_hlc": stamps,
                    "field_versions": versions,
                    "deleted": False,
                    "group_key": None,
                    "origin_device_id": None,
                    "held_batch_seq": None,
                    "updated_at": now,
                }
            )
            if len(batch) >= BULK_CHUNK or i == count - 1:
                s.execute(sa.insert(SyncRow), batch)
                batch.clear()
        log.close()
    return top


def write_customer(
    engine: sa.Engine,
    branch_id: str,
    owner_id: str,
    name: str,
    *,
    actor: Actor | None = None,
    **fields: Any,
) -> str:
    """A new account written like the customer file writes it (captured for sync);
    ``actor`` is who writes it (nobody by default)."""
    with write_session(engine, actor=actor) as s:
        customer = Customer(
            branch_id=branch_id,
            name=name,
            credit_code="91330100MA2AAAAA0X",
            category="enterprise",
            level="A",
            grade="B",
            owner_id=owner_id,
            opened_at=OPENED,
            **fields,
        )
        s.add(customer)
        s.flush()
        return customer.id


def update_customer(engine: sa.Engine, customer_id: str, **fields: Any) -> None:
    """Set ``fields`` of the account in one write (captured for sync)."""
    with write_session(engine) as s:
        customer = s.get_one(Customer, customer_id)
        for key, value in fields.items():
            setattr(customer, key, value)


def add_customer(desk: Desk, refs: BranchRefs, name: str, **fields: Any) -> str:
    """A new account of ``refs``'s first account manager and industry group."""
    return write_customer(
        desk.engine, refs.branch_id, refs.staff_id, name, industry_group_id=refs.group_id, **fields
    )


def edit_customer(desk: Desk, customer_id: str, **fields: Any) -> None:
    update_customer(desk.engine, customer_id, **fields)


def delete_customer(desk: Desk, customer_id: str, by: str) -> None:
    """The tombstone a service writes (never an SQL DELETE)."""
    edit_customer(desk, customer_id, deleted_at=datetime.now(UTC), deleted_by=by)


def customer(desk: Desk, customer_id: str) -> dict[str, Any]:
    return {r["id"]: r for r in desk.rows("customers")}[customer_id]


def setting(desk: Desk, key: str, default: Any = None) -> Any:
    with Session(desk.engine) as s:
        return state.read(s, key, default)


@dataclass(frozen=True)
class Marks:
    """The numbers G5 says never go backwards on one desktop."""

    cursor: int
    batch_seq: int
    hlc: str

    def at_least(self, earlier: Marks) -> bool:
        return (
            self.cursor >= earlier.cursor
            and self.batch_seq >= earlier.batch_seq
            and self.hlc >= earlier.hlc
        )


def marks(desk: Desk) -> Marks:
    return Marks(
        cursor=int(setting(desk, state.CURSOR, 0)),
        batch_seq=int(setting(desk, state.LAST_BATCH_SEQ, 0)),
        hlc=str(setting(desk, capture.HLC_KEY, "")),
    )


def _local(desk: Desk, model: Any, *columns: Any) -> list[tuple[Any, ...]]:
    with Session(desk.engine) as s:
        return [tuple(r) for r in s.execute(select(*columns)).all()]


def assert_guarantees(
    world: World,
    refs: BranchRefs,
    desks: Iterable[Desk],
    *,
    conflicts: Iterable[tuple[str, Any, Any]] = (),
    rejections: Iterable[str] = (),
    before: dict[str, Marks] | None = None,
    quiet: Callable[[], None] | None = None,
) -> dict[str, Marks]:
    """With the network quiet, two sync rounds per desk, then G1–G7 for ``refs``'s branch.

    ``conflicts`` are the (field, kept, lost) records expected across the desks (G6);
    ``rejections`` the codes of refused operations the desks must show (G1);
    ``before`` marks taken earlier (e.g. before a crash) that must not be passed
    backwards (G5). Returns the desks' marks now.
    """
    desks = list(desks)
    if quiet is not None:
        quiet()
    for _ in range(2):  # G7: no local write needed; G3: two rounds converge
        for desk in desks:
            report = desk.sync.sync_now()
            assert report.complete, (desk.name, report)
    with Session(world.admin_db) as hq:
        counter = hq.execute(
            select(SyncBranchState.last_seq, SyncBranchState.purged_through).where(
                SyncBranchState.branch_id == refs.branch_id
            )
        ).one_or_none()
        head, purged = (int(counter[0]), int(counter[1])) if counter else (0, 0)
        seqs = list(
            hq.scalars(
                select(SyncRow.change_seq)
                .where(SyncRow.branch_id == refs.branch_id)
                .order_by(SyncRow.change_seq)
            )
        )
        other_ids = set(
            hq.scalars(select(SyncRow.row_id).where(SyncRow.branch_id != refs.branch_id))
        )
        hq_batches = {
            device: sorted(
                (b.batch_seq, b.batch_id)
                for b in hq.scalars(select(SyncPushBatch).where(SyncPushBatch.device_id == device))
            )
            for device in hq.scalars(select(Device.id).where(Device.branch_id == refs.branch_id))
        }
    # G2 at HQ: every change numbered once, in one sequence, ending at the branch head
    # (unless the newest changes were tombstones HQ has purged since)
    assert len(seqs) == len(set(seqs))
    assert not seqs or seqs[-1] == head or head <= purged
    at_hq = {t: checksum_hq(world.admin_db, refs.branch_id, t) for t in SYNCED_TABLES}
    found_conflicts: set[tuple[str, Any, Any]] = set()
    found_rejections: list[str] = []
    now: dict[str, Marks] = {}
    for desk in desks:
        # G1: drained; every refusal visible
        assert desk.outbox() == 0, desk.name
        found_rejections += [c for (c,) in _local(desk, SyncRejection, SyncRejection.code)]
        # G2: each local batch applied at HQ exactly once, numbered 1, 2, … without gaps
        device = setting(desk, state.HQ_DEVICE_ID)
        applied = hq_batches[device]
        assert [seq for seq, _ in applied] == list(range(1, len(applied) + 1)), desk.name
        acked = _local(desk, SyncBatch, SyncBatch.batch_id, SyncBatch.acked_at)
        assert all(at is not None for _, at in acked), desk.name
        assert {b for b, _ in acked} == {b for _, b in applied}, desk.name
        # G3: equal to HQ's view of the branch, table by table; G4: nothing of another
        for table in SYNCED_TABLES:
            assert checksum_desk(desk, table) == at_hq[table], (desk.name, table)
            ids = {r["id"] for r in desk.rows(table)}
            assert not ids & other_ids, (desk.name, table)
        # G5: the cursor reached HQ's head; nothing went backwards
        now[desk.name] = marks(desk)
        assert now[desk.name].cursor == head, desk.name
        if before and desk.name in before:
            assert now[desk.name].at_least(before[desk.name]), desk.name
        # G6: conflicts as recorded for people to see
        found_conflicts |= {
            (f, k, lo)
            for f, k, lo in _local(
                desk,
                SyncConflict,
                SyncConflict.field,
                SyncConflict.kept_value,
                SyncConflict.lost_value,
            )
        }
    assert found_conflicts == set(conflicts), found_conflicts
    assert sorted(found_rejections) == sorted(rejections)
    return now
