"""Bulk loading of generated rows into a brand-new SQLite database.

:class:`BulkLoader` takes one pooled connection of the caller's engine and, for the
duration of the load only:

- sets ``journal_mode=OFF`` and ``synchronous=OFF``: nothing is written twice (WAL,
  then checkpoint) and nothing waits for the disk. A crash or power cut during the
  load damages a file that is marked incomplete and must be deleted anyway;
- sets ``foreign_keys=OFF`` (the tests run ``PRAGMA foreign_key_check``) and a
  256 MB page cache;
- drops the indexes the caller names (those on keys that arrive in random order,
  which would cost a B-tree search per row) and creates them again from their own
  stored SQL at the end, so each is built once, sorted. Indexes on keys that grow
  with the load (ids, times of time-ordered orders) stay: appending is cheap.

Rows are written with :func:`.writer.write_batch` (already-converted values: fen as
``int``, times as the text ``AwareDateTime`` stores), one transaction per chunk, by
this connection or by worker processes through their own connections, in chunk
order (see :mod:`.runner`). :meth:`close`
always restores the indexes and the engine's pragmas (``journal_mode=WAL``,
``synchronous=FULL``, ``foreign_keys=ON``) before the connection returns to the
pool, also after an error or a cancel. Hazard: a process killed mid-load leaves the
file without indexes and possibly damaged; it is marked incomplete (see
:mod:`.generate`) and must be deleted.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Engine

from kamdesk.errors import KamdeskError, define
from kamdesk.i18n import N_
from kamdesk.services.demo.writer import insert_statements, tune, write_batch

define({"demo.not_sqlite": N_("Demo data can only be generated into a SQLite database.")})


LOAD_PAGE_SIZE = 16_384
"""Bytes per page of a demo file: a quarter of the pages (and of the writes, B-tree
splits and page headers) of SQLite's default 4 KiB, for a file of many gigabytes."""


class BulkLoader:
    """One connection, tuned for a fast load, restored on :meth:`close`."""

    def __init__(self, engine: Engine, hlc: str) -> None:
        if engine.dialect.name != "sqlite":
            raise KamdeskError("demo.not_sqlite")
        self.statements = insert_statements(hlc)
        self.path = str(engine.url.database or "")
        self._pooled = engine.raw_connection()
        driver = self._pooled.driver_connection
        assert isinstance(driver, sqlite3.Connection)
        self.db: sqlite3.Connection = driver
        self.counts: dict[str, int] = {}
        self._dropped: list[tuple[str, str]] = []
        self._closed = False
        self.journal_off = False
        self._tuned = False

    def tune(self) -> None:
        """Switch to the loading pragmas (see :func:`.writer.tune`) and, while the file
        holds no rows yet, to :data:`LOAD_PAGE_SIZE` pages."""
        self.journal_off = tune(self.db)
        self._tuned = True
        if self.journal_off:  # WAL keeps the page size it was created with
            self.db.execute(f"PRAGMA page_size={LOAD_PAGE_SIZE}")
            self.db.execute("VACUUM")

    def drop_indexes(self, names: Sequence[str]) -> None:
        """Drop these indexes now; :meth:`close` creates them again from their own SQL."""
        self.db.execute("BEGIN")
        for name in names:
            found = self.db.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?", (name,)
            ).fetchone()
            if found is None or found[0] is None:
                continue
            self.db.execute(f'DROP INDEX "{name}"')
            self._dropped.append((name, found[0]))
        self.db.execute("COMMIT")

    def insert(self, batch: Mapping[str, Sequence[tuple[Any, ...]]]) -> int:
        """Insert rows made in this process, in one transaction; returns rows written."""
        return self.add_counts(write_batch(self.db, self.statements, batch))

    def add_counts(self, counts: Mapping[str, int]) -> int:
        """Count rows written (here or by a worker process)."""
        for table, count in counts.items():
            self.counts[table] = self.counts.get(table, 0) + count
        return sum(counts.values())

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self.execute_many(sql, [params])

    def execute_many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        """``sql`` once per row of parameters, in one transaction."""
        self.db.execute("BEGIN")
        self.db.executemany(sql, rows)
        self.db.execute("COMMIT")

    def rebuild_indexes(self) -> None:
        while self._dropped:
            name, sql = self._dropped[0]
            self.db.execute("BEGIN")
            self.db.execute(sql)
            self.db.execute("COMMIT")
            self._dropped.pop(0)

    def analyze(self) -> None:
        """Statistics for the query planner (sampled, so seconds even on 1M orders)."""
        self.db.execute("PRAGMA analysis_limit=1000")
        self.db.execute("ANALYZE")

    def close(self) -> None:
        """Indexes back, pragmas back to the engine's, WAL checkpointed, connection returned."""
        if self._closed:
            return
        self._closed = True
        try:
            if self.db.in_transaction:
                self.db.execute("ROLLBACK")
            self.rebuild_indexes()
        finally:
            if self._tuned:
                if self.journal_off:
                    self.db.execute("PRAGMA journal_mode=WAL")
                self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                self.db.execute("PRAGMA synchronous=FULL")
                self.db.execute("PRAGMA foreign_keys=ON")
                self.db.execute("PRAGMA cache_size=-2000")
                self.db.execute("PRAGMA temp_store=DEFAULT")
            self._pooled.close()
