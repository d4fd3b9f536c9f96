"""The services of one open database, built on first use.

The composition root (``app.py``) makes one :class:`Services` per open database and
hands it to the window; pages take the service they need from it. Each service
opens its own session per call, so the container holds no session and no ORM
object and may be shared across threads.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from kamdesk.services.churn import ChurnService
from kamdesk.services.customer_file.service import CustomerFileService
from kamdesk.services.customer_list import CustomerListService
from kamdesk.services.evaluation import EvaluationService
from kamdesk.services.funnel import FunnelService
from kamdesk.services.grading import GradingService
from kamdesk.services.kpi import KpiService
from kamdesk.services.my_day import MyDayService
from kamdesk.services.shell import ShellService
from kamdesk.services.sync import SyncService
from kamdesk.services.workorders import WorkOrderService

if TYPE_CHECKING:
    from kamdesk.services.auth import AuthService
    from kamdesk.services.backups import BackupService
    from kamdesk.services.customer_export import CustomerExportService
    from kamdesk.services.customer_import import CustomerImportService
    from kamdesk.services.order_import import OrderImportService
    from kamdesk.services.scheduled_reports import ScheduledReportService


@dataclass
class Services:
    """One attribute per use-case area; add a ``cached_property`` for a new area."""

    engine: Engine

    @cached_property
    def shell(self) -> ShellService:
        return ShellService(self.engine)

    @cached_property
    def kpi(self) -> KpiService:
        return KpiService(self.engine)

    @cached_property
    def evaluation(self) -> EvaluationService:
        return EvaluationService(self.engine)

    @cached_property
    def work_orders(self) -> WorkOrderService:
        return WorkOrderService(self.engine)

    @cached_property
    def customer_file(self) -> CustomerFileService:
        return CustomerFileService(self.engine)

    @cached_property
    def customer_list(self) -> CustomerListService:
        return CustomerListService(self.engine)

    @cached_property
    def grading(self) -> GradingService:
        return GradingService(self.engine)

    @cached_property
    def churn(self) -> ChurnService:
        return ChurnService(self.engine)

    @cached_property
    def my_day(self) -> MyDayService:
        return MyDayService(self.engine)

    @cached_property
    def funnel(self) -> FunnelService:
        return FunnelService(self.engine)

    @cached_property
    def sync(self) -> SyncService:
        return SyncService(self.engine)

    @cached_property
    def auth(self) -> AuthService:
        from kamdesk.services.auth import AuthService

        return AuthService(self.engine)

    @cached_property
    def customer_import(self) -> CustomerImportService:
        from kamdesk.services.customer_import import CustomerImportService

        return CustomerImportService(self.engine)

    @cached_property
    def order_import(self) -> OrderImportService:
        from kamdesk.services.order_import import OrderImportService

        return OrderImportService(self.engine)

    @cached_property
    def customer_export(self) -> CustomerExportService:
        from kamdesk.services.customer_export import CustomerExportService

        return CustomerExportService(self.engine, self.customer_list)

    @cached_property
    def backups(self) -> BackupService:
        from kamdesk.services.backups import BackupService

        return BackupService(self.engine)

    @cached_property
    def scheduled_reports(self) -> ScheduledReportService:
        from kamdesk.services.scheduled_reports import ScheduledReportService

        return ScheduledReportService(self.engine, self.kpi, self.evaluation)
