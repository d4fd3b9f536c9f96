"""The desktop sync engine: register once, then ``sync_once`` pushes and pulls.

One round (:meth:`SyncEngine.sync_once`): snapshot never-captured rows once, push
frozen batches until the outbox is empty (each acknowledgement stored in one
transaction), report the audit chain's head (:mod:`kamdesk.sync.audit_head`), then
pull pages until HQ has nothing newer (each page and its cursor in one transaction).
When HQ says the cursor is older than its tombstone horizon (a delete may have been
missed), the round re-snapshots instead: every page again, then local rows HQ no
longer holds are removed (:meth:`SyncEngine._reconcile`).
The round stops between units when cancelled; whatever was done stays done and the
next round continues from there.

Guarantees: see :mod:`kamdesk.sync.outbox` (G1, G2, G5) and :mod:`kamdesk.sync.apply`
(G5, G6). G7: :func:`backoff_delay` spaces retries with jitter so a timer keeps
draining a waiting outbox when HQ comes back, with no new local write needed.

Hazard: rows applied from HQ are written with foreign keys unchecked for the
transaction (a row may arrive before the row it points to); HQ's copy is the truth.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kamdesk.db.engine import BEGIN_OPTION
from kamdesk.db.models import SYNCED_TABLES, Blob, OutboxEntry, SyncLogEntry
from kamdesk.domain.clock import utcnow
from kamdesk.domain.progress import CancelCheck, Progress, check_cancel
from kamdesk.errors import KamdeskError, define
from kamdesk.i18n import N_, tr
from kamdesk.sync import outbox, rows, state, tokens
from kamdesk.sync.apply import apply_page
from kamdesk.sync.audit_head import AuditTrail, report_head
from kamdesk.sync.capture import APPLYING, device_clock
from kamdesk.sync.client import HqClient
from kamdesk.sync.messages import (
    MAX_MISSING_IDS,
    AuditHeadAnswer,
    Change,
    PushRequest,
    PushResponse,
)
from kamdesk.sync.protocol import RegisterRequest, RegisterResponse

PULL_LIMIT = 500
BLOB_COLUMNS = {"signatures": "image_sha256", "attachments": "blob_sha256"}
ClientFactory = Callable[[str, str | None, str | None], HqClient]

define(
    {
        "sync.not_registered": N_(
            "This computer is not registered with HQ yet. Register it with an HQ "
            "address and a registration code first."
        ),
        "sync.pull_blocked": N_(
            "A change from HQ clashes with a local change still waiting to be sent; "
            "the next sync sends it first and then retries."
        ),
    }
)


@dataclass(frozen=True)
class SyncReport:
    """What one round moved, and whether it finished (outbox empty, pull at HQ's head)."""

    pushed: int = 0
    rejected: int = 0
    conflicts: int = 0
    pulled: int = 0
    batches: int = 0
    outbox_left: int = 0
    cursor: int = 0
    pull_complete: bool = False
    audit: AuditHeadAnswer | None = None
    """HQ's verdict on the audit head reported this round (None: not reported)."""
    resnapshot: bool = False
    """HQ's tombstone horizon had passed this computer's cursor: it re-snapshotted."""
    removed: int = 0
    """Local records removed because HQ no longer holds them (purged tombstones)."""

    @property
    def complete(self) -> bool:
        return self.outbox_left == 0 and self.pull_complete

    def describe(self) -> str:
        text = tr(
            "Sent {pushed} changes ({rejected} refused) in {batches} batches, received "
            "{pulled} changes, {conflicts} new conflicts; {left} changes still waiting.",
            pushed=self.pushed,
            rejected=self.rejected,
            batches=self.batches,
            pulled=self.pulled,
            conflicts=self.conflicts,
            left=self.outbox_left,
        )
        if self.resnapshot or self.removed:
            text += " " + tr(
                "Everything was reloaded from HQ; {removed} records that HQ deleted long "
                "ago were removed here.",
                removed=self.removed,
            )
        return text


def backoff_delay(
    failures: int, base_s: float = 30.0, cap_s: float = 900.0, rng: random.Random | None = None
) -> float:
    """Seconds to wait after ``failures`` failed rounds: exponential, capped, full jitter."""
    if failures <= 0:
        return base_s
    ceiling = min(cap_s, base_s * 2 ** min(failures, 16))
    return (rng or random.Random()).uniform(base_s / 2, ceiling)


def _default_client(url: str, token: str | None, ca_bundle: str | None) -> HqClient:
    return HqClient(url, token, ca_bundle=ca_bundle)


class SyncEngine:
    def __init__(
        self,
        engine: Engine,
        client_factory: ClientFactory = _default_client,
        pull_limit: int = PULL_LIMIT,
        trail: AuditTrail | None = None,
    ) -> None:
        """``trail``: the audit chain whose head each round reports (None: none)."""
        self.engine = engine
        self._client_factory = client_factory
        self._pull_limit = pull_limit
        self._trail = trail

    @contextmanager
    def _write(self, applying: bool = False) -> Iterator[Session]:
        """One local write transaction; ``applying`` turns capture and foreign keys off."""
        with self.engine.connect() as conn:
            raw: Any = conn.connection.driver_connection
            if applying:
                raw.execute("PRAGMA foreign_keys=OFF")
            try:
                bind = conn.execution_options(**{BEGIN_OPTION: "IMMEDIATE"})
                with Session(bind=bind) as session:
                    session.info[APPLYING] = applying
                    with session.begin():
                        yield session
            finally:
                if applying:
                    raw.execute("PRAGMA foreign_keys=ON")

    def local_device_id(self) -> str:
        with self._write() as session:
            return device_clock(session.connection()).node

    def settings(self) -> dict[str, Any]:
        with Session(self.engine) as session:
            keys = (state.HQ_URL, state.CA_BUNDLE, state.BRANCH_CODE, state.BRANCH_NAME)
            return {k: state.read(session, k) for k in keys}

    def register(
        self, hq_url: str, code: str, device_name: str, ca_bundle: str | None = None
    ) -> RegisterResponse:
        """Trade ``code`` for a token (kept in the credential store) and remember HQ."""
        device_id = self.local_device_id()
        with self._client_factory(hq_url, None, ca_bundle) as client:
            answer = client.register(RegisterRequest(code=code, device_name=device_name))
        tokens.save_token(device_id, answer.token)
        with self._write() as session:
            state.write(session, state.HQ_URL, hq_url.rstrip("/"))
            state.write(session, state.CA_BUNDLE, ca_bundle)
            state.write(session, state.HQ_DEVICE_ID, answer.device_id)
            state.write(session, state.BRANCH_CODE, answer.branch_code)
            state.write(session, state.BRANCH_NAME, answer.branch_name)
        return answer

    def _client(self) -> HqClient:
        found = self.settings()
        token = tokens.load_token(self.local_device_id())
        if not found[state.HQ_URL] or not token:
            raise KamdeskError("sync.not_registered")
        return self._client_factory(found[state.HQ_URL], token, found[state.CA_BUNDLE])

    def sync_once(
        self, progress: Progress | None = None, cancel: CancelCheck | None = None
    ) -> SyncReport:
        """One push-then-pull round; logs it in the sync history (errors included)."""
        started = utcnow()
        tally = _Tally()
        try:
            with self._client() as client:
                self._round(client, tally, progress, cancel)
        except KamdeskError as exc:
            self._log(started, tally, exc)
            raise
        report = self._report(tally)
        self._log(started, tally, None)
        return report

    def _round(
        self, client: HqClient, tally: _Tally, progress: Progress | None, cancel: CancelCheck | None
    ) -> None:
        with self._write() as session:
            outbox.snapshot_existing(session)
        self._push_all(client, tally, progress, cancel)
        if self._trail is not None:
            check_cancel(cancel)
            tally.audit = report_head(self.engine, client, self._trail, self._write)
        try:
            self._pull_all(client, tally, progress, cancel)
        except IntegrityError:
            self._push_all(client, tally, progress, cancel)
            try:
                self._pull_all(client, tally, progress, cancel)
            except IntegrityError as exc:
                raise KamdeskError("sync.pull_blocked") from exc

    def _push_all(
        self, client: HqClient, tally: _Tally, progress: Progress | None, cancel: CancelCheck | None
    ) -> None:
        """Push every waiting change, one batch on the wire at a time, in order.

        While a batch travels (and HQ applies it), this thread freezes the next one and
        records the answer to the previous one, so the desktop's own work does not add
        to HQ's. A batch is sent only after the one before it was answered; until its
        answer is recorded it stays waiting and is sent again by the next round (HQ
        answers a replay alike: G2).
        """
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="kamdesk-push") as wire:
            upcoming = self._next_request(None)
            flight: tuple[PushRequest, Future[PushResponse]] | None = None
            while upcoming is not None or flight is not None:
                check_cancel(cancel)
                if flight is None:
                    assert upcoming is not None
                    flight = (upcoming, wire.submit(self._send, client, upcoming))
                    upcoming = self._next_request(upcoming.batch_seq)
                    continue
                request, answer = flight
                flight = None
                try:
                    response = answer.result()
                except KamdeskError as exc:
                    if exc.code != "push.sequence_gap":
                        raise
                    self._renumber(request, exc)
                    upcoming = self._next_request(None)
                    continue
                if upcoming is not None:  # on its way before this answer is recorded
                    flight = (upcoming, wire.submit(self._send, client, upcoming))
                with self._write(applying=True) as session:
                    accepted, rejected, added = outbox.record_ack(session, response)
                    left = outbox.pending_count(session)
                tally.add(pushed=accepted, rejected=rejected, conflicts=added, batches=1)
                if progress is not None:
                    progress(tally.pushed, tally.pushed + left, tr("Sending changes to HQ"))
                if upcoming is not None:
                    upcoming = self._next_request(upcoming.batch_seq)

    def _next_request(self, after: int | None) -> PushRequest | None:
        """The next batch to send after batch number ``after`` (frozen if new)."""
        with self._write() as session:
            batch = outbox.next_batch(session, after)
            return None if batch is None else outbox.request_of(session, batch)

    def _send(self, client: HqClient, request: PushRequest) -> PushResponse:
        self._upload_blobs(client, request)
        return client.push(request)

    def _renumber(self, request: PushRequest, exc: KamdeskError) -> None:
        """HQ expects a later number (this database was restored): take HQ's number."""
        expected = int(str(exc.params.get("expected", 0)))
        if expected <= request.batch_seq:
            raise exc
        with self._write() as session:
            outbox.renumber(session, expected)

    def _upload_blobs(self, client: HqClient, request: PushRequest) -> None:
        wanted = {
            str(op.payload[BLOB_COLUMNS[op.table]])
            for op in request.ops
            if op.table in BLOB_COLUMNS and op.payload.get(BLOB_COLUMNS[op.table])
        }
        for sha256 in sorted(wanted):
            with Session(self.engine) as session:
                data = session.scalar(select(Blob.data).where(Blob.sha256 == sha256))
            if data is not None:
                client.put_blob(sha256, data)

    def _pull_all(
        self, client: HqClient, tally: _Tally, progress: Progress | None, cancel: CancelCheck | None
    ) -> None:
        """Pull pages until HQ's head; below HQ's tombstone horizon, re-snapshot instead.

        A re-snapshot pulls every page again from 0 on its own cursor (the pull cursor
        never goes backwards: G5), then :meth:`_reconcile`. Each page, its cursors and
        HQ's head commit together, so an interrupted load resumes where it stopped.
        """
        tally.pull_complete = False
        while True:
            check_cancel(cancel)
            with Session(self.engine) as session:
                cursor = int(state.read(session, state.CURSOR, 0))
                snapshot = state.read(session, state.RESNAPSHOT)
                loaded = bool(state.read(session, state.LOADED))
                held = state.held_batches(session)
            try:
                if snapshot is None:
                    page = client.pull(cursor, self._pull_limit, held=held)
                else:
                    page = client.pull(int(snapshot), self._pull_limit, snapshot=True)
            except KamdeskError as exc:
                if exc.code != "pull.resnapshot_needed" or snapshot is not None:
                    raise
                with self._write() as session:
                    state.write(session, state.RESNAPSHOT, 0)
                continue
            blobs = self._fetch_blobs(client, page.changes)
            with self._write(applying=True) as session:
                for sha256, data in blobs.items():
                    session.merge(
                        Blob(
                            sha256=sha256,
                            size=len(data),
                            mime="application/octet-stream",
                            data=data,
                            created_at=utcnow(),
                        )
                    )
                applied, added = apply_page(session, page.changes, page.cursor)
                state.write(session, state.PULL_HEAD, page.head)
                if snapshot is not None:
                    state.write(session, state.RESNAPSHOT, max(int(snapshot), page.cursor))
                elif not page.more:
                    state.write(session, state.LOADED, True)
            tally.add(pulled=applied, conflicts=added)
            tally.cursor = max(cursor, page.cursor)
            tally.resnapshot = tally.resnapshot or snapshot is not None
            if progress is not None:
                text = (
                    tr("Reloading everything from HQ")
                    if snapshot is not None
                    else tr("Receiving changes from HQ")
                    if loaded
                    else tr("First load from HQ")
                )
                progress(page.cursor, max(page.head, page.cursor), text)
            if not page.more:
                with Session(self.engine) as session:
                    known = int(state.read(session, state.HORIZON, 0))
                if snapshot is not None or page.horizon > known:
                    self._reconcile(client, tally, progress, cancel, page.horizon, snapshot is None)
                tally.pull_complete = True
                return

    def _reconcile(
        self,
        client: HqClient,
        tally: _Tally,
        progress: Progress | None,
        cancel: CancelCheck | None,
        horizon: int,
        tombstones_only: bool,
    ) -> None:
        """Remove local rows HQ no longer holds (their tombstones were purged), then store
        ``horizon`` as known and leave snapshot mode.

        After a re-snapshot every local row is asked about; when only the horizon moved
        (this desktop saw the deletes before HQ purged them), only its tombstones are.
        Only rows HQ once accepted (``row_version`` above 0) with no change waiting in
        the outbox are candidates: a row made here and not yet sent, or a local change
        still to be pushed, is never removed. Rerunning after an interruption is harmless.
        """
        names = sorted(n for n in SYNCED_TABLES if rows.table_of(n) is not None)
        for done, name in enumerate(names):
            table = rows.table_of(name)
            assert table is not None
            wanted = [table.c.row_version > 0]
            if tombstones_only:
                wanted.append(table.c.deleted_at.is_not(None))
            after = ""
            while True:
                check_cancel(cancel)
                with Session(self.engine) as session:
                    ids = list(
                        session.scalars(
                            select(table.c.id)
                            .where(*wanted, table.c.id > after)
                            .order_by(table.c.id)
                            .limit(MAX_MISSING_IDS)
                        )
                    )
                if not ids:
                    break
                after = ids[-1]
                missing = client.missing_rows(name, ids)
                if missing:
                    with self._write(applying=True) as session:
                        waiting = set(
                            session.scalars(
                                select(OutboxEntry.row_id).where(
                                    OutboxEntry.table_name == name,
                                    OutboxEntry.row_id.in_(missing),
                                )
                            )
                        )
                        gone = [row_id for row_id in missing if row_id not in waiting]
                        rows.remove_rows(session, table, gone)
                    tally.add(removed=len(gone))
            if progress is not None:
                progress(done + 1, len(names), tr("Checking this computer's records against HQ"))
        with self._write() as session:
            state.write(session, state.RESNAPSHOT, None)
            state.write(session, state.LOADED, True)
            state.advance(session, state.HORIZON, horizon)

    def _fetch_blobs(self, client: HqClient, changes: tuple[Change, ...]) -> dict[str, bytes]:
        wanted = {
            str(c.payload[BLOB_COLUMNS[c.table]])
            for c in changes
            if c.table in BLOB_COLUMNS and c.payload.get(BLOB_COLUMNS[c.table])
        }
        if not wanted:
            return {}
        with Session(self.engine) as session:
            have = set(session.scalars(select(Blob.sha256).where(Blob.sha256.in_(wanted))))
        return {sha256: client.get_blob(sha256) for sha256 in sorted(wanted - have)}

    def _report(self, tally: _Tally) -> SyncReport:
        with Session(self.engine) as session:
            left = outbox.pending_count(session)
        return SyncReport(
            pushed=tally.pushed,
            rejected=tally.rejected,
            conflicts=tally.conflicts,
            pulled=tally.pulled,
            batches=tally.batches,
            outbox_left=left,
            cursor=tally.cursor,
            pull_complete=tally.pull_complete,
            audit=tally.audit,
            resnapshot=tally.resnapshot,
            removed=tally.removed,
        )

    def _log(self, started: Any, tally: _Tally, error: KamdeskError | None) -> None:
        with self._write() as session:
            session.add(
                SyncLogEntry(
                    started_at=started,
                    finished_at=utcnow(),
                    pushed=tally.pushed,
                    pulled=tally.pulled,
                    error_code=None if error is None else error.code,
                    error_params={}
                    if error is None
                    else {k: str(v) for k, v in error.params.items()},
                )
            )
            if error is None:
                state.write(session, state.LAST_SUCCESS, utcnow().isoformat())
            if self._trail is not None:
                self._trail.record_round(session, tally.facts(error))


@dataclass
class _Tally:
    pushed: int = 0
    rejected: int = 0
    conflicts: int = 0
    pulled: int = 0
    batches: int = 0
    cursor: int = 0
    pull_complete: bool = False
    audit: AuditHeadAnswer | None = None
    resnapshot: bool = False
    removed: int = 0

    def add(self, **counts: int) -> None:
        for name, value in counts.items():
            setattr(self, name, getattr(self, name) + value)

    def facts(self, error: KamdeskError | None) -> dict[str, Any]:
        """What the audit trail logs of the round (counts, error code, audit verdict)."""
        return {
            "pushed": self.pushed,
            "rejected": self.rejected,
            "conflicts": self.conflicts,
            "pulled": self.pulled,
            "batches": self.batches,
            "error": None if error is None else error.code,
            "audit": None if self.audit is None else self.audit.status,
        }
