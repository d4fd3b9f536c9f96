"""Alembic environment for the desktop database (SQLite, batch mode).

Two ways in:
- the app (:func:`kamdesk.db.startup.upgrade_to_head`) passes an open Connection,
  already inside its one migration transaction, in ``config.attributes["connection"]``;
- a developer runs ``alembic`` from the repository root (``alembic.ini``): the URL
  comes from ``-x db=PATH`` or ``sqlalchemy.url``, and the same migration
  transaction is used (IMMEDIATE, foreign keys off, checked before commit).

Every migration runs in batch mode (``render_as_batch``): SQLite cannot ALTER most
things, so Alembic rebuilds the table. Hazard: a rebuild drops the table's triggers;
a batch migration on ``audit_log`` or ``work_order_events`` must create the
append-only triggers again (see revision 0002).

Autogenerate writes KAMDesk's column types (``Money``, ``AwareDateTime``) as their
storage types (INTEGER, DATETIME), so a migration never imports application code
that may change later.
"""

from __future__ import annotations

from logging.config import fileConfig
from pathlib import Path
from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy import make_url
from sqlalchemy.engine import Connection
from sqlalchemy.types import TypeDecorator

from kamdesk.db.engine import create_sqlite_engine
from kamdesk.db.models import Base
from kamdesk.db.startup import migration_connection

config = context.config
target_metadata = Base.metadata

if config.config_file_name is not None and "connection" not in config.attributes:
    fileConfig(config.config_file_name, disable_existing_loggers=False)


def render_item(type_: str, obj: Any, autogen_context: AutogenContext) -> str | Literal[False]:
    """Render KAMDesk TypeDecorators as their SQLAlchemy storage type."""
    if (
        type_ == "type"
        and isinstance(obj, TypeDecorator)
        and type(obj).__module__.startswith("kamdesk.")
    ):
        return f"sa.{obj.impl_instance!r}"
    return False


def _configure(**kwargs: Any) -> None:
    context.configure(
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
        transactional_ddl=True,  # kamdesk.db.engine emits real BEGINs
        render_item=render_item,
        **kwargs,
    )


def _database_path() -> Path:
    url = context.get_x_argument(as_dictionary=True).get("db") or config.get_main_option(
        "sqlalchemy.url"
    )
    if not url:
        raise SystemExit("give the database: alembic -x db=PATH ... or sqlalchemy.url")
    if "://" in url:
        url = make_url(url).database or ""
    return Path(url)


def run_migrations_offline() -> None:
    """Write the SQL to stdout (``alembic upgrade --sql``) instead of running it."""
    _configure(url=f"sqlite:///{_database_path()}", literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def _run(connection: Connection) -> None:
    _configure(connection=connection)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = create_sqlite_engine(_database_path())
    try:
        with migration_connection(engine) as conn:
            _run(conn)
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
