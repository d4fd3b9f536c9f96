"""The ``export`` audit event of a written report file (KPI figures and evaluation
sheets decide pay, so every file that leaves the database is logged)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from kamdesk.domain.kpi.period import Period
from kamdesk.services.actor import Actor
from kamdesk.services.audit.events import record
from kamdesk.services.uow import write_session


def record_report_export(
    engine: Engine,
    actor: Actor | None,
    entity: str,
    period: Period,
    fmt: str,
    path: Path,
    *,
    scheduled: bool = False,
) -> None:
    """Log that ``actor`` wrote the ``entity`` report of ``period`` as ``fmt`` to
    ``path`` (only its name is kept); ``scheduled`` marks the monthly automatic run.
    Call it once the file is in place."""
    details: dict[str, object] = {"period": period.label, "format": fmt, "file": path.name[:120]}
    if scheduled:
        details["scheduled"] = True
    with write_session(engine, actor=actor) as s:
        record(s, "export", entity=entity, details=details)
