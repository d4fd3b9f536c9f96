"""What the 报表 page shows for one period, read in one background task: the pack
(total with the previous period, groups, AMs and the chosen dimension), the total's
KPI targets and the monthly trend of the twelve months up to the period's end.

A plain function for :meth:`TaskRunner.run`; it knows nothing of Qt. Every figure
comes from :class:`KpiService` (the one engine), so the tiles, charts and tables print
what the PDF and workbook print, read for the signed-in person (asked in the
background): the rows they may see, refused when nobody is signed in.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from kamdesk.domain.kpi.figures import Dimension, KpiPack, MonthTotal
from kamdesk.domain.kpi.period import Period
from kamdesk.domain.progress import CancelCheck, Progress, check_cancel
from kamdesk.services.actor import Actor
from kamdesk.services.kpi import KpiService
from kamdesk.services.kpi.visibility import signed_in

TREND_MONTHS = 12
COMPARED: tuple[Dimension, ...] = (Dimension.GROUP, Dimension.AM)
"""The dimensions the dashboard compares side by side."""


@dataclass(frozen=True)
class ReportsData:
    pack: KpiPack
    targets: Mapping[str, float]  # the total's, by KPI code (published rows only)
    trend: tuple[MonthTotal, ...]  # oldest first, ending with the period's last month


def read_reports(
    kpi: KpiService, actor: Callable[[], Actor | None], period: Period, dimension: Dimension,
    *, progress: Progress, cancel: CancelCheck,
) -> ReportsData:  # fmt: skip
    """Everything ``actor()`` sees of ``period`` and the table's ``dimension``."""
    who = signed_in(actor())
    wanted = [*COMPARED, *(() if dimension in (*COMPARED, Dimension.TOTAL) else (dimension,))]
    pack = kpi.pack(period, wanted, actor=who, with_previous=True, progress=progress, cancel=cancel)
    check_cancel(cancel)
    targets = kpi.targets(period, actor=who)
    trend = kpi.monthly_trend(period, TREND_MONTHS, actor=who, progress=progress, cancel=cancel)
    return ReportsData(pack, targets, trend)
