"""The shared column types behave the same on PostgreSQL (HQ's production store)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
import sqlalchemy as sa

from kamdesk.db.models import Base, Branch, Product

pytestmark = pytest.mark.postgres


@pytest.fixture()
def pg_engine(pg_admin_url: str):
    admin = sa.create_engine(pg_admin_url, isolation_level="AUTOCOMMIT")
    name = "kamdesk_models_test"
    with admin.connect() as conn:
        conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        conn.execute(sa.text(f"CREATE DATABASE {name}"))
    engine = sa.create_engine(pg_admin_url.rsplit("/", 1)[0] + f"/{name}")
    yield engine
    engine.dispose()
    with admin.connect() as conn:
        conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    admin.dispose()


def test_every_table_creates_and_money_and_instants_round_trip(pg_engine: sa.Engine):
    Base.metadata.create_all(pg_engine)
    beijing = timezone(timedelta(hours=8))
    issued = datetime(2026, 2, 13, 17, 30, tzinfo=beijing)
    with sa.orm.Session(pg_engine) as s, s.begin():
        s.add(Branch(code="HZ", name="杭州分公司"))
        s.add(
            Product(
                code="DDN",
                name="DDN数字电路",
                family="circuit",
                promised_days=5,
                monthly_fee=Decimal("12345.67"),
                created_at=issued,
            )
        )
    with sa.orm.Session(pg_engine) as s:
        product = s.scalars(sa.select(Product)).one()
        assert product.monthly_fee == Decimal("12345.67")
        assert product.created_at == issued
        assert product.created_at.tzinfo is not None
        assert product.created_at.astimezone(UTC).hour == 9
        total = s.execute(sa.text("select sum(monthly_fee) from products")).scalar_one()
        assert total == 1234567  # fen: exact integers, summable in SQL
