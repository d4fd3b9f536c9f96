"""K01–K16 of several branches, side by side, from the rows HQ holds for them.

HQ keeps each branch's synced rows as documents, not in the desktop schema the KPI SQL
reads. So, per branch, :func:`consolidated_pack` rebuilds what a freshly registered
desktop of that branch holds after its first pull: a temporary desktop database (the
migrated schema) into which the branch's changes are applied with
:func:`kamdesk.sync.apply.apply_page`, in changelog order, as a desktop applies a pull.
The desktop KPI engine then sums the raw rows (:func:`collect_grains`, what
``KpiService(engine, use_summary=False)`` rolls up), with the branch's own calendar
overrides and SLA rules.

Guarantees: a branch's row holds the figures its desktops show once fully synced; the
all-branches total is rolled up from the same grains (sums of numerators and
denominators, never averaged values).
Hazards: rows a desktop has not pushed yet are not at HQ and not counted. K13 is not
additive: in the total, |actual − forecast| is taken per product and month over all
branches together (branches sharing HQ's product rows net out). Each branch costs a
temporary database of its rows on disk, removed when the pack is done.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from kamdesk.db.backup import online_backup
from kamdesk.db.startup import open_database
from kamdesk.domain.kpi.figures import NO_KEY, Dimension, Grain, KpiPack, KpiRow, total_figures
from kamdesk.domain.kpi.period import Period
from kamdesk.domain.progress import CancelCheck, Progress, check_cancel
from kamdesk.i18n import tr
from kamdesk.services.kpi.service import collect_grains
from kamdesk.services.uow import read_session
from kamdesk.sync.apply import apply_page
from kamdesk.sync.capture import APPLYING
from kamdesk.sync.messages import Change


@dataclass(frozen=True)
class BranchRows:
    """One branch: its key and name, and a callable yielding its rows (pages of HQ's
    changes in changelog order) afresh each time it is called."""

    key: str
    name: str
    pages: Callable[[], Iterable[Sequence[Change]]]


def apply_all(engine: Engine, pages: Iterable[Sequence[Change]]) -> int:
    """Apply ``pages`` to the desktop database of ``engine`` as a pull does (capture off,
    foreign keys off: HQ's changelog order is not parent-first); one transaction per
    page. Returns the number of rows applied."""
    applied = 0
    with engine.connect() as conn:
        raw: Any = conn.connection.driver_connection
        raw.execute("PRAGMA foreign_keys=OFF")  # outside a transaction, or it is ignored
        try:
            with Session(bind=conn, info={APPLYING: True}) as session:
                for page in pages:
                    if page:
                        with session.begin():
                            applied += apply_page(session, page, page[-1].seq)[0]
        finally:
            raw.execute("PRAGMA foreign_keys=ON")
    return applied


def _grains(
    path: Path, branch: BranchRows, periods: Sequence[Period], cancel: CancelCheck | None
) -> list[list[Grain]]:
    engine = open_database(path)
    try:
        apply_all(engine, branch.pages())
        with read_session(engine) as session:
            return [collect_grains(session, period, cancel=cancel) for period in periods]
    finally:
        engine.dispose()


def consolidated_pack(
    branches: Sequence[BranchRows],
    period: Period,
    title: str,
    *,
    progress: Progress | None = None,
    cancel: CancelCheck | None = None,
) -> KpiPack:
    """The all-branches total of ``period`` (and of the period before), and one
    :attr:`Dimension.BRANCH` row per branch in the order given; ``title`` names the
    whole (the pack's branch name)."""
    rows: list[KpiRow] = []
    now: list[Grain] = []
    before: list[Grain] = []
    with tempfile.TemporaryDirectory(prefix="kamdesk-kpi-") as folder:
        template = Path(folder) / "empty.sqlite"
        open_database(template).dispose()  # migrate once; every branch starts from a copy
        for i, branch in enumerate(branches):
            check_cancel(cancel)
            if progress is not None:
                text = tr("Computing the KPIs of {branch}…", branch=branch.name)
                progress(i, len(branches), text)
            path = online_backup(template, Path(folder) / f"branch-{i}.sqlite")
            current, previous = _grains(path, branch, (period, period.previous()), cancel)
            rows.append(KpiRow(Dimension.BRANCH, branch.key, branch.name, total_figures(current)))
            now += current
            before += previous
    if progress is not None:
        progress(len(branches), len(branches), tr("Computing KPIs…"))
    return KpiPack(
        period=period,
        branch_name=title,
        total=KpiRow(Dimension.TOTAL, NO_KEY, tr("Total"), total_figures(now)),
        rows={Dimension.BRANCH: tuple(rows)},
        previous_total=KpiRow(
            Dimension.TOTAL, NO_KEY, period.previous().label, total_figures(before)
        ),
    )
