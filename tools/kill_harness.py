"""Crash safety: kill the writer process at random points and check nothing committed is lost.

    python tools/kill_harness.py --kills 200 [--db FILE]

A writer subprocess opens the database the way the app does and loops over units of
work (``write_session`` with an actor: a customer row, its outbox entry and its audit
entry), printing each number only after its commit returned. The harness kills it
with SIGKILL after a random delay, then checks that ``PRAGMA integrity_check`` is ok,
that every number the writer reported committed is in the database, and that the
audit chain still verifies. The audit key lives in a file keyring beside the
database so every writer run signs with the same key. Exit 0 when all kills pass.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import keyring
from keyring.backend import KeyringBackend

KEYRING_FILE = "KAMDESK_HARNESS_KEYRING"


class FileKeyring(KeyringBackend):
    """Secrets in a JSON file named by ``$KAMDESK_HARNESS_KEYRING`` (harness only)."""

    priority = 1  # type: ignore[assignment]

    def _load(self) -> dict[str, str]:
        path = Path(os.environ[KEYRING_FILE])
        return json.loads(path.read_text()) if path.exists() else {}

    def get_password(self, service: str, username: str) -> str | None:
        return self._load().get(f"{service}\n{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        data = self._load()
        data[f"{service}\n{username}"] = password
        Path(os.environ[KEYRING_FILE]).write_text(json.dumps(data))

    def delete_password(self, service: str, username: str) -> None:
        data = self._load()
        data.pop(f"{service}\n{username}", None)
        Path(os.environ[KEYRING_FILE]).write_text(json.dumps(data))


def writer(db: Path, start: int) -> None:
    """Commit customers start, start+1, … forever, printing each number once committed."""
    from kamdesk.db.models import Customer, Staff
    from kamdesk.db.startup import open_database
    from kamdesk.domain.clock import utcnow
    from kamdesk.services.actor import Actor
    from kamdesk.services.uow import write_session

    keyring.set_keyring(FileKeyring())
    engine = open_database(db)
    with write_session(engine) as s:
        staff = s.query(Staff).one()
        actor = Actor(staff.id, staff.name, staff.role, staff.branch_id)
    print("ready", flush=True)
    n = start
    while True:
        with write_session(engine, actor=actor) as s:
            s.add(
                Customer(
                    branch_id=actor.branch_id,
                    name=f"k{n:06d}",
                    credit_code="11330100MB1234567E",
                    category="government",
                    level="provincial",
                    grade="A",
                    owner_id=actor.staff_id,
                    opened_at=utcnow(),
                )
            )
        print(n, flush=True)
        n += 1


def prepare(db: Path) -> None:
    from kamdesk.db.models import Branch, Staff
    from kamdesk.db.startup import open_database
    from kamdesk.services.uow import write_session

    keyring.set_keyring(FileKeyring())
    engine = open_database(db)
    with write_session(engine) as s:
        branch = Branch(code="HZ", name="杭州分公司")
        s.add(branch)
        s.flush()
        s.add(Staff(branch_id=branch.id, login="writer", name="写入者", role="am"))
    engine.dispose()


def one_kill(db: Path, start: int, rng: random.Random) -> list[int]:
    """Run the writer, kill it at a random point; returns the numbers it reported."""
    proc = subprocess.Popen(
        [sys.executable, __file__, "--writer", str(db), "--start", str(start)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    if proc.stdout.readline().strip() != "ready":
        proc.kill()
        raise RuntimeError("writer did not start")
    time.sleep(rng.uniform(0.0, 0.3))  # the random kill point, not synchronisation
    proc.send_signal(signal.SIGKILL)
    out, _ = proc.communicate()
    return [int(line) for line in out.split() if line.isdigit()]


def check(db: Path, committed: list[int]) -> str | None:
    """The first problem after a kill, or None."""
    from kamdesk.db.backup import check_problems

    problem = check_problems(db, thorough=True)
    if problem is not None:
        return f"integrity_check: {problem}"
    conn = sqlite3.connect(db)
    try:
        names = {row[0] for row in conn.execute("SELECT name FROM customers")}
    finally:
        conn.close()
    lost = [n for n in committed if f"k{n:06d}" not in names]
    return f"lost committed transactions {lost[:5]}" if lost else None


def run(kills: int, db: Path, seed: int) -> int:
    from kamdesk.db.startup import open_database
    from kamdesk.services.audit import verify_chain

    keyring.set_keyring(FileKeyring())
    prepare(db)
    rng = random.Random(seed)
    next_number, total, failures = 0, 0, 0
    started = time.monotonic()
    for kill in range(1, kills + 1):
        committed = one_kill(db, next_number, rng)
        problem = check(db, committed)
        total += len(committed)
        # a transaction killed after COMMIT but before its print may exist: skip past it
        next_number = (committed[-1] if committed else next_number) + 2
        if problem is not None:
            failures += 1
            print(f"kill {kill}: {problem}", file=sys.stderr)
    engine = open_database(db)
    try:
        report = verify_chain(engine)
    finally:
        engine.dispose()
    seconds = time.monotonic() - started
    print(
        f"{kills} kills, {total} committed transactions reported, {failures} kills with "
        f"problems, audit chain {'ok' if report.ok else report.problem} "
        f"({report.entries} entries), {seconds:.0f} s"
    )
    return 0 if failures == 0 and report.ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=200)
    parser.add_argument("--db", type=Path)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--writer", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--start", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="kamdesk-kill-"))
    db: Path = args.writer or args.db or folder / "kill.sqlite"
    os.environ.setdefault(KEYRING_FILE, str(db.with_suffix(".keyring.json")))
    if args.writer:
        writer(args.writer, args.start)
        return 0
    return run(args.kills, db, args.seed)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    sys.exit(main())
