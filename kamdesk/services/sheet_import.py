"""The all-or-nothing sheet import that every import service runs.

:func:`run_sheet_import` reads the first sheet through
:func:`kamdesk.services.excel_guard.read_first_sheet`, maps its header
(:func:`kamdesk.services.customer_columns.map_header`) and hands every row to the
caller's ``check``, which returns one :class:`RowReport` per row and a *plan* (what it
would save). A dry run checks in a read session and saves nothing. A commit checks
again inside one write transaction (``BEGIN IMMEDIATE``, so nothing can slip in
between the check and the save), calls ``save`` only when no row has a problem, and
records one ``import`` audit event.

Guarantee: either every row is saved or none is — a problem, a cancel or an error
inside ``save`` rolls the whole transaction back. The customer, key-person and
historical-order imports all run here, so they refuse and report the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypeVar

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from kamdesk.domain.progress import CancelCheck, Progress, check_cancel
from kamdesk.errors import KamdeskError, define
from kamdesk.i18n import N_
from kamdesk.services.actor import Actor
from kamdesk.services.audit import events
from kamdesk.services.customer_columns import Column, map_header
from kamdesk.services.excel_guard import read_first_sheet
from kamdesk.services.uow import read_session, write_session

define(
    {
        "import.no_rows": N_(
            "The sheet has headers but no rows to import: fill in one row per record below "
            "the header row"
        )
    }
)

_Plan = TypeVar("_Plan")


@dataclass(frozen=True)
class SheetRow:
    """One non-empty row: its number on the sheet, its cells by field, and every value
    as read (for the error workbook)."""

    number: int
    fields: Mapping[str, Any]
    values: tuple[Any, ...]


@dataclass(frozen=True)
class RowReport:
    """One sheet row: its number, raw values (as read) and what is wrong with it."""

    row: int
    values: tuple[Any, ...]
    problems: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    duplicate: bool = False

    @property
    def accepted(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class ImportReport:
    """What an import found and did. ``committed`` is True only when rows were written."""

    header: tuple[str, ...]
    rows: tuple[RowReport, ...]
    ignored_columns: tuple[str, ...]
    committed: bool
    dry_run: bool

    @property
    def accepted(self) -> int:
        return sum(1 for r in self.rows if r.accepted)

    @property
    def rejected(self) -> int:
        return sum(1 for r in self.rows if not r.accepted)

    @property
    def duplicates(self) -> int:
        return sum(1 for r in self.rows if r.duplicate)

    @property
    def clean(self) -> bool:
        return self.rejected == 0


class ImportService(Protocol):
    """What the command line and the import dialog call: a sheet import service."""

    def run(
        self,
        path: Path,
        actor: Actor,
        *,
        dry_run: bool,
        progress: Progress | None = None,
        cancel: CancelCheck | None = None,
    ) -> ImportReport: ...


Check = Callable[[Session, Sequence[SheetRow]], tuple[tuple[RowReport, ...], _Plan]]
"""Checks every row in the given session; never writes."""
Save = Callable[[Session, _Plan], int]
"""Saves a clean plan in the write transaction; returns how many records it saved."""


def tick(
    done: int,
    total: int,
    text: str,
    progress: Progress | None,
    cancel: CancelCheck | None,
    every: int,
) -> None:
    """Check for cancel and report progress on every ``every``-th item."""
    if done % every == 0:
        check_cancel(cancel)
        if progress is not None:
            progress(done, total, text)


def run_sheet_import(
    engine: Engine,
    path: Path,
    actor: Actor,
    columns: Sequence[Column],
    *,
    check: Check[_Plan],
    save: Save[_Plan],
    entity: str,
    dry_run: bool,
    progress: Progress | None = None,
    cancel: CancelCheck | None = None,
) -> ImportReport:
    """Check every row of ``path``; unless ``dry_run``, save all when all are fine.
    A sheet without data rows is refused (``import.no_rows``): a dry run could not
    call it clean, nor a commit successful.

    The caller checks the actor's right to import before calling.
    """
    sheet = read_first_sheet(path, progress=progress, cancel=cancel)
    found, ignored = map_header(sheet.header, columns)
    rows = [
        SheetRow(number, {name: values[index] for name, index in found.items()}, values)
        for number, values in sheet.rows
    ]
    if not rows:  # nothing would be committed: never a success
        raise KamdeskError("import.no_rows")
    if dry_run:  # the same rows as the commit: the actor's
        with read_session(engine, actor=actor) as s:
            reports, _ = check(s, rows)
        return ImportReport(sheet.header, reports, ignored, committed=False, dry_run=True)
    with write_session(engine, actor=actor) as s:
        reports, plan = check(s, rows)
        if any(not r.accepted for r in reports):
            return ImportReport(sheet.header, reports, ignored, committed=False, dry_run=False)
        saved = save(s, plan)
        events.record(s, "import", entity=entity, details={"rows": saved, "file": path.name[:120]})
    return ImportReport(sheet.header, reports, ignored, committed=True, dry_run=False)
