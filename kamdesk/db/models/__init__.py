"""All desktop tables. Importing this package registers every model on ``Base``."""

from kamdesk.db.models.base import AwareDateTime, Base, Money
from kamdesk.db.models.customers import (
    Agreement,
    AgreementMonth,
    CareAction,
    CompetitorNote,
    Complaint,
    Customer,
    CustomerProduct,
    DemandForecast,
    GradeHistory,
    KeyPerson,
    Opportunity,
    RevenueMonth,
    Visit,
)
from kamdesk.db.models.kpi_summary import KpiMonthSum, KpiSummaryState
from kamdesk.db.models.local import (
    AuditEntry,
    OutboxEntry,
    Setting,
    SyncBatch,
    SyncConflict,
    SyncLogEntry,
    SyncRejection,
)
from kamdesk.db.models.orders import (
    Attachment,
    Blob,
    ClockPause,
    ReturnOrder,
    Signature,
    WorkOrder,
    WorkOrderEvent,
    WorkOrderStep,
)
from kamdesk.db.models.reference import (
    Branch,
    CalendarOverride,
    GradingRuleSet,
    IncentiveScheduleSet,
    IndustryGroup,
    Product,
    SlaRule,
    Staff,
    Target,
    WorkOrderPolicySet,
    Workstation,
)

SYNCED_TABLES: tuple[str, ...] = tuple(
    t.name for t in Base.metadata.sorted_tables if "row_version" in t.c
)
"""Every table whose rows travel to and from HQ (ordered parents first)."""

__all__ = [
    "SYNCED_TABLES",
    "Agreement",
    "AgreementMonth",
    "Attachment",
    "AuditEntry",
    "AwareDateTime",
    "Base",
    "Blob",
    "Branch",
    "CalendarOverride",
    "CareAction",
    "ClockPause",
    "CompetitorNote",
    "Complaint",
    "Customer",
    "CustomerProduct",
    "DemandForecast",
    "GradeHistory",
    "GradingRuleSet",
    "IncentiveScheduleSet",
    "IndustryGroup",
    "KeyPerson",
    "KpiMonthSum",
    "KpiSummaryState",
    "Money",
    "Opportunity",
    "OutboxEntry",
    "Product",
    "ReturnOrder",
    "RevenueMonth",
    "Setting",
    "Signature",
    "SlaRule",
    "Staff",
    "SyncBatch",
    "SyncConflict",
    "SyncLogEntry",
    "SyncRejection",
    "Target",
    "Visit",
    "WorkOrder",
    "WorkOrderEvent",
    "WorkOrderPolicySet",
    "WorkOrderStep",
    "Workstation",
]
