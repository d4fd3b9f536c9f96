"""Databases of every released schema upgrade to exactly the models, rows intact.

Each ``tests/data/schemas/<revision>.sqlite`` is a small database written by the app
at that revision (see ``make_<revision>.py``). Add one for every schema you release.
"""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.orm import Session

from kamdesk.db.backup import check_problems
from kamdesk.db.models import (
    AgreementMonth,
    AuditEntry,
    Base,
    Customer,
    KeyPerson,
    Product,
    WorkOrder,
    WorkOrderEvent,
    WorkOrderStep,
)
from kamdesk.db.startup import KEEP_MIGRATION_BACKUPS, alembic_config, open_database

SCHEMAS = Path(__file__).resolve().parent.parent / "data" / "schemas"
STORED = sorted(SCHEMAS.glob("*.sqlite"))
HEAD = ScriptDirectory.from_config(alembic_config()).get_current_head()


def test_there_is_a_stored_database_of_the_first_schema():
    assert [p.stem for p in STORED][:1] == ["0001"]


@pytest.fixture(params=STORED, ids=[p.stem for p in STORED])
def upgraded(request: pytest.FixtureRequest, tmp_path: Path):
    db = tmp_path / "kamdesk.sqlite"
    shutil.copyfile(request.param, db)
    engine = open_database(db)
    yield request.param.stem, db, engine
    engine.dispose()


def test_upgraded_schema_equals_the_models(upgraded):
    _, _, engine = upgraded
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "compare_server_default": True}
        )
        assert context.get_current_heads() == (HEAD,)
        assert compare_metadata(context, Base.metadata) == []


def test_rows_survive_the_upgrade(upgraded):
    revision, db, engine = upgraded
    with Session(engine) as s:
        customers = {c.name: c for c in s.scalars(sa.select(Customer))}
        assert set(customers) == {"杭州市数据资源管理局", "西湖区教育局"}
        bureau = customers["杭州市数据资源管理局"]
        assert bureau.monthly_spend == Decimal("45678.90")
        assert bureau.opened_at.isoformat() == "2018-05-20T02:00:00+00:00"
        assert bureau.grade_reasons == ["revenue", "strategic"]
        assert customers["西湖区教育局"].parent_id == bureau.id
        assert s.scalars(sa.select(KeyPerson.name)).all() == ["陈建国"]
        assert s.scalars(sa.select(Product.monthly_fee).order_by(Product.code)).all() == [
            Decimal("880.00"),
            Decimal("12345.67"),
        ]
        order = s.scalars(sa.select(WorkOrder)).one()
        assert (order.order_no, order.state, order.value) == (
            "GD202503030001", "dispatched", Decimal("12345.67"),
        )  # fmt: skip
        events = s.scalars(sa.select(WorkOrderEvent).order_by(WorkOrderEvent.seq)).all()
        assert [e.to_state for e in events] == ["submitted", "dispatched"]
        step = s.scalars(sa.select(WorkOrderStep)).one()
        assert events[1].payload == {"steps": [step.id]}
        assert s.scalars(sa.select(AgreementMonth.expected_revenue)).one() == Decimal("34293.55")
        assert s.scalars(sa.select(AuditEntry.entity_id)).one() == order.id
    backups = list((db.parent / "backups").glob(f"kamdesk.pre-migration.*.from-{revision}.sqlite"))
    assert len(backups) == (0 if revision == HEAD else 1)
    assert all(check_problems(b, thorough=True) is None for b in backups)


def test_upgraded_database_keeps_its_records_append_only(upgraded):
    _, _, engine = upgraded
    with pytest.raises(sa.exc.IntegrityError, match="append-only"), engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM work_order_events"))
    with pytest.raises(sa.exc.IntegrityError, match="append-only"), engine.begin() as conn:
        conn.execute(sa.text("UPDATE audit_log SET action = 'x'"))


def test_migration_backups_rotate(tmp_path: Path):
    db = tmp_path / "kamdesk.sqlite"
    shutil.copyfile(SCHEMAS / "0001.sqlite", db)
    backups = tmp_path / "backups"
    backups.mkdir()
    for day in range(1, 13):
        (backups / f"kamdesk.pre-migration.202401{day:02d}T000000000000Z.from-0001.sqlite").touch()
    open_database(db).dispose()
    kept = sorted(p.name for p in backups.glob("kamdesk.pre-migration.*.sqlite"))
    assert len(kept) == KEEP_MIGRATION_BACKUPS
    assert not kept[-1].startswith("kamdesk.pre-migration.2024")  # today's is among them
    assert kept[0].startswith("kamdesk.pre-migration.20240104")  # 12 old + 1 new - 10
