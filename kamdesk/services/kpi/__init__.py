"""The KPI engine over the local database (K01–K16 of DOMAIN.md).

:class:`KpiService` computes every figure for a period at the finest grain in SQL
(:mod:`kamdesk.services.kpi.facts`), rolls the sums up per dimension in Python
(:func:`kamdesk.domain.kpi.roll_up`) and names the keys. Each call is one read-only
unit of work. The ids behind a figure are fetched on demand with
:meth:`KpiService.figure_ids`, from the same SQL as the sums.
"""

from kamdesk.services.kpi.service import KpiService

__all__ = ["KpiService"]
