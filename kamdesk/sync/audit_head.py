"""The desktop side of the audit head exchange (``POST /v1/audit-head``).

Each sync round, after its pushes, tells HQ the audit chain's head and the MAC of the
entry HQ recorded last, read in one snapshot, so HQ can tell a chain that grew from
one that went backwards or forked (see :mod:`kamdesk.sync.messages`). The chain
itself belongs to the audit service; the engine reaches it through an
:class:`AuditTrail` handed in from above (this layer cannot import services).

Guarantees: HQ's answer and open alarm are stored in ``settings`` (``sync.audit_*``)
in one transaction, so the sync page shows the alarm until HQ lifts it. The stored
anchor is only a hint: when HQ names another one, the report is made once more with
HQ's, so a restored database (whose hint is old) is judged against what HQ saw.

Hazard: an HQ that does not know the endpoint yet (older than this desktop) answers
``request.not_found``; the round then goes on without an audit answer.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any, Protocol

from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session

from kamdesk.errors import KamdeskError
from kamdesk.sync import state
from kamdesk.sync.client import HqClient
from kamdesk.sync.messages import AuditHeadAnswer, AuditHeadReport

WriteSession = Callable[[], AbstractContextManager[Session]]


class AuditTrail(Protocol):
    """What the sync engine needs of the audit chain."""

    def head(self, connection: Connection) -> tuple[int, str]:
        """The newest entry's number and MAC (``0`` and the genesis MAC when empty)."""

    def mac_at(self, connection: Connection, seq: int) -> str | None:
        """The MAC of entry ``seq``; None when the chain has no such entry."""

    def record_round(self, session: Session, facts: dict[str, Any]) -> None:
        """Log a finished round (``facts``: counts, error code, audit verdict) in
        ``session``'s transaction, if the trail logs such a round at all."""


def read_report(engine: Engine, trail: AuditTrail, anchor: int | None = None) -> AuditHeadReport:
    """The head and the MAC at ``anchor`` (default: the stored hint), one snapshot."""
    with Session(engine) as session, session.begin():
        if anchor is None:
            anchor = int(state.read(session, state.AUDIT_ANCHOR, 0))
        connection = session.connection()
        seq, mac = trail.head(connection)
        return AuditHeadReport(seq, mac, anchor, trail.mac_at(connection, anchor))


def report_head(
    engine: Engine, client: HqClient, trail: AuditTrail, write: WriteSession
) -> AuditHeadAnswer | None:
    """Report the head to HQ and store its answer; None if HQ does not take reports."""
    try:
        try:
            answer = client.report_audit_head(read_report(engine, trail))
        except KamdeskError as exc:
            if exc.code != "audit.anchor_moved":
                raise
            expected = int(str(exc.params.get("expected", 0)))
            answer = client.report_audit_head(read_report(engine, trail, expected))
    except KamdeskError as exc:
        if exc.code == "request.not_found":
            return None
        raise
    with write() as session:
        state.write(session, state.AUDIT_ANCHOR, answer.seq)
        alarm = None if answer.alarm is None else answer.alarm.to_wire()
        state.write(session, state.AUDIT_ALARM, alarm)
    return answer
