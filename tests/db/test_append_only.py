"""The audit chain and work-order events cannot be rewritten or removed, even in SQL."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from kamdesk.db.models import AuditEntry, Base, WorkOrderEvent
from tests.db.conftest import Sample, add_sample

SYNC_STAMPS = {"row_version", "updated_hlc", "updated_at"}


@pytest.fixture()
def sample(engine: sa.Engine) -> Sample:
    with Session(engine) as s, s.begin():
        return add_sample(s)


def _refused(engine: sa.Engine, sql: str, **params: object) -> None:
    with pytest.raises(sa.exc.IntegrityError, match="append-only"), engine.begin() as conn:
        conn.execute(sa.text(sql), params)


def test_audit_entries_cannot_be_changed_or_deleted(engine: sa.Engine, sample: Sample):
    _refused(
        engine,
        "UPDATE audit_log SET action = 'nothing happened' WHERE seq = :s",
        s=sample.audit_seq,
    )
    _refused(engine, "UPDATE audit_log SET mac = prev_mac")
    _refused(engine, "DELETE FROM audit_log WHERE seq = :s", s=sample.audit_seq)
    with Session(engine) as s:
        entry = s.get(AuditEntry, sample.audit_seq)
        assert entry is not None and entry.action == "work_order.submit"


def test_the_orm_cannot_rewrite_an_event_either(engine: sa.Engine, sample: Sample):
    with pytest.raises(sa.exc.IntegrityError, match="append-only"), Session(engine) as s, s.begin():
        event = s.get(WorkOrderEvent, sample.event_id)
        assert event is not None
        event.to_state = "accepted"
    with pytest.raises(sa.exc.IntegrityError, match="append-only"), Session(engine) as s, s.begin():
        event = s.get(WorkOrderEvent, sample.event_id)
        s.delete(event)
    with Session(engine) as s:
        assert s.get(WorkOrderEvent, sample.event_id).to_state == "submitted"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "column",
    sorted(set(Base.metadata.tables["work_order_events"].c.keys()) - SYNC_STAMPS),
)
def test_every_event_column_is_guarded(engine: sa.Engine, sample: Sample, column: str):
    """A column added to the model without extending the trigger fails here."""
    _refused(
        engine, f"UPDATE work_order_events SET {column} = {column} WHERE id = :i", i=sample.event_id
    )


def test_sync_may_stamp_hqs_version_on_an_event(engine: sa.Engine, sample: Sample):
    with Session(engine) as s, s.begin():
        event = s.get(WorkOrderEvent, sample.event_id)
        assert event is not None
        event.row_version = 17
        event.updated_hlc = "0000018f5c2a:0001:hq"
    with Session(engine) as s:
        assert s.get(WorkOrderEvent, sample.event_id).row_version == 17  # type: ignore[union-attr]


def test_new_events_and_entries_can_still_be_appended(engine: sa.Engine, sample: Sample):
    with Session(engine) as s, s.begin():
        first = s.get(WorkOrderEvent, sample.event_id)
        assert first is not None
        s.add(
            WorkOrderEvent(
                order_id=sample.order_id,
                seq=2,
                action="issue",
                from_state="submitted",
                to_state="issued",
                actor_role="branch_manager",
                at=first.at,
            )
        )
    with Session(engine) as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(WorkOrderEvent)) == 2
