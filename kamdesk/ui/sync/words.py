"""How the sync page puts sync facts into plain words: errors, tables, fields, values.

Guarantee: :func:`error_words` never returns an error code, an exception class name
or a traceback. Failures whose stored text would show technical detail (a network
exception's class, an HTTP status, a parser complaint) get a plain sentence instead;
a code this KAMDesk does not know (written by a newer version) gets a general one.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from kamdesk.errors import KamdeskError, message_template
from kamdesk.i18n import N_, tr
from kamdesk.services.customer_file.validation import FIELD_LABELS as FILE_FIELD_LABELS
from kamdesk.sync.messages import AUDIT_FORKED, AUDIT_REWOUND, AuditAlarm
from kamdesk.sync.state import LoadProgress
from kamdesk.ui.customer_file.formatting import instant

PLAIN_ERRORS: dict[str, str] = {
    "sync.unreachable": N_(
        "HQ could not be reached ({url}). Check the network connection; KAMDesk tries "
        "again by itself, and your changes wait safely on this computer."
    ),
    "work.cancelled": N_(
        "The sync was cancelled. What was already sent or received is kept; the next "
        "sync continues from there."
    ),
    "request.failed": N_(
        "HQ did not answer properly (it may be restarting). KAMDesk tries again later; "
        "if this keeps happening, tell IT."
    ),
    "protocol.bad_response": N_(
        "HQ sent an answer this KAMDesk cannot read. Update KAMDesk, or tell IT if it "
        "is up to date."
    ),
    "sync.keyring_unavailable": N_(
        "The computer's credential store could not be used to keep the HQ access key. "
        "Sign in to Windows again, or tell IT."
    ),
    "sync.bad_row": N_("HQ could not read this change of {table}. Tell IT."),
}
"""Codes whose own message carries technical detail, shown with these words instead."""

UNKNOWN_ERROR = N_(
    "The sync did not finish because of a problem this version of KAMDesk cannot "
    "describe. Your changes wait safely on this computer; tell IT if it keeps happening."
)
UNEXPECTED_ERROR = N_(
    "The sync stopped because of an unexpected problem. Your changes wait safely on this "
    "computer. The details were written to the log file, whose location is in Settings."
)

TABLE_LABELS: dict[str, str] = {
    "customers": N_("Account"),
    "key_persons": N_("Key person"),
    "agreements": N_("Agreement"),
    "agreement_months": N_("Agreement revenue month"),
    "opportunities": N_("Opportunity"),
    "customer_products": N_("Product in use"),
    "demand_forecasts": N_("Demand forecast"),
    "revenue_months": N_("Monthly revenue"),
    "grade_history": N_("Grade history"),
    "work_orders": N_("Work order"),
    "work_order_steps": N_("Work-order step"),
    "work_order_events": N_("Work-order step record"),
    "return_orders": N_("Return order"),
    "clock_pauses": N_("Deadline pause"),
    "complaints": N_("Complaint"),
    "visits": N_("Visit"),
    "care_actions": N_("Care action"),
    "competitor_notes": N_("Competitor note"),
    "signatures": N_("Signature"),
    "attachments": N_("Attachment"),
    "branches": N_("Branch"),
    "staff": N_("Staff directory"),
    "products": N_("Product"),
    "sla_rules": N_("Promised days"),
    "grading_rule_sets": N_("Grading rules"),
    "calendar_overrides": N_("Working calendar"),
    "targets": N_("Targets"),
    "incentive_schedules": N_("Incentive schedule"),
    "workorder_policies": N_("Work-order policy"),
    "industry_groups": N_("Industry group"),
    "workstations": N_("Workstation"),
}

FIELD_LABELS: dict[str, str] = {
    **FILE_FIELD_LABELS,
    "phone": N_("Phone"),
    "district": N_("District"),
    "grade": N_("Grade"),
    "level": N_("Level"),
    "strategic": N_("Strategic account"),
    "competitor_presence": N_("Competitors present"),
    "department": N_("Department"),
    "mobile": N_("Mobile"),
    "landline": N_("Landline"),
    "email": N_("Email"),
    "birthday": N_("Birthday"),
    "preferences": N_("Preferences"),
    "signed_on": N_("Signed on"),
    "starts_on": N_("Starts on"),
    "ends_on": N_("Ends on"),
    "expected_close": N_("Expected close"),
    "quantity": N_("Quantity"),
    "circuit_no": N_("Circuit number"),
    "deleted_at": N_("Deleted at"),
}


def error_words(error: BaseException) -> str:
    """What a person reads when a sync step failed with ``error``."""
    if isinstance(error, KamdeskError):
        return plain_error(error.code, error.params)
    return tr(UNEXPECTED_ERROR)


def plain_error(code: str, params: Mapping[str, Any]) -> str:
    """The stored failure ``code`` with ``params`` in plain words (never the code)."""
    named = dict(params)
    if isinstance(named.get("table"), str):
        named["table"] = table_label(named["table"])
    if isinstance(named.get("column"), str):
        named["column"] = field_label(named["column"])
    template = PLAIN_ERRORS.get(code) or message_template(code)
    if template is None:
        return tr(UNKNOWN_ERROR)
    try:
        return tr(template).format(**named)
    except (KeyError, IndexError, ValueError):  # a stored entry lacking a parameter
        return tr(UNKNOWN_ERROR)


def table_label(name: str) -> str:
    text = TABLE_LABELS.get(name)
    return tr(text) if text is not None else name


def field_label(name: str) -> str:
    text = FIELD_LABELS.get(name)
    return tr(text) if text is not None else name


def record_text(table: str, record: str) -> str:
    """``客户档案 南京明远科技`` — the kind of record and its name when known."""
    kind = table_label(table)
    return tr("{kind} “{name}”", kind=kind, name=record) if record else kind


def value_text(value: Any) -> str:
    """A synced field value as a person reads it (empty values say so)."""
    if value is None or value == "":
        return tr("(empty)")
    if isinstance(value, bool):
        return tr("Yes") if value else tr("No")
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def when_text(at: datetime | None) -> str:
    return instant(at) if at is not None else tr("unknown time")


def who_text(here: bool, device: str | None) -> str:
    """Which computer made a value: this one, or another one of the branch."""
    if here:
        return tr("this computer")
    if device:
        return tr("another computer (no. …{tail})", tail=device[-6:])
    return tr("another computer")


AUDIT_ALARM_WORDS: dict[str, str] = {
    AUDIT_REWOUND: N_(
        "Audit log warning: on {when} HQ found that this computer's audit log went "
        "backwards. HQ had recorded entry {known}, but the log then ended at entry {seq}: "
        "entries were cut off, or an older copy of the database was put in place. HQ "
        "keeps this warning until IT has looked into it."
    ),
    AUDIT_FORKED: N_(
        "Audit log warning: on {when} HQ found that this computer's audit log no longer "
        "holds what HQ recorded (entry {known} is different now): an older copy of the "
        "database was put in place and used since, or entries were rewritten. HQ keeps "
        "this warning until IT has looked into it."
    ),
}


def audit_alarm_words(alarm: AuditAlarm) -> str:
    """HQ's open audit alarm for this computer as a plain sentence."""
    try:
        when = instant(datetime.fromisoformat(alarm.reported_at))
    except ValueError:
        when = alarm.reported_at
    template = AUDIT_ALARM_WORDS.get(alarm.status, AUDIT_ALARM_WORDS[AUDIT_REWOUND])
    return tr(template, when=when, known=alarm.known_seq, seq=alarm.seq)


def load_words(load: LoadProgress) -> str:
    """How far the first load (or a re-snapshot) from HQ has come, for the status bar."""
    if load.reloading:
        return tr("Reloading everything from HQ: {percent}%", percent=load.percent)
    return tr("First load from HQ: {percent}%", percent=load.percent)


def load_detail_words(load: LoadProgress) -> str:
    """:func:`load_words` with the changelog numbers, for the sync page."""
    return tr(
        "{progress} (up to change {reached} of {head}); the next sync continues from there.",
        progress=load_words(load),
        reached=f"{load.reached:,}",
        head=f"{load.head:,}",
    )


def progress_words(done: int, total: int, what: str) -> str:
    """A running round's step with its percentage (``what`` is already translated)."""
    percent = 100 if total <= 0 else min(100, max(0, done * 100 // total))
    return tr("{what}: {percent}%", what=what, percent=percent)
