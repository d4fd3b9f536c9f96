"""What a KPI report (PDF or workbook) is made from: the pack and, for the workbook,
the rows behind the figures. Plain data, no database.

Hazard: :attr:`DataSheet.rows` may be a one-shot stream (the service reads it from
the database while the workbook is written); iterate it once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from kamdesk.domain.kpi.figures import Dimension, KpiPack


class CellKind(StrEnum):
    TEXT = "text"
    INT = "int"
    NUMBER = "number"
    DATETIME = "datetime"  # a naive datetime: Shanghai wall-clock time
    BOOL = "bool"


@dataclass(frozen=True)
class DataSheet:
    """One data sheet: title, column headers and kinds, rows (streamed)."""

    title: str
    headers: Sequence[str]
    kinds: Sequence[CellKind]
    rows: Iterable[Sequence[object]]


@dataclass(frozen=True)
class KpiReportContext:
    """``parts``: dimensions (among ``dimensions``) whose rows are also shown with every
    KPI's numerator and denominator next to its value (HQ's branch comparison)."""

    pack: KpiPack
    generated_at: datetime
    dimensions: Sequence[Dimension] = (Dimension.GROUP, Dimension.AM)
    data_sheets: Sequence[DataSheet] = ()
    parts: Sequence[Dimension] = ()
