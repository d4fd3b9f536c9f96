"""Work orders (工单) as use cases: the service, its data types, printing and verifying.

:class:`WorkOrderService` drafts orders, applies transitions through the domain
machine, stores signatures and attachments, and reads orders and lists;
:mod:`.printing` builds the PDF context from the database, records prints and checks
a PDF against the record.
"""

from kamdesk.services.workorders.service import WorkOrderService
from kamdesk.services.workorders.types import (
    FORM_IMPORTANCE_LABELS,
    ActionChoice,
    AttachmentInfo,
    DeadlineInfo,
    DemandForm,
    FormImportance,
    OrderDetail,
    OrderQuery,
    OrderRow,
    OrderScope,
    OrderSort,
    PauseInfo,
    PrintResult,
    ReturnInfo,
    SignatureInfo,
    SignatureInput,
    StepInfo,
    StepPlan,
    TimelineEntry,
    VerifyResult,
)

__all__ = [
    "FORM_IMPORTANCE_LABELS",
    "ActionChoice",
    "AttachmentInfo",
    "DeadlineInfo",
    "DemandForm",
    "FormImportance",
    "OrderDetail",
    "OrderQuery",
    "OrderRow",
    "OrderScope",
    "OrderSort",
    "PauseInfo",
    "PrintResult",
    "ReturnInfo",
    "SignatureInfo",
    "SignatureInput",
    "StepInfo",
    "StepPlan",
    "TimelineEntry",
    "VerifyResult",
    "WorkOrderService",
]
