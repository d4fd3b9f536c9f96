"""Alembic environment for HQ's own database (SQLite or PostgreSQL).

Two ways in:
- :func:`kamdesk.hq.database.migrate` passes an open Connection in
  ``config.attributes["connection"]`` (the usual path: ``kamdesk-hq serve`` and every
  admin command migrate first);
- a developer runs ``alembic -c <ini with script_location=kamdesk/hq/migrations>
  -x db=URL revision --autogenerate -m ...``.

The version table is ``hq_alembic_version``, so HQ's history never mixes with the
desktop's. Batch mode is on for SQLite. Autogenerate writes ``UtcDateTime`` as
``sa.DateTime(timezone=True)``, so a migration never imports application types.
"""

from __future__ import annotations

from typing import Any, Literal

from alembic import context
from sqlalchemy.engine import Connection
from sqlalchemy.types import TypeDecorator

from kamdesk.hq.database import VERSION_TABLE, admin_engine
from kamdesk.hq.models import Base

config = context.config


def render_item(type_: str, obj: Any, autogen_context: Any) -> str | Literal[False]:
    """Render KAMDesk TypeDecorators as their SQLAlchemy storage type."""
    if (
        type_ == "type"
        and isinstance(obj, TypeDecorator)
        and type(obj).__module__.startswith("kamdesk.")
    ):
        return f"sa.{obj.impl_instance!r}"
    return False


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        version_table=VERSION_TABLE,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        render_item=render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = context.get_x_argument(as_dictionary=True).get("db") or config.get_main_option(
        "sqlalchemy.url"
    )
    if not url:
        raise SystemExit("give the database: alembic -x db=URL ... or sqlalchemy.url")
    engine = admin_engine(url)
    try:
        with engine.connect() as conn:
            _run(conn)
            conn.commit()
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise SystemExit("HQ migrations run online only (they create roles and policies).")
run_migrations_online()
