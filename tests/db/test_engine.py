"""The engine: durable pragmas on every connection, real transactions, exact money."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from kamdesk.db.engine import create_sqlite_engine, session_factory
from kamdesk.db.models import Customer, Product
from tests.db.conftest import add_sample

BEIJING = timezone(timedelta(hours=8))


def _pragmas(conn: sa.Connection) -> dict[str, object]:
    return {
        name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()
        for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
    }


def test_every_pooled_connection_gets_the_durability_pragmas(tmp_path: Path):
    engine = create_sqlite_engine(tmp_path / "p.sqlite")
    try:
        with engine.connect() as first, engine.connect() as second:
            assert first.connection.dbapi_connection is not second.connection.dbapi_connection
            expected = {
                "journal_mode": "wal",
                "synchronous": 2,
                "foreign_keys": 1,
                "busy_timeout": 5000,
            }
            assert _pragmas(first) == expected
            assert _pragmas(second) == expected
    finally:
        engine.dispose()


def test_foreign_keys_are_enforced(engine: sa.Engine):
    with Session(engine) as s, s.begin():
        add_sample(s)
    with Session(engine) as s, pytest.raises(sa.exc.IntegrityError, match="FOREIGN KEY"), s.begin():
        s.add(
            Customer(
                branch_id="no-such-branch",
                name="孤儿客户",
                credit_code="x",
                category="c",
                level="l",
                grade="C",
                opened_at=datetime(2025, 1, 1, tzinfo=BEIJING),
            )
        )


def test_ddl_rolls_back_with_its_transaction(tmp_path: Path):
    engine = create_sqlite_engine(tmp_path / "ddl.sqlite")
    try:
        with pytest.raises(RuntimeError), engine.begin() as conn:
            conn.exec_driver_sql("CREATE TABLE half_done (x INTEGER)")
            raise RuntimeError("stop")
        with engine.connect() as conn:
            assert "half_done" not in sa.inspect(conn).get_table_names()
    finally:
        engine.dispose()


def test_a_transaction_reads_one_snapshot_while_others_commit(engine: sa.Engine):
    with Session(engine) as s, s.begin():
        add_sample(s, customers=3)
    count = sa.select(sa.func.count()).select_from(Customer)
    with engine.connect() as reader:
        with reader.begin():
            before = reader.execute(count).scalar_one()
            with Session(engine) as writer, writer.begin():
                writer.execute(sa.delete(Customer).where(Customer.name == "杭州客户0002"))
            assert reader.execute(count).scalar_one() == before == 3
        assert reader.execute(count).scalar_one() == 2


def test_a_savepoint_rolls_back_alone(engine: sa.Engine):
    with Session(engine) as s, s.begin():
        add_sample(s)
        try:
            with s.begin_nested():
                s.add(Product(code="CLOUD", name="天翼云", family="cloud", promised_days=3))
                s.flush()
                raise RuntimeError("undo the product only")
        except RuntimeError:
            pass
    with Session(engine) as s:
        assert s.scalars(sa.select(Product.code)).all() == ["DDN"]


def test_immediate_begin_is_available_per_engine(engine: sa.Engine):
    writer = engine.execution_options(kamdesk_begin="IMMEDIATE")
    with writer.begin() as conn:
        # Inside an IMMEDIATE transaction this connection already holds the write lock,
        # so a second writer cannot start one (it would wait, then fail).
        other = create_sqlite_engine(Path(engine.url.database or ""))
        try:
            with other.connect() as blocked:
                blocked.exec_driver_sql("PRAGMA busy_timeout=50")
                with pytest.raises(sa.exc.OperationalError, match="locked"):
                    blocked.exec_driver_sql("BEGIN IMMEDIATE")
        finally:
            other.dispose()
        conn.exec_driver_sql("SELECT 1")


def test_money_round_trips_exactly_and_sums_in_fen(engine: sa.Engine):
    fees = [Decimal("12345.67"), Decimal("0.10"), Decimal("0.20"), Decimal("99999999.99")]
    with Session(engine) as s, s.begin():
        for i, fee in enumerate(fees):
            s.add(
                Product(code=f"P{i}", name=f"产品{i}", family="f", promised_days=1, monthly_fee=fee)
            )
    with Session(engine) as s:
        stored = s.scalars(sa.select(Product.monthly_fee).order_by(Product.code)).all()
        assert stored == fees
        assert all(isinstance(v, Decimal) for v in stored)
        total_fen = s.execute(sa.text("SELECT sum(monthly_fee) FROM products")).scalar_one()
        assert Decimal(total_fen) / 100 == sum(fees) == Decimal("100012345.96")


def test_float_money_is_refused(engine: sa.Engine):
    with (
        Session(engine) as s,
        pytest.raises(sa.exc.StatementError, match="Decimal, not float"),
        s.begin(),
    ):
        s.add(Product(code="F", name="浮点", family="f", promised_days=1, monthly_fee=0.1))


def test_aware_instants_round_trip_and_naive_ones_are_refused(engine: sa.Engine):
    signed = datetime(2026, 2, 13, 17, 30, 5, 123456, tzinfo=BEIJING)
    with Session(engine) as s, s.begin():
        add_sample(s)
        s.execute(sa.update(Customer).values(last_visit_at=signed))
    with Session(engine) as s:
        back = s.scalars(sa.select(Customer.last_visit_at)).one()
        assert back == signed
        assert back.utcoffset() == timedelta(0)
        assert back.astimezone(BEIJING).hour == 17
    naive = datetime(2026, 2, 13, 17, 30)
    with (
        Session(engine) as s,
        pytest.raises(sa.exc.StatementError, match="naive datetime"),
        s.begin(),
    ):
        s.execute(sa.update(Customer).values(last_visit_at=naive))


def test_session_factory_keeps_objects_readable_after_commit(engine: sa.Engine):
    make = session_factory(engine)
    with make() as s, s.begin():
        product = Product(code="X", name="专线", family="f", promised_days=2)
        s.add(product)
    assert product.name == "专线"  # no refresh after commit, no DetachedInstanceError
