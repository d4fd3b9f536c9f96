"""报表: the KPI dashboard of a period (K01–K16), the rows behind a figure, PDF and Excel."""

from kamdesk.ui.reports.reports_page import ReportsPage

__all__ = ["ReportsPage"]
