"""What a signed work-order PDF shows, as plain frozen data, and the hash that seals it.

The service layer fills a :class:`WorkOrderContext` from the order's events; the PDF
renderer and ``kamdesk verify`` read nothing else. :func:`canonical_content` is the
legal content of the order as canonical JSON; :func:`content_hash` its SHA-256.

Guarantees of the canonical form (so that paper, file and database agree):

- it covers every field a signer relies on and leaves out how and when it was printed
  (``printed_at``, ``print_number``, ``logo_png``, ``audit_head``) and every display
  ``*_label``: the
  hash holds stable codes, so a Chinese and an English print of one order match;
- instants are written in UTC to the second, text is NFC with ``\\n`` line ends,
  decimals without trailing zeros, signature images by their SHA-256;
- steps are ordered by number, signatures by role, attachments by name and hash, and
  the timeline and return orders by time (stable), so the order in which a query
  returns rows never changes the hash.

Hazard: every datetime must carry its zone; a naive one raises ``ValueError``.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any, Literal

SCHEMA = "kamdesk.workorder/1"
SIGNATURE_ROLES: tuple[str, ...] = ("customer", "am", "workstation")
SignatureRole = Literal["customer", "am", "workstation"]


@dataclass(frozen=True)
class Circuit:
    """Technical fields of a circuit product (A端/Z端/带宽/接口/电路编号)."""

    a_end: str
    z_end: str
    bandwidth: str
    interface: str
    circuit_no: str | None = None


@dataclass(frozen=True)
class ActorStamp:
    """Who did a review, approval or issue, and when."""

    name: str
    at: datetime
    comment: str = ""


@dataclass(frozen=True)
class ResourceConfirmation:
    result: str  # available / needs_construction / not_possible
    confirmed_by: str
    confirmed_at: datetime
    note: str = ""
    result_label: str = ""


@dataclass(frozen=True)
class DispatchStep:
    seq: int
    workstation: str
    planned_hours: Decimal
    deadline: datetime | None
    state: str
    done_at: datetime | None = None
    state_label: str = ""


@dataclass(frozen=True)
class ReturnOrder:
    reason: str  # customer_not_ready / resource_missing / data_error / execution_error / other
    description: str
    emergency_handling: str
    raised_at: datetime
    raised_by: str
    step_seq: int | None = None
    reason_label: str = ""


@dataclass(frozen=True)
class Completion:
    results: str
    test_results: str
    completed_at: datetime


@dataclass(frozen=True)
class Acceptance:
    satisfaction: int  # 1–5
    accepted_at: datetime


@dataclass(frozen=True)
class TimelineEvent:
    at: datetime
    actor: str
    action: str
    from_state: str | None
    to_state: str
    action_label: str = ""
    from_label: str = ""
    to_label: str = ""


@dataclass(frozen=True)
class Repair:
    """A fault order's repair clock: reported, restored (once it is)."""

    reported_at: datetime
    restored_at: datetime | None = None

    @property
    def duration(self) -> timedelta | None:
        return None if self.restored_at is None else self.restored_at - self.reported_at


@dataclass(frozen=True)
class Signature:
    role: SignatureRole
    signer_name: str
    signed_at: datetime
    png: bytes


@dataclass(frozen=True)
class Attachment:
    filename: str
    sha256: str
    size: int


@dataclass(frozen=True)
class WorkOrderContext:
    """Everything one printed work order shows; labels are already in the print language."""

    branch_name: str
    order_no: str
    kind: str
    customer_name: str
    customer_credit_code: str
    product_code: str
    product_name: str
    quantity: int
    requested_date: date | None
    requirement: str
    importance: str
    owner_am_name: str
    printed_at: datetime
    print_number: int = 1
    circuit: Circuit | None = None
    review: ActorStamp | None = None
    approval: ActorStamp | None = None
    issue: ActorStamp | None = None
    resource: ResourceConfirmation | None = None
    steps: tuple[DispatchStep, ...] = ()
    returns: tuple[ReturnOrder, ...] = ()
    completion: Completion | None = None
    acceptance: Acceptance | None = None
    timeline: tuple[TimelineEvent, ...] = ()
    signatures: tuple[Signature, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    kind_label: str = ""
    importance_label: str = ""
    logo_png: bytes | None = field(default=None, repr=False)
    repair: Repair | None = None
    audit_head: str = ""
    """The branch audit log's head when printed, short form (``#<entry> <MAC start>``):
    a later, shorter or different log than the paper shows betrays a cut-off tail or an
    old backup put back. A print detail, not content: the hash does not cover it."""

    def __post_init__(self) -> None:
        for name in ("steps", "returns", "timeline", "signatures", "attachments"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        if self.print_number < 1:
            raise ValueError("print_number starts at 1 (the original)")
        if self.printed_at.tzinfo is None:
            raise ValueError("printed_at must carry its zone")
        if self.acceptance is not None and not 1 <= self.acceptance.satisfaction <= 5:
            raise ValueError("satisfaction is scored 1 to 5")
        roles = [s.role for s in self.signatures]
        if len(set(roles)) != len(roles) or not set(roles) <= set(SIGNATURE_ROLES):
            raise ValueError(f"one signature per role {SIGNATURE_ROLES}, got {roles}")

    def signature(self, role: str) -> Signature | None:
        return next((s for s in self.signatures if s.role == role), None)


def _text(value: str | None) -> str | None:
    if value is None:
        return None
    return unicodedata.normalize("NFC", value.replace("\r\n", "\n").replace("\r", "\n"))


def _instant(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError(f"naive datetime {value!r}: every instant carries its zone")
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _decimal(value: Decimal) -> str:
    text = format(Decimal(value).normalize(), "f")
    return "0" if text in ("-0", "") else text


def _stamp(value: ActorStamp | None) -> dict[str, Any] | None:
    if value is None:
        return None
    return {"by": _text(value.name), "at": _instant(value.at), "comment": _text(value.comment)}


def canonical_record(ctx: WorkOrderContext) -> dict[str, Any]:
    """The legal content as a JSON-ready dict (see the module guarantees). A fault
    order's repair clock is a key of its own, present only on fault orders, so the
    record of a demand order is what it always was."""
    record = _record(ctx)
    if ctx.repair is not None:
        record["repair"] = {
            "reported_at": _instant(ctx.repair.reported_at),
            "restored_at": _instant(ctx.repair.restored_at),
        }
    return record


def _record(ctx: WorkOrderContext) -> dict[str, Any]:
    c = ctx.circuit
    r = ctx.resource
    signatures = sorted(ctx.signatures, key=lambda s: SIGNATURE_ROLES.index(s.role))
    return {
        "schema": SCHEMA,
        "branch": _text(ctx.branch_name),
        "order_no": _text(ctx.order_no),
        "kind": ctx.kind,
        "customer": {"name": _text(ctx.customer_name), "credit_code": ctx.customer_credit_code},
        "product": {"code": ctx.product_code, "name": _text(ctx.product_name)},
        "quantity": ctx.quantity,
        "requested_date": ctx.requested_date.isoformat() if ctx.requested_date else None,
        "requirement": _text(ctx.requirement),
        "importance": ctx.importance,
        "owner_am": _text(ctx.owner_am_name),
        "circuit": None
        if c is None
        else {
            "a_end": _text(c.a_end),
            "z_end": _text(c.z_end),
            "bandwidth": c.bandwidth,
            "interface": c.interface,
            "circuit_no": c.circuit_no,
        },
        "review": _stamp(ctx.review),
        "approval": _stamp(ctx.approval),
        "issue": _stamp(ctx.issue),
        "resource": None
        if r is None
        else {
            "result": r.result,
            "by": _text(r.confirmed_by),
            "at": _instant(r.confirmed_at),
            "note": _text(r.note),
        },
        "steps": [
            {
                "seq": s.seq,
                "workstation": _text(s.workstation),
                "planned_hours": _decimal(s.planned_hours),
                "deadline": _instant(s.deadline),
                "state": s.state,
                "done_at": _instant(s.done_at),
            }
            for s in sorted(ctx.steps, key=lambda s: s.seq)
        ],
        "returns": [
            {
                "step_seq": x.step_seq,
                "reason": x.reason,
                "description": _text(x.description),
                "emergency_handling": _text(x.emergency_handling),
                "raised_at": _instant(x.raised_at),
                "raised_by": _text(x.raised_by),
            }
            for x in sorted(ctx.returns, key=lambda x: _instant(x.raised_at) or "")
        ],
        "completion": None
        if ctx.completion is None
        else {
            "results": _text(ctx.completion.results),
            "test_results": _text(ctx.completion.test_results),
            "completed_at": _instant(ctx.completion.completed_at),
        },
        "acceptance": None
        if ctx.acceptance is None
        else {
            "satisfaction": ctx.acceptance.satisfaction,
            "accepted_at": _instant(ctx.acceptance.accepted_at),
        },
        "timeline": [
            {
                "at": _instant(e.at),
                "actor": _text(e.actor),
                "action": e.action,
                "from": e.from_state,
                "to": e.to_state,
            }
            for e in sorted(ctx.timeline, key=lambda e: _instant(e.at) or "")
        ],
        "signatures": [
            {
                "role": s.role,
                "signer": _text(s.signer_name),
                "signed_at": _instant(s.signed_at),
                "png_sha256": hashlib.sha256(s.png).hexdigest(),
            }
            for s in signatures
        ],
        "attachments": [
            {"filename": _text(a.filename), "sha256": a.sha256.lower(), "size": a.size}
            for a in sorted(ctx.attachments, key=lambda a: (a.filename, a.sha256.lower()))
        ],
    }


def canonical_json(record: dict[str, Any]) -> bytes:
    """Serialise a canonical record: sorted keys, no spaces, UTF-8."""
    return json.dumps(
        record, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False
    ).encode("utf-8")


def canonical_content(ctx: WorkOrderContext) -> bytes:
    """The canonical JSON of everything that matters legally (not the print details)."""
    return canonical_json(canonical_record(ctx))


def content_hash(ctx: WorkOrderContext) -> str:
    """SHA-256 hex of :func:`canonical_content`; printed in full in the footer and the QR."""
    return hashlib.sha256(canonical_content(ctx)).hexdigest()
