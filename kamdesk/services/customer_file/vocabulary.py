"""Words of the customer file: stable codes stored in the database, with their labels.

Values match what the demo generator and the models' comments use; never rename one
(they travel to HQ). Labels are English sources marked with ``N_``; translate with
``tr`` when shown. The complaint loop and the funnel are small state machines:
:data:`COMPLAINT_NEXT` and :data:`FUNNEL_STAGES` say which moves are allowed.
"""

from __future__ import annotations

from enum import StrEnum

from kamdesk.domain.customers.funnel import STAGE_LABELS
from kamdesk.domain.customers.funnel import Stage as FunnelStage
from kamdesk.domain.workorders.vocabulary import Role
from kamdesk.i18n import N_


class CustomerStatus(StrEnum):
    ACTIVE = "active"
    LEFT = "left"  # 离网: closed with a reason; kept, never deleted


class DecisionRole(StrEnum):
    DECISION_MAKER = "decision_maker"
    INFLUENCER = "influencer"
    USER = "user"
    GATEKEEPER = "gatekeeper"


class Tier(StrEnum):
    SENIOR = "senior"  # handled by senior managers
    WORKING = "working"  # handled by the account manager


class VisitStatus(StrEnum):
    PLANNED = "planned"
    DONE = "done"
    CANCELLED = "cancelled"


class CareKind(StrEnum):
    BIRTHDAY = "birthday"
    HOLIDAY = "holiday"
    ANNIVERSARY = "anniversary"
    OTHER = "other"


class CareStatus(StrEnum):
    PLANNED = "planned"
    DONE = "done"


class ComplaintState(StrEnum):
    RECEIVED = "received"
    HANDLED = "handled"
    CLOSED = "closed"
    FOLLOWED_UP = "followed_up"  # the loop closes here (回访 recorded)


COMPLAINT_NEXT: dict[ComplaintState, ComplaintState] = {
    ComplaintState.RECEIVED: ComplaintState.HANDLED,
    ComplaintState.HANDLED: ComplaintState.CLOSED,
    ComplaintState.CLOSED: ComplaintState.FOLLOWED_UP,
}
"""The only move out of each state; FOLLOWED_UP has none."""


FUNNEL_STAGES: tuple[FunnelStage, ...] = tuple(FunnelStage)
"""In funnel order; WON and LOST are the two ends."""
FUNNEL_CLOSED = frozenset({FunnelStage.WON, FunnelStage.LOST})

EDITOR_ROLES = frozenset({Role.AM, Role.INDUSTRY_MANAGER, Role.LEADER, Role.ADMIN})
"""Roles that may change a customer file and read key persons' contact details."""

STATUS_LABELS: dict[CustomerStatus, str] = {
    CustomerStatus.ACTIVE: N_("Active"),
    CustomerStatus.LEFT: N_("Left the network"),
}
DECISION_ROLE_LABELS: dict[DecisionRole, str] = {
    DecisionRole.DECISION_MAKER: N_("Decision maker"),
    DecisionRole.INFLUENCER: N_("Influencer"),
    DecisionRole.USER: N_("User"),
    DecisionRole.GATEKEEPER: N_("Gatekeeper"),
}
TIER_LABELS: dict[Tier, str] = {
    Tier.SENIOR: N_("Senior contact"),
    Tier.WORKING: N_("Working-level contact"),
}
VISIT_STATUS_LABELS: dict[VisitStatus, str] = {
    VisitStatus.PLANNED: N_("Planned"),
    VisitStatus.DONE: N_("Done"),
    VisitStatus.CANCELLED: N_("Cancelled"),
}
CARE_KIND_LABELS: dict[CareKind, str] = {
    CareKind.BIRTHDAY: N_("Birthday"),
    CareKind.HOLIDAY: N_("Holiday"),
    CareKind.ANNIVERSARY: N_("Anniversary"),
    CareKind.OTHER: N_("Other"),
}
CARE_STATUS_LABELS: dict[CareStatus, str] = {
    CareStatus.PLANNED: N_("Planned"),
    CareStatus.DONE: N_("Done"),
}
COMPLAINT_STATE_LABELS: dict[ComplaintState, str] = {
    ComplaintState.RECEIVED: N_("Received"),
    ComplaintState.HANDLED: N_("Handled"),
    ComplaintState.CLOSED: N_("Closed"),
    ComplaintState.FOLLOWED_UP: N_("Followed up"),
}
FUNNEL_STAGE_LABELS = STAGE_LABELS
