"""HQ's migrations build exactly the models' schema, on SQLite and PostgreSQL."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from kamdesk.hq.database import VERSION_TABLE, admin_engine, current_revision, migrate
from kamdesk.hq.models import Base


def test_migrated_schema_matches_the_models_and_migrating_again_is_harmless(db_url: str):
    migrate(db_url)  # second time: a no-op
    engine = admin_engine(db_url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={"compare_type": True, "version_table": VERSION_TABLE}
            )
            diff = compare_metadata(context, Base.metadata)
            tables = set(sa.inspect(conn).get_table_names())
        assert diff == []
        assert tables == {*Base.metadata.tables, VERSION_TABLE}
        assert current_revision(engine) == "hq0007"
    finally:
        engine.dispose()
