"""Every change to every synced table reaches the outbox in the same transaction (SYNC.md G1)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from kamdesk.db.models import (
    SYNCED_TABLES,
    Attachment,
    Base,
    Blob,
    CalendarOverride,
    Customer,
    KeyPerson,
    OutboxEntry,
    Setting,
    WorkOrder,
    WorkOrderEvent,
    WorkOrderPolicySet,
)
from kamdesk.db.models.base import Synced
from kamdesk.db.startup import open_database
from kamdesk.domain.hlc import Stamp
from kamdesk.services.demo import DemoSpec, generate_demo
from kamdesk.services.uow import write_session
from kamdesk.sync import capture

NOW = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)


def _synced_classes() -> dict[str, type[Synced]]:
    return {
        mapper.local_table.name: mapper.class_
        for mapper in Base.registry.mappers
        if issubclass(mapper.class_, Synced)
    }


@pytest.fixture(scope="module")
def demo_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    path: Path = tmp_path_factory.mktemp("capture") / "demo.sqlite"
    engine = open_database(path)
    generate_demo(engine, DemoSpec(accounts=40, orders=400, seed=7, workers=0))
    with Session(engine) as s, s.begin():  # the kinds of row the demo does not make
        s.info[capture.APPLYING] = True
        order = s.scalars(select(WorkOrder).limit(1)).one()
        blob = s.scalars(select(Blob).limit(1)).one()
        s.add(CalendarOverride(day=date(2027, 2, 6), is_working=True, name="春节调休"))
        s.add(
            WorkOrderPolicySet(
                version=1,
                effective_from=date(2025, 1, 1),
                leader_value_threshold=Decimal("100000.00"),
                published_at=NOW,
            )
        )
        s.add(Attachment(order_id=order.id, blob_sha256=blob.sha256, filename="现场照片.png"))
    yield engine
    engine.dispose()


def _outbox(engine: Engine) -> list[OutboxEntry]:
    with Session(engine) as s:
        return list(s.scalars(select(OutboxEntry).order_by(OutboxEntry.seq)))


def test_every_synced_table_is_a_mapped_class_with_a_policy() -> None:
    assert set(_synced_classes()) == set(SYNCED_TABLES)


@pytest.mark.parametrize("table", sorted(set(SYNCED_TABLES) - {"work_order_events"}))
def test_a_tombstone_on_each_synced_table_is_captured(demo_engine: Engine, table: str) -> None:
    cls = _synced_classes()[table]
    before = len(_outbox(demo_engine))
    with write_session(demo_engine) as s:
        row = s.scalars(select(cls).where(cls.deleted_at.is_(None)).limit(1)).first()
        assert row is not None, f"the demo has no {table} row to edit"
        row.deleted_at = NOW
        row.deleted_by = "tester"
        edited_id = row.id
    [entry] = _outbox(demo_engine)[before:]
    assert (entry.table_name, entry.row_id, entry.op) == (table, edited_id, "upsert")
    assert entry.payload["deleted_at"] == NOW.isoformat()
    assert entry.payload["_changed"] == ["deleted_at", "deleted_by"]


def test_a_new_event_is_captured_as_an_append(demo_engine: Engine) -> None:
    before = len(_outbox(demo_engine))
    with write_session(demo_engine) as s:
        last = s.scalars(select(WorkOrderEvent).order_by(WorkOrderEvent.seq.desc())).first()
        assert last is not None
        event = WorkOrderEvent(
            order_id=last.order_id,
            seq=last.seq + 1,
            action="note",
            from_state=last.to_state,
            to_state=last.to_state,
            actor_role="am",
            at=NOW,
        )
        s.add(event)
        s.flush()
        event_id, seq = event.id, event.seq
    [entry] = _outbox(demo_engine)[before:]
    assert (entry.table_name, entry.row_id, entry.op) == ("work_order_events", event_id, "append")
    assert entry.payload["seq"] == seq


def test_a_new_row_is_captured_with_all_its_columns(demo_engine: Engine) -> None:
    before = len(_outbox(demo_engine))
    with write_session(demo_engine) as s:
        customer = s.scalars(select(Customer).limit(1)).one()
        customer_id = customer.id
        person = KeyPerson(
            customer_id=customer.id,
            name="王建国",
            title="信息中心主任",
            decision_role="decision_maker",
            mobile="13905710001",
        )
        s.add(person)
        s.flush()
        person_id = person.id
    [entry] = _outbox(demo_engine)[before:]
    assert (entry.table_name, entry.row_id, entry.op) == ("key_persons", person_id, "upsert")
    assert entry.payload["name"] == "王建国"
    assert entry.payload["customer_id"] == customer_id
    assert "_changed" not in entry.payload


def test_a_rolled_back_change_leaves_no_outbox_entry(demo_engine: Engine) -> None:
    before = len(_outbox(demo_engine))
    with pytest.raises(RuntimeError), write_session(demo_engine) as s:
        customer = s.scalars(select(Customer).limit(1)).one()
        customer.address = "杭州市西湖区文三路 1 号"
        s.flush()
        raise RuntimeError("the user's action failed after the flush")
    assert len(_outbox(demo_engine)) == before


def test_changes_carry_increasing_clocks_that_survive_a_restart(demo_engine: Engine) -> None:
    with write_session(demo_engine) as s:
        customer = s.scalars(select(Customer).order_by(Customer.id).limit(1)).one()
        customer.phone = "0571-87654321"
    first = _outbox(demo_engine)[-1]
    assert first.payload["_changed"] == ["phone"]
    with Session(demo_engine) as s:
        stored = s.get(Customer, first.row_id)
        assert stored is not None and stored.updated_hlc == first.hlc
        assert stored.field_hlc["phone"] == first.hlc
        saved = s.get(Setting, capture.HLC_KEY)
        assert saved is not None and saved.value == first.hlc

    capture.forget_clock(demo_engine)  # as after a restart: the clock resumes from settings
    with write_session(demo_engine) as s:
        customer = s.scalars(select(Customer).order_by(Customer.id).limit(1)).one()
        customer.phone = "0571-87650000"
    second = _outbox(demo_engine)[-1]
    a, b = Stamp.decode(first.hlc), Stamp.decode(second.hlc)
    assert (b.wall_ms, b.counter) > (a.wall_ms, a.counter)


def test_rows_applied_from_hq_are_not_captured(demo_engine: Engine) -> None:
    before = len(_outbox(demo_engine))
    with Session(demo_engine) as s, s.begin():
        s.info[capture.APPLYING] = True
        customer = s.scalars(select(Customer).limit(1)).one()
        customer.address = "HQ's value"
    assert len(_outbox(demo_engine)) == before


def test_an_unchanged_flush_writes_nothing(demo_engine: Engine) -> None:
    with Session(demo_engine) as s:
        before = s.scalar(select(func.count()).select_from(OutboxEntry))
    with write_session(demo_engine) as s:
        customer = s.scalars(select(Customer).limit(1)).one()
        customer.address = customer.address
    with Session(demo_engine) as s:
        assert s.scalar(select(func.count()).select_from(OutboxEntry)) == before


def test_an_outbox_entry_leaves_out_the_field_clocks_that_are_its_own(demo_engine: Engine) -> None:
    before = len(_outbox(demo_engine))
    with write_session(demo_engine) as s:
        customer = s.scalars(select(Customer).order_by(Customer.id).limit(1)).one()
        person = KeyPerson(customer_id=customer.id, name="李四", decision_role="user")
        s.add(person)
        s.flush()
        person_id = person.id
    with write_session(demo_engine) as s:
        edited = s.get_one(KeyPerson, person_id)
        edited.mobile = "13905710002"
    added, changed = _outbox(demo_engine)[before:]
    with Session(demo_engine) as s:
        local = s.get_one(KeyPerson, person_id).field_hlc

    assert added.payload["field_hlc"] == {}  # every clock of a new row is the entry's own
    assert set(local.values()) == {added.hlc, changed.hlc}
    assert local["mobile"] == changed.hlc
    assert changed.payload["field_hlc"] == {k: v for k, v in local.items() if k != "mobile"}
    assert set(changed.payload["field_hlc"].values()) == {added.hlc}
