"""Column order of every row tuple the generators produce, per table.

Generators build plain tuples (no ORM objects, no dicts) in exactly this order; the
loader checks these names against the SQLAlchemy models before the first insert, so
a column added to a model is either filled by its default or reported by name.
Every synced table starts with :data:`SYNC`, except the events, whose
``created_at`` and ``updated_at`` are their ``at`` (:data:`ALIASES`).
"""

from __future__ import annotations

SYNC = ("id", "created_at", "updated_at")
"""The sync columns a generator writes; the loader fills ``row_version`` (0),
``updated_hlc`` (the run's one stamp) and the tombstone columns (NULL)."""


def _cols(text: str) -> tuple[str, ...]:
    return SYNC + tuple(text.split())


COLUMNS: dict[str, tuple[str, ...]] = {
    "branches": _cols("code name region address"),
    "industry_groups": _cols("code name sort_order"),
    "workstations": _cols("branch_id code name"),
    "staff": _cols(
        "branch_id login name role title industry_group_id workstation_id mobile email"
        " active password_hash hired_on"
    ),
    "products": _cols(
        "code name family is_circuit promised_days clock_mode repair_hours monthly_fee"
    ),
    "sla_rules": _cols("kind product_id grade days clock_mode"),
    "grading_rule_sets": _cols("version effective_from rules published_at"),
    "incentive_schedules": _cols("version effective_from schedule published_at"),
    "targets": _cols("branch_id scope scope_id metric month amount ratio notes"),
    "customers": _cols(
        "field_hlc branch_id name name_key name_pinyin name_initials credit_code"
        " industry_group_id address district phone category level grade grade_score"
        " grade_reasons owner_id is_group head_office_branch_id parent_id strategic"
        " growth_potential monthly_spend competitor_presence status opened_at left_at"
        " leave_reason last_visit_at churn_score churn_reasons"
    ),
    "customer_products": _cols("customer_id product_id quantity since circuit_no"),
    "grade_history": _cols("customer_id grade category score reasons rule_version computed_at"),
    "key_persons": _cols(
        "field_hlc customer_id name title department decision_role tier mobile landline email"
        " id_number birthday preferences relationship reports_to_id last_contact_at"
    ),
    "complaints": _cols(
        "customer_id received_at channel category severity description deadline_at handler_id"
        " handled_at closed_at resolution followed_up_at followup_notes status"
    ),
    "visits": _cols(
        "customer_id owner_id status planned_at done_at purpose participants findings"
        " explicit_needs hidden_needs next_steps complaint_id"
    ),
    "care_actions": _cols(
        "customer_id key_person_id owner_id kind title due_on status done_at notes"
    ),
    "competitor_notes": _cols("customer_id noted_at competitor description"),
    "agreements": _cols(
        "field_hlc customer_id number title signed_on starts_on ends_on total_value status"
    ),
    "agreement_months": _cols("agreement_id month product_id expected_revenue"),
    "revenue_months": _cols("customer_id product_id month amount"),
    "opportunities": _cols(
        "customer_id owner_id product_id title stage expected_value expected_close"
        " stage_changed_at"
    ),
    "demand_forecasts": _cols(
        "branch_id owner_id industry_group_id product_id period month quantity submitted_at"
    ),
    "work_orders": _cols(
        "branch_id order_no kind customer_id product_id owner_id quantity value requested_on"
        " requirement importance a_end z_end bandwidth interface circuit_no state clock_mode"
        " promised_days due_at submitted_at issued_at confirm_requested_at confirmed_at"
        " confirmation dispatched_at completed_at accepted_at archived_at cancelled_at"
        " reported_at restored_at satisfaction return_count on_time completion_results"
        " test_results print_count"
    ),
    "work_order_steps": _cols(
        "order_id seq parallel_group workstation_id assignee_id planned_minutes deadline_at"
        " need_text state started_at done_at return_count"
    ),
    "work_order_events": (
        "id",
        "order_id",
        "seq",
        "action",
        "from_state",
        "to_state",
        "actor_id",
        "actor_role",
        "at",
        "payload",
    ),  # fmt: skip
    "return_orders": _cols(
        "order_id step_id reason description emergency_handling raised_by raised_at"
        " handled_at handled_by resolution"
    ),
    "clock_pauses": _cols("order_id started_at ended_at reason"),
    "signatures": _cols("order_id role signer_name signed_at strokes image_sha256"),
    "blobs": ("sha256", "size", "mime", "data", "created_at"),
    "settings": ("key", "value"),
}

ALIASES: dict[str, dict[str, str]] = {
    "work_order_events": {"created_at": "at", "updated_at": "at"},
}
"""Columns filled from another generated column of the same row."""
