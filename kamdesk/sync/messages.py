"""Wire types of push, pull and blobs, shared by the desktop engine and HQ.

Plain frozen dataclasses (no HTTP library, no pydantic); HQ validates request bodies
with its strict mirrors in :mod:`kamdesk.hq.api_models`. Row payloads are the
desktop's columns by name, JSON-safe (money and instants as exact strings).

Push: a frozen batch (``batch_id`` is the idempotency key, ``batch_seq`` counts a
device's batches from 1 without gaps). HQ answers 200 with one result per operation —
``accepted`` with the row's new ``row_version``, or ``rejected`` with a stable error
code and HQ's current copy of the row — plus the conflict records of field merges.
A gap in ``batch_seq`` gets 409 ``push.sequence_gap`` naming the expected number.
A pushed payload's ``field_hlc`` may leave out field clocks equal to the operation's
``hlc``: HQ reads a missing one as the operation's (desktops leave them out).

Pull: ``GET /v1/pull?cursor=N&limit=M`` gives the branch's changes after ``N`` in
commit order, each the row's whole current state (a row changed twice appears once,
at its latest position).

Own rows are not echoed: ``held_from=F&held_to=T`` names the device's acknowledged
batches ``F``…``T`` whose rows it still holds; HQ leaves out the rows whose current
version is a new row one of those batches stored exactly as sent (not work orders
and complaints, whose cached state the desktop rewrites; not an edit, which HQ may
have merged). ``T`` is the last acknowledged batch; ``F`` is 1, or after this
database was restored from a backup (HQ asked for a later batch number) the first
batch numbered since, so rows of the batches the backup lacks come back. A pull
without them (older desktops, snapshots) gets every row.

Tombstone horizon: HQ may purge old tombstones. A pull from a cursor below the
branch's horizon gets 410 ``pull.resnapshot_needed``: the device may have missed a
delete. It then re-snapshots: pulls every page again with ``snapshot=true`` (served
from any cursor) and asks ``POST /v1/missing-rows`` (``{"table", "ids"}`` →
``{"table", "missing"}``) which of its rows HQ no longer holds.

Audit head: ``POST /v1/audit-head`` after the pushes of every round carries the
desktop's audit chain head and its MAC at the entry HQ recorded last (the *anchor*).
HQ keeps the history of heads per device and answers whether the chain grew from what
it saw (``ok``), is new to it (``first``), went backwards (``rewound``: entries cut
off or an older backup put in place) or no longer holds what it saw (``forked``). An
anchor that is not HQ's last recorded entry gets 409 ``audit.anchor_moved`` naming
it; the desktop then reports once more with that anchor.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from kamdesk.errors import KamdeskError, define
from kamdesk.i18n import N_

ACCEPTED = "accepted"
REJECTED = "rejected"
OPS = ("upsert", "append", "delete")
MAX_BATCH_OPS = 500
MAX_PULL_LIMIT = 1000
MAX_MISSING_IDS = 1000
"""Row ids per ``POST /v1/missing-rows`` question."""
AUDIT_OK = "ok"
AUDIT_FIRST = "first"
AUDIT_REWOUND = "rewound"
AUDIT_FORKED = "forked"
AUDIT_VERDICTS = (AUDIT_OK, AUDIT_FIRST, AUDIT_REWOUND, AUDIT_FORKED)
AUDIT_PROBLEMS = (AUDIT_REWOUND, AUDIT_FORKED)

define(
    {
        "push.sequence_gap": N_(
            "HQ expected batch number {expected} from this device but got {got}."
        ),
        "push.batch_mismatch": N_("Batch {batch_id} was already used for different changes."),
        "blob.hash_mismatch": N_("The uploaded file does not match its SHA-256 name."),
        "blob.not_found": N_("HQ has no file with SHA-256 {sha256}."),
        "sync.reference_read_only": N_(
            "{table} is reference data that only HQ may change; your change was not applied."
        ),
        "sync.unknown_table": N_("HQ does not sync the table {table}."),
        "sync.bad_row": N_("HQ could not read this change of {table}: {detail}"),
        "sync.missing_value": N_(
            "HQ refused this change of {table}: {column} must have a value. Fill it in "
            "and save the record again."
        ),
        "sync.wrong_type": N_(
            "HQ refused this change of {table}: the value of {column} is not in the form "
            "HQ expects. Correct it and save the record again."
        ),
        "sync.transition_taken": N_(
            "Someone else moved this work order first (step {seq}); your step was not applied."
        ),
        "sync.order_transition_rejected": N_(
            "A step of this work order was refused at HQ, so this change to it was not applied."
        ),
        "pull.resnapshot_needed": N_(
            "This computer last received changes before HQ's record of deletions begins "
            "(change {horizon}); it now reloads everything from HQ."
        ),
        "sync.row_purged": N_(
            "This {table} record was deleted at HQ long ago, so your change could not be "
            "applied."
        ),
        "audit.anchor_moved": N_(
            "HQ last recorded audit entry {expected} of this device, not entry {got}."
        ),
    }
)


def _require(data: Mapping[str, Any], name: str, kind: type | tuple[type, ...]) -> Any:
    value = data.get(name)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise KamdeskError("protocol.bad_response", detail=f"{name} has the wrong type")
    return value


def _mapping(data: Mapping[str, Any], name: str) -> dict[str, Any]:
    value = data.get(name)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise KamdeskError("protocol.bad_response", detail=f"{name} is not an object")
    return value


@dataclass(frozen=True)
class PushOp:
    """One outbox entry on the wire (``seq`` is the desktop's outbox number)."""

    seq: int
    table: str
    row_id: str
    op: str
    payload: dict[str, Any]
    base_version: int
    hlc: str


@dataclass(frozen=True)
class PushRequest:
    batch_id: str
    batch_seq: int
    ops: tuple[PushOp, ...]

    def to_wire(self) -> dict[str, Any]:
        return {
            "batch_id": self.batch_id,
            "batch_seq": self.batch_seq,
            "ops": [  # by hand: dataclasses.asdict deep-copies every payload
                {
                    "seq": op.seq,
                    "table": op.table,
                    "row_id": op.row_id,
                    "op": op.op,
                    "payload": op.payload,
                    "base_version": op.base_version,
                    "hlc": op.hlc,
                }
                for op in self.ops
            ],
        }


@dataclass(frozen=True)
class Change:
    """A row as HQ holds it now; ``seq`` is its position in the branch's changelog."""

    seq: int
    table: str
    row_id: str
    row_version: int
    hlc: str
    deleted: bool
    payload: dict[str, Any]
    field_hlc: dict[str, Any] = field(default_factory=dict)
    field_versions: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_wire(cls, data: Mapping[str, Any]) -> Change:
        return cls(
            seq=_require(data, "seq", int),
            table=_require(data, "table", str),
            row_id=_require(data, "row_id", str),
            row_version=_require(data, "row_version", int),
            hlc=_require(data, "hlc", str),
            deleted=_require(data, "deleted", bool),
            payload=_mapping(data, "payload"),
            field_hlc=_mapping(data, "field_hlc"),
            field_versions=_mapping(data, "field_versions"),
        )


@dataclass(frozen=True)
class OpResult:
    seq: int
    table: str
    row_id: str
    status: str
    row_version: int | None = None
    code: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    current: Change | None = None

    @classmethod
    def from_wire(cls, data: Mapping[str, Any]) -> OpResult:
        current = data.get("current")
        status = _require(data, "status", str)
        if status not in (ACCEPTED, REJECTED):
            raise KamdeskError("protocol.bad_response", detail=f"unknown status {status}")
        version = data.get("row_version")
        return cls(
            seq=_require(data, "seq", int),
            table=_require(data, "table", str),
            row_id=_require(data, "row_id", str),
            status=status,
            row_version=version if isinstance(version, int) else None,
            code=data.get("code") if isinstance(data.get("code"), str) else None,
            params=_mapping(data, "params"),
            current=Change.from_wire(current) if isinstance(current, dict) else None,
        )


@dataclass(frozen=True)
class ConflictRecord:
    """G6: two edits of one field; ``kept`` is in the row, ``lost`` only here."""

    table: str
    row_id: str
    field: str
    kept_value: Any
    lost_value: Any
    kept_hlc: str
    lost_hlc: str
    kept_by: str | None = None
    lost_by: str | None = None

    @classmethod
    def from_wire(cls, data: Mapping[str, Any]) -> ConflictRecord:
        return cls(
            table=_require(data, "table", str),
            row_id=_require(data, "row_id", str),
            field=_require(data, "field", str),
            kept_value=data.get("kept_value"),
            lost_value=data.get("lost_value"),
            kept_hlc=_require(data, "kept_hlc", str),
            lost_hlc=_require(data, "lost_hlc", str),
            kept_by=data.get("kept_by"),
            lost_by=data.get("lost_by"),
        )


@dataclass(frozen=True)
class PushResponse:
    batch_id: str
    batch_seq: int
    results: tuple[OpResult, ...]
    conflicts: tuple[ConflictRecord, ...]

    @classmethod
    def from_wire(cls, data: Mapping[str, Any]) -> PushResponse:
        return cls(
            batch_id=_require(data, "batch_id", str),
            batch_seq=_require(data, "batch_seq", int),
            results=tuple(OpResult.from_wire(r) for r in _require(data, "results", list)),
            conflicts=tuple(ConflictRecord.from_wire(c) for c in _require(data, "conflicts", list)),
        )


@dataclass(frozen=True)
class PullResponse:
    """A page of changes; ``cursor`` is where the next page starts, ``head`` HQ's newest,
    ``horizon`` the branch's tombstone horizon (0 from an HQ that never purges)."""

    changes: tuple[Change, ...]
    cursor: int
    more: bool
    head: int
    horizon: int = 0

    @classmethod
    def from_wire(cls, data: Mapping[str, Any]) -> PullResponse:
        return cls(
            changes=tuple(Change.from_wire(c) for c in _require(data, "changes", list)),
            cursor=_require(data, "cursor", int),
            more=_require(data, "more", bool),
            head=_require(data, "head", int),
            horizon=_require(data, "horizon", int) if "horizon" in data else 0,
        )


@dataclass(frozen=True)
class AuditHeadReport:
    """The desktop's audit chain head, and its MAC at ``anchor_seq`` (the entry HQ
    recorded last; ``None`` when the chain has no such entry any more)."""

    seq: int
    mac: str
    anchor_seq: int
    anchor_mac: str | None

    def to_wire(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class AuditAlarm:
    """A report HQ judged ``rewound`` or ``forked`` and nobody at HQ has accepted yet."""

    status: str
    reported_at: str
    """ISO 8601 instant of the report."""
    seq: int
    known_seq: int
    """The entry HQ had recorded before that report."""

    @classmethod
    def from_wire(cls, data: Mapping[str, Any]) -> AuditAlarm:
        return cls(
            status=_require(data, "status", str),
            reported_at=_require(data, "reported_at", str),
            seq=_require(data, "seq", int),
            known_seq=_require(data, "known_seq", int),
        )

    def to_wire(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class AuditHeadAnswer:
    """HQ's verdict on one report (``status``), and the device's open alarm, if any."""

    status: str
    seq: int
    known_seq: int | None
    alarm: AuditAlarm | None

    @property
    def problem(self) -> bool:
        """True when this report itself showed a chain that went backwards or forked."""
        return self.status in AUDIT_PROBLEMS

    @classmethod
    def from_wire(cls, data: Mapping[str, Any]) -> AuditHeadAnswer:
        status = _require(data, "status", str)
        if status not in AUDIT_VERDICTS:
            raise KamdeskError("protocol.bad_response", detail=f"unknown audit verdict {status}")
        known = data.get("known_seq")
        if known is not None and (not isinstance(known, int) or isinstance(known, bool)):
            raise KamdeskError("protocol.bad_response", detail="known_seq has the wrong type")
        alarm = data.get("alarm")
        return cls(
            status=status,
            seq=_require(data, "seq", int),
            known_seq=known,
            alarm=AuditAlarm.from_wire(alarm) if isinstance(alarm, dict) else None,
        )
