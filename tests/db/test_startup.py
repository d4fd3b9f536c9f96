"""Start-up: newer databases refused, failed migrations restored, damage never opened."""

from __future__ import annotations

import shutil
import sqlite3
import textwrap
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory
from sqlalchemy.orm import Session

from kamdesk.db import backup as backup_module
from kamdesk.db import startup
from kamdesk.db.backup import (
    check_problems,
    newest_good_backup,
    online_backup,
    restore_backup,
    rotate_backups,
)
from kamdesk.db.engine import create_sqlite_engine
from kamdesk.db.models import Customer
from kamdesk.db.startup import alembic_config, open_database
from kamdesk.errors import KamdeskError
from tests.db.conftest import add_sample

HEAD = ScriptDirectory.from_config(alembic_config()).get_current_head()


def _sql(path: Path, query: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(query).fetchall()
    finally:
        conn.close()


def _populated(db_path: Path, customers: int = 1) -> None:
    engine = open_database(db_path)
    with Session(engine) as s, s.begin():
        add_sample(s, customers=customers)
    engine.dispose()


def test_a_new_database_is_created_at_head(db_path: Path):
    engine = open_database(db_path)
    engine.dispose()
    assert _sql(db_path, "SELECT version_num FROM alembic_version") == [(HEAD,)]
    assert not (db_path.parent / "backups").exists()  # nothing to back up yet


def test_opening_a_current_database_takes_no_backup_and_keeps_rows(db_path: Path):
    _populated(db_path)
    engine = open_database(db_path)
    with Session(engine) as s:
        assert s.scalars(sa.select(Customer.name)).all() == ["杭州客户0000"]
    engine.dispose()
    assert not (db_path.parent / "backups").exists()


def test_a_database_from_a_newer_app_is_refused_untouched(db_path: Path):
    _populated(db_path)
    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute("UPDATE alembic_version SET version_num = '0042_from_the_future'")
    conn.close()
    before = db_path.read_bytes()
    with pytest.raises(KamdeskError) as caught:
        open_database(db_path)
    assert caught.value.code == "db.newer_than_app"
    assert caught.value.params["revision"] == "0042_from_the_future"
    assert db_path.read_bytes() == before
    assert not (db_path.parent / "backups").exists()


def test_a_foreign_sqlite_file_is_not_taken_over(db_path: Path):
    db_path.parent.mkdir(parents=True)
    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY, name TEXT)")
    conn.close()
    with pytest.raises(KamdeskError) as caught:
        open_database(db_path)
    assert caught.value.code == "db.not_kamdesk"
    assert _sql(db_path, "SELECT name FROM sqlite_master WHERE type='table'") == [("photos",)]


def _failing_script_location(tmp_path: Path, body: str) -> Path:
    """A copy of the app's migrations plus a last revision that fails after writing."""
    scripts = tmp_path / "migrations"
    shutil.copytree(startup.MIGRATIONS_DIR, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    source = f'''
        """A migration that breaks half-way (test only)."""
        import sqlalchemy as sa
        from alembic import op

        revision = "9999"
        down_revision = "{HEAD}"
        branch_labels = None
        depends_on = None


        def upgrade():
            with op.batch_alter_table("customers") as batch:
                batch.add_column(sa.Column("vip_note", sa.Text(), nullable=True))
            op.execute("UPDATE customers SET name = 'overwritten by the broken migration'")
{textwrap.indent(textwrap.dedent(body), " " * 12)}
            raise RuntimeError("simulated failure in migration 9999")


        def downgrade():
            pass
    '''
    (scripts / "versions" / "9999_breaks.py").write_text(textwrap.dedent(source), "utf-8")
    return scripts


@pytest.mark.parametrize(
    "body",
    [
        "pass",
        # A migration that commits behind Alembic's back: only the backup can undo it.
        'op.get_bind().exec_driver_sql("COMMIT")',
    ],
    ids=["rolled-back", "committed-half-way"],
)
def test_a_failed_migration_is_restored_from_the_backup_it_names(
    tmp_path: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch, body: str
):
    _populated(db_path, customers=3)
    monkeypatch.setattr(startup, "MIGRATIONS_DIR", _failing_script_location(tmp_path, body))

    with pytest.raises(KamdeskError) as caught:
        open_database(db_path)

    error = caught.value
    assert error.code == "db.migration_failed"
    backup = Path(str(error.params["backup"]))
    assert backup.parent == db_path.parent / "backups"
    assert f"from-{HEAD}" in backup.name
    assert str(backup) in error.message()
    assert "simulated failure" in error.message()
    assert check_problems(backup, thorough=True) is None
    # Never stamped, schema and rows as before.
    assert _sql(db_path, "SELECT version_num FROM alembic_version") == [(HEAD,)]
    assert "vip_note" not in {row[1] for row in _sql(db_path, "PRAGMA table_info(customers)")}
    names = [r[0] for r in _sql(db_path, "SELECT name FROM customers ORDER BY name")]
    assert names == ["杭州客户0000", "杭州客户0001", "杭州客户0002"]
    assert check_problems(db_path) is None

    monkeypatch.undo()
    engine = open_database(db_path)  # the app as shipped opens it normally again
    engine.dispose()


def _corrupt_table(path: Path, table: str) -> None:
    """Overwrite the root page of ``table`` with junk, as a failing disk would."""
    page_size, root = (
        _sql(path, "PRAGMA page_size")[0][0],
        _sql(path, f"SELECT rootpage FROM sqlite_master WHERE name = '{table}'")[0][0],
    )
    with path.open("r+b") as fh:
        fh.seek((int(root) - 1) * int(page_size))  # type: ignore[call-overload]
        fh.write(b"\xa5" * int(page_size))  # type: ignore[call-overload]


def test_a_damaged_database_is_refused_and_the_newest_good_backup_offered(db_path: Path):
    _populated(db_path, customers=200)
    backups = db_path.parent / "backups"
    engine = open_database(db_path)
    good = online_backup(engine, backups / "kamdesk.daily.20250301.sqlite")
    newer_but_bad = online_backup(engine, backups / "kamdesk.daily.20250302.sqlite")
    engine.dispose()
    _corrupt_table(newer_but_bad, "customers")
    _corrupt_table(db_path, "customers")
    damaged_bytes = db_path.read_bytes()

    with pytest.raises(KamdeskError) as caught:
        open_database(db_path)
    assert caught.value.code == "db.damaged"
    assert caught.value.params == {"path": str(db_path), "backup": str(good)}
    assert str(good) in caught.value.message()
    assert newest_good_backup(backups) == good

    kept = restore_backup(good, db_path)
    assert kept is not None and kept.read_bytes() == damaged_bytes  # kept for IT
    engine = open_database(db_path)
    with Session(engine) as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(Customer)) == 200
    engine.dispose()


def test_a_damaged_database_without_any_good_backup_says_so(db_path: Path):
    _populated(db_path, customers=200)
    _corrupt_table(db_path, "customers")
    with pytest.raises(KamdeskError) as caught:
        open_database(db_path)
    assert caught.value.code == "db.damaged_no_backup"
    assert caught.value.params["backup"] == ""


def test_restore_refuses_a_bad_backup_and_moves_nothing(tmp_path: Path, db_path: Path):
    _populated(db_path)
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"not a database at all" * 100)
    before = db_path.read_bytes()
    with pytest.raises(KamdeskError) as caught:
        restore_backup(bad, db_path)
    assert caught.value.code == "db.backup_unusable"
    assert db_path.read_bytes() == before


def test_an_online_backup_holds_commits_still_in_the_wal_and_no_uncommitted_ones(
    tmp_path: Path, db_path: Path
):
    engine = open_database(db_path)
    with Session(engine) as s, s.begin():
        add_sample(s, customers=5)
    assert Path(f"{db_path}-wal").stat().st_size > 0  # the commit is only in the WAL
    with engine.connect() as writer:
        pending = writer.begin()
        writer.execute(sa.delete(Customer).where(Customer.name == "杭州客户0004"))
        backup = online_backup(engine, tmp_path / "copy.sqlite")
        pending.rollback()
    engine.dispose()
    assert not Path(f"{backup}-wal").exists()
    assert _sql(backup, "PRAGMA journal_mode") == [("delete",)]
    assert _sql(backup, "SELECT count(*) FROM customers") == [(5,)]
    assert _sql(db_path, "SELECT count(*) FROM customers") == [(5,)]  # delete rolled back


def test_an_unwritable_backup_is_a_clear_error(tmp_path: Path, db_path: Path):
    engine = open_database(db_path)
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    try:
        with pytest.raises(KamdeskError) as caught:
            online_backup(engine, blocker / "backup.sqlite")
        assert caught.value.code == "db.backup_failed"
    finally:
        engine.dispose()


def test_backups_rotate_keeping_the_newest(tmp_path: Path):
    for day in range(1, 13):
        (tmp_path / f"kamdesk.pre-migration.202501{day:02d}T000000000000Z.from-0001.sqlite").touch()
    (tmp_path / "kamdesk.daily.20250101.sqlite").touch()
    deleted = rotate_backups(tmp_path, "kamdesk.pre-migration.*.sqlite", keep=10)
    assert sorted(p.name for p in deleted) == [
        "kamdesk.pre-migration.20250101T000000000000Z.from-0001.sqlite",
        "kamdesk.pre-migration.20250102T000000000000Z.from-0001.sqlite",
    ]
    assert len(list(tmp_path.glob("kamdesk.pre-migration.*"))) == 10
    assert (tmp_path / "kamdesk.daily.20250101.sqlite").exists()


def test_paths_with_chinese_spaces_and_hashes_work_end_to_end(tmp_path: Path):
    db = tmp_path / "客户 数据 #1" / "杭州 分公司.sqlite"
    db.parent.mkdir()
    shutil.copyfile(Path(__file__).parent.parent / "data" / "schemas" / "0001.sqlite", db)
    engine = open_database(db)  # quick_check, backup, upgrade
    engine.dispose()
    (backup,) = (db.parent / "backups").glob("杭州 分公司.pre-migration.*.from-0001.sqlite")
    assert newest_good_backup(db.parent / "backups", db_name=db.stem) == backup
    assert _sql(db, "SELECT version_num FROM alembic_version") == [(HEAD,)]


def test_a_file_system_without_wal_is_refused():
    engine = create_sqlite_engine(Path(":memory:"))  # journal_mode answers "memory"
    with pytest.raises(KamdeskError) as caught:
        engine.connect()
    assert caught.value.code == "db.wal_unavailable"


def test_a_restore_that_fails_half_way_puts_the_database_back(
    tmp_path: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
):
    _populated(db_path)
    good = online_backup(db_path, tmp_path / "good.sqlite")
    before = db_path.read_bytes()

    def disk_full(_backup: Path, path: Path) -> None:
        path.write_bytes(b"half")
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(backup_module, "restore_in_place", disk_full)
    with pytest.raises(KamdeskError) as caught:
        restore_backup(good, db_path)
    assert caught.value.code == "db.restore_not_done"
    assert db_path.read_bytes() == before
    assert list(db_path.parent.glob("*.replaced-*")) == []
