"""KPI definitions, periods and figures (pure; the SQL lives in kamdesk.services.kpi)."""

from kamdesk.domain.kpi.definitions import KPI_BY_CODE, KPIS, KpiDef, format_value
from kamdesk.domain.kpi.figures import Dimension, Figure, Grain, KpiPack, KpiRow, roll_up
from kamdesk.domain.kpi.period import Period, month, parse_period

__all__ = [
    "KPIS",
    "KPI_BY_CODE",
    "Dimension",
    "Figure",
    "Grain",
    "KpiDef",
    "KpiPack",
    "KpiRow",
    "Period",
    "format_value",
    "month",
    "parse_period",
    "roll_up",
]
