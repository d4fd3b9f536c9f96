"""The maintained KPI summary: exact integer sums per dimension key and month.

Derived data, never synced: every row can be rebuilt from the orders, complaints,
visits, accounts, revenue, forecasts and targets it sums
(:mod:`kamdesk.services.kpi.summary`). Flow rows (``month`` = the local month of the
event) hold a KPI code's numerator and denominator; state rows (codes ``@K08``,
``@K15``) hold the active and covered accounts at the instant the month begins.
``product``/``bucket`` are set for K13 only and are ``""`` otherwise; ``key`` is
``""`` for the ``total`` dimension. ``kpi_summary_state`` says whether the sums are
complete.
"""

from __future__ import annotations

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from kamdesk.db.models.base import Base


class KpiMonthSum(Base):
    __tablename__ = "kpi_month_sums"

    dim: Mapped[str] = mapped_column(String(16), primary_key=True)
    month: Mapped[str] = mapped_column(String(10), primary_key=True)
    code: Mapped[str] = mapped_column(String(8), primary_key=True)
    key: Mapped[str] = mapped_column(String(36), primary_key=True)
    product: Mapped[str] = mapped_column(String(36), primary_key=True)
    bucket: Mapped[str] = mapped_column(String(7), primary_key=True)
    n: Mapped[int] = mapped_column(Integer)
    d: Mapped[int] = mapped_column(Integer)

    __table_args__ = {"sqlite_with_rowid": False}


class KpiSummaryState(Base):
    """One row (``id`` 1) while ``kpi_month_sums`` is complete: the summary's format
    ``version`` and the month boundaries ``first``…``last`` holding account state."""

    __tablename__ = "kpi_summary_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    first: Mapped[str] = mapped_column(String(10))
    last: Mapped[str] = mapped_column(String(10))
