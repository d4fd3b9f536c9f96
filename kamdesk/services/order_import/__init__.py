"""Historical work orders (历史工单) imported from a branch's old spreadsheet.

:class:`OrderImportService` checks and imports the sheet all or nothing;
:data:`ORDER_COLUMNS` and :data:`ORDER_NOTES` make its template
(:func:`kamdesk.services.customer_export.write_template`); the guide is
``docs/guide/historical-orders.md``.
"""

from kamdesk.services.order_import.columns import ORDER_COLUMNS, ORDER_NOTES
from kamdesk.services.order_import.service import ERROR_SHEET, OrderImportService

__all__ = ["ERROR_SHEET", "ORDER_COLUMNS", "ORDER_NOTES", "OrderImportService"]
