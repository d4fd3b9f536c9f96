"""Loopback HQ server, in-memory keyring, desktops and checksums for sync tests
(the fault proxy is :mod:`tests.hq.fault_proxy`)."""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import keyring
import sqlalchemy as sa
import uvicorn
from sqlalchemy import select

from kamdesk.db.models import Base, OutboxEntry
from kamdesk.db.startup import open_database
from kamdesk.hq import admin
from kamdesk.hq.app import create_app
from kamdesk.hq.models import SyncRow
from kamdesk.hq.publish import publish_rows
from kamdesk.services.sync import SyncService
from kamdesk.sync.capture import json_value
from tests.hq.fault_proxy import free_port
from tests.memory_keyring import MemoryKeyring

COMPARED_TABLES = ("branches", "staff", "customers", "key_persons", "visits")
NOT_COMPARED = frozenset({"row_version", "updated_hlc", "field_hlc"})


@contextmanager
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


@contextmanager
def serve_hq(db_url: str) -> Iterator[str]:
    """``create_app(db_url)`` on uvicorn in a thread, on a free loopback port."""
    port = free_port()
    config = uvicorn.Config(create_app(db_url), host="127.0.0.1", port=port, log_level="error")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "HQ did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@dataclass
class Desk:
    """One desktop: its database and its sync service."""

    name: str
    engine: sa.Engine
    sync: SyncService

    def outbox(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.scalar(select(sa.func.count()).select_from(OutboxEntry)) or 0)

    def rows(self, table: str) -> list[dict[str, Any]]:
        t = Base.metadata.tables[table]
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(select(t).order_by(t.c.id)).mappings()]


def open_desk(tmp_path: Path, name: str) -> Desk:
    engine = open_database(tmp_path / f"{name}.sqlite")
    return Desk(name, engine, SyncService(engine))


def checksum_desk(desk: Desk, table: str) -> str:
    rows = [(row["id"], int(row["row_version"]), _doc(row)) for row in desk.rows(table)]
    return hashlib.sha256(json.dumps(sorted(rows), ensure_ascii=False).encode()).hexdigest()


def checksum_hq(admin_db: sa.Engine, branch_id: str, table: str) -> str:
    with sa.orm.Session(admin_db) as session:
        found = session.scalars(
            select(SyncRow).where(SyncRow.branch_id == branch_id, SyncRow.table_name == table)
        ).all()
        rows = [(r.row_id, r.row_version, _doc({**r.payload, "id": r.row_id})) for r in found]
    return hashlib.sha256(json.dumps(sorted(rows), ensure_ascii=False).encode()).hexdigest()


def _doc(row: dict[str, Any]) -> str:
    clean = {k: json_value(v) for k, v in row.items() if k not in NOT_COMPARED}
    return json.dumps(clean, sort_keys=True, ensure_ascii=False)


def publish_branch(admin_db: sa.Engine, code: str, name: str) -> dict[str, str]:
    """A branch at HQ with its reference rows (the branch itself and one account manager)."""
    branch = admin.add_branch(admin_db, code, name)
    staff_id = f"staff-{code.lower()}"
    stamp = "2026-12-01T00:00:00+00:00"
    common = {"created_at": stamp, "updated_at": stamp, "deleted_at": None, "deleted_by": None}
    publish_rows(
        admin_db,
        code,
        "branches",
        [{"id": branch.id, "code": code, "name": name, "region": "", "address": "", **common}],
    )
    publish_rows(
        admin_db,
        code,
        "staff",
        [
            {
                "id": staff_id,
                "branch_id": branch.id,
                "login": f"am-{code.lower()}",
                "name": "客户经理",
                "role": "am",
                "title": "",
                "industry_group_id": None,
                "workstation_id": None,
                "mobile": "",
                "email": "",
                "active": True,
                "password_hash": None,
                "hired_on": None,
                **common,
            }
        ],
    )
    return {"branch_id": branch.id, "staff_id": staff_id, "code": code}
