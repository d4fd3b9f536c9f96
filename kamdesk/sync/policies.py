"""How each synced table travels and merges (SYNC.md "Policies by entity").

One table, one policy; a test checks that every table of ``SYNCED_TABLES`` has one,
so a new synced table cannot ship without a decision.
"""

from __future__ import annotations

from enum import StrEnum


class Policy(StrEnum):
    REFERENCE = "reference"
    """HQ writes, desktops read; a desktop edit is rejected by HQ and shown to its author."""
    FIELD_LWW = "field_lww"
    """Field-level last-writer-wins by HLC; the losing value is kept as a conflict record."""
    TRANSITION_LOG = "transition_log"
    """Append-only transitions validated at HQ against the state machine; first accepted wins."""
    APPEND_ONLY = "append_only"
    """Rows are added, never edited by another desktop; no conflicts by construction."""


POLICIES: dict[str, Policy] = {
    # reference data published by HQ
    "branches": Policy.REFERENCE,
    "industry_groups": Policy.REFERENCE,
    "staff": Policy.REFERENCE,
    "workstations": Policy.REFERENCE,
    "products": Policy.REFERENCE,
    "sla_rules": Policy.REFERENCE,
    "grading_rule_sets": Policy.REFERENCE,
    "calendar_overrides": Policy.REFERENCE,
    "targets": Policy.REFERENCE,
    "incentive_schedules": Policy.REFERENCE,
    "workorder_policies": Policy.REFERENCE,
    # the customer file: edited by several people, merged per field
    "customers": Policy.FIELD_LWW,
    "customer_products": Policy.FIELD_LWW,
    "key_persons": Policy.FIELD_LWW,
    "agreements": Policy.FIELD_LWW,
    "agreement_months": Policy.FIELD_LWW,
    "opportunities": Policy.FIELD_LWW,
    "demand_forecasts": Policy.FIELD_LWW,
    "revenue_months": Policy.FIELD_LWW,
    "grade_history": Policy.APPEND_ONLY,
    # work orders and complaints: state follows an append-only log of transitions
    "work_orders": Policy.TRANSITION_LOG,
    "work_order_steps": Policy.TRANSITION_LOG,
    "return_orders": Policy.TRANSITION_LOG,
    "work_order_events": Policy.TRANSITION_LOG,
    "clock_pauses": Policy.TRANSITION_LOG,
    "complaints": Policy.TRANSITION_LOG,
    # notes of what happened: append-only
    "visits": Policy.APPEND_ONLY,
    "care_actions": Policy.APPEND_ONLY,
    "competitor_notes": Policy.APPEND_ONLY,
    "signatures": Policy.APPEND_ONLY,
    "attachments": Policy.APPEND_ONLY,
}


def policy_of(table: str) -> Policy:
    """The policy of ``table``; KeyError for a table that does not sync."""
    return POLICIES[table]
