"""Field labels of the printed work order, shared by the PDF and ``kamdesk verify``.

Keys are the keys of the canonical record (:mod:`kamdesk.reports.workorder_context`);
values are English source strings marked with ``N_`` and translated when shown, so the
PDF grid and a verification message name a field with the same words.
"""

from __future__ import annotations

from datetime import timedelta

from kamdesk.i18n import N_, tr

FORM_TITLES: dict[str, str] = {
    "demand": N_("Service Demand Form"),
    "dispatch": N_("Service Dispatch Form"),
    "completion": N_("Service Completion Form"),
    "records": N_("Processing Record"),
}

FIELD_LABELS: dict[str, str] = {
    "branch": N_("Branch"),
    "order_no": N_("Order no."),
    "kind": N_("Order type"),
    "customer": N_("Customer"),
    "name": N_("Name"),
    "credit_code": N_("Unified social credit code"),
    "product": N_("Product / service"),
    "code": N_("Code"),
    "quantity": N_("Quantity"),
    "requested_date": N_("Requested date"),
    "requirement": N_("Requirement"),
    "importance": N_("Importance"),
    "owner_am": N_("Account manager"),
    "circuit": N_("Circuit"),
    "a_end": N_("A-end address"),
    "z_end": N_("Z-end address"),
    "bandwidth": N_("Bandwidth"),
    "interface": N_("Interface"),
    "circuit_no": N_("Circuit no."),
    "review": N_("Review"),
    "approval": N_("Leader approval"),
    "issue": N_("Issued"),
    "by": N_("By"),
    "at": N_("Time"),
    "comment": N_("Comment"),
    "resource": N_("Resource confirmation"),
    "result": N_("Result"),
    "note": N_("Note"),
    "steps": N_("Dispatch step"),
    "seq": N_("No."),
    "workstation": N_("Workstation"),
    "planned_hours": N_("Planned hours"),
    "deadline": N_("Deadline"),
    "state": N_("State"),
    "done_at": N_("Done at"),
    "returns": N_("Return order"),
    "step_seq": N_("Step"),
    "reason": N_("Reason"),
    "description": N_("Description"),
    "emergency_handling": N_("Emergency handling"),
    "raised_at": N_("Raised at"),
    "raised_by": N_("Raised by"),
    "repair": N_("Repair clock"),
    "reported_at": N_("Fault reported at"),
    "restored_at": N_("Service restored at"),
    "repair_time": N_("Repair time"),
    "completion": N_("Completion"),
    "results": N_("Completion results"),
    "test_results": N_("Test results"),
    "completed_at": N_("Completed at"),
    "acceptance": N_("Customer acceptance"),
    "satisfaction": N_("Satisfaction"),
    "accepted_at": N_("Accepted at"),
    "timeline": N_("Timeline event"),
    "actor": N_("Actor"),
    "action": N_("Action"),
    "from": N_("From state"),
    "to": N_("To state"),
    "signatures": N_("Signature"),
    "role": N_("Role"),
    "signer": N_("Signer"),
    "signed_at": N_("Signed at"),
    "png_sha256": N_("Signature image"),
    "attachments": N_("Attachment"),
    "filename": N_("File name"),
    "sha256": N_("SHA-256"),
    "size": N_("Size"),
    "schema": N_("Record format"),
}

SIGNATURE_TITLES: dict[str, str] = {
    "customer": N_("Signature of the customer"),
    "am": N_("Signature of the account manager"),
    "workstation": N_("Signature of the workstation lead"),
}


def hours_and_minutes(value: timedelta | None) -> str:
    """A duration such as a fault's repair time as "3 h 50 min" (empty for ``None``)."""
    if value is None:
        return ""
    minutes = max(int(value.total_seconds() // 60), 0)
    return tr("{hours} h {minutes} min", hours=minutes // 60, minutes=minutes % 60)


def field_label(key: str) -> str:
    """The translated label of a canonical key; the key itself when unknown."""
    template = FIELD_LABELS.get(key)
    return tr(template) if template else key


def form_title(key: str) -> str:
    """The translated title of a form section (``demand``, ``dispatch``, ...)."""
    return tr(FORM_TITLES[key])
