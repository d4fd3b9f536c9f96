"""The audit chain as the sync engine sees it (:class:`kamdesk.sync.audit_head.AuditTrail`).

A round is logged as one ``sync`` event (counts, error code, HQ's audit verdict) when
it moved anything in or out or HQ found the chain rewound or forked; idle rounds every
few minutes are not, as they change nothing (the sync history keeps them all). The
rows pulled from HQ are not logged one by one (see :mod:`.changes`); this event is
their trace.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from kamdesk.services.audit import chain
from kamdesk.services.audit.events import record
from kamdesk.sync.messages import AUDIT_PROBLEMS

MOVED = ("pushed", "rejected", "conflicts", "pulled")


class ChainTrail:
    """Reads the head for HQ and logs the rounds worth logging."""

    def head(self, connection: Connection) -> tuple[int, str]:
        found = chain.head(connection)
        return found.seq, found.mac

    def mac_at(self, connection: Connection, seq: int) -> str | None:
        return chain.mac_at(connection, seq)

    def record_round(self, session: Session, facts: dict[str, Any]) -> None:
        if any(facts.get(name) for name in MOVED) or facts.get("audit") in AUDIT_PROBLEMS:
            record(session, "sync", entity="sync", details=facts)
