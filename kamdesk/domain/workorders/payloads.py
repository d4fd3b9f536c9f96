"""Validation of what each command carries, into the normalised payload of its event.

:func:`normalise` checks one command's payload field by field and returns the frozen
payload the event will store: text stripped, choices as their codes, money and hours
as decimal strings, instants as ISO 8601 with offset. Unknown fields are refused, so
a log validated at HQ holds nothing the rules do not know.

Guarantee: normalising an event's own payload gives the same payload back (derived
fields, written by the machine, are dropped before validation), which is how HQ
re-checks an incoming event.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from kamdesk.domain.sla import MAX_PROMISED_DAYS, SlaMode
from kamdesk.domain.workorders.events import Frozen, Payload, freeze, freeze_payload
from kamdesk.domain.workorders.vocabulary import (
    ACTION_LABELS,
    Action,
    DispatchMode,
    Grade,
    OrderKind,
    ResourceOutcome,
    ReturnReason,
)
from kamdesk.errors import KamdeskError, define
from kamdesk.i18n import N_, tr

define(
    {
        "workorder.unknown_field": N_(
            "The form has a field the work-order rules do not know: {field}."
        ),
        "workorder.missing_field": N_("{field_label} is required to {action_label}."),
        "workorder.bad_choice": N_("{field_label} must be one of {choices}; got {value}."),
        "workorder.bad_text": N_("{field_label} must be text of at most {max_length} characters."),
        "workorder.bad_flag": N_("{field_label} must be yes or no."),
        "workorder.bad_amount": N_(
            "{field_label} must be an amount in CNY of 0 or more; got {value}."
        ),
        "workorder.bad_hours": N_(
            "Planned hours must be more than 0 and at most {maximum}; got {value}."
        ),
        "workorder.bad_instant": N_(
            "{field_label} must be a date and time with its time zone; got {value}."
        ),
        "workorder.bad_satisfaction": N_(
            "Satisfaction must be a whole score from 1 to 5; got {value}."
        ),
        "workorder.bad_promised_days": N_(
            "The promised time must be a whole number of days from 1 to {maximum}; got {value}."
        ),
        "workorder.bad_form": N_(
            "The form data must be text, whole numbers, yes/no values, lists or groups of fields."
        ),
        "workorder.signature_missing": N_(
            "The customer's signature is missing; the order cannot be accepted without it."
        ),
        "workorder.reason_required": N_("Give a reason to {action_label}."),
        "workorder.detail_required": N_(
            "Describe the problem when the reason is \u201cother\u201d."
        ),
        "workorder.no_steps": N_("A dispatch needs at least one step."),
        "workorder.too_many_steps": N_("A dispatch can have at most {maximum} steps; got {count}."),
        "workorder.duplicate_step": N_("Step {step_id} appears twice in the dispatch."),
        "workorder.bad_step": N_(
            "Each step needs a step number, a workstation, planned hours and a deadline."
        ),
        "workorder.step_deadline_past": N_(
            "The deadline of step {step_id} ({deadline}) is before the dispatch ({at})."
        ),
        "workorder.reported_after_created": N_(
            "The fault cannot have been reported ({reported}) after the order was created ({at})."
        ),
        "workorder.nothing_to_edit": N_("Nothing to change in the draft."),
    }
)

FIELD_LABELS: dict[str, str] = {
    "kind": N_("Order kind"),
    "industry_group": N_("Industry group"),
    "grade": N_("Grade"),
    "value": N_("Order value"),
    "resource_request": N_("Resource-confirmation request"),
    "reported_at": N_("Fault reported at"),
    "form": N_("Form data"),
    "note": N_("Note"),
    "reason": N_("Reason"),
    "promised_days": N_("Promised days"),
    "sla_mode": N_("Day counting"),
    "outcome": N_("Resource outcome"),
    "detail": N_("Details"),
    "mode": N_("Step order"),
    "steps": N_("Steps"),
    "step_id": N_("Step number"),
    "workstation": N_("Workstation"),
    "planned_hours": N_("Planned hours"),
    "deadline": N_("Deadline"),
    "task": N_("Task"),
    "result": N_("Result"),
    "emergency_handling": N_("Emergency handling"),
    "resolution": N_("Resolution"),
    "results": N_("Results"),
    "test_results": N_("Test results"),
    "signature_ref": N_("Customer signature"),
    "signer_name": N_("Signer's name"),
    "satisfaction": N_("Satisfaction"),
    "comment": N_("Comment"),
}

SHORT_TEXT = 200
LONG_TEXT = 4000
MAX_STEPS = 100
MAX_PLANNED_HOURS = Decimal(10_000)

# Written by the machine, never by the caller; dropped before validation.
DERIVED_FIELDS: dict[Action, frozenset[str]] = {
    Action.CREATE: frozenset({"owner_id"}),
    Action.REVIEW_APPROVE: frozenset({"importance", "needs_leader", "threshold"}),
}


def field_label(name: str) -> str:
    return tr(FIELD_LABELS.get(name, name))


def _action_label(action: Action) -> str:
    return tr(ACTION_LABELS[action])


@dataclass(frozen=True)
class Ctx:
    action: Action
    at: datetime


Parser = Callable[[object, str, Ctx], Frozen]


def text(max_length: int) -> Parser:
    def parse(value: object, name: str, ctx: Ctx) -> Frozen:
        if not isinstance(value, str) or len(value.strip()) > max_length:
            raise KamdeskError(
                "workorder.bad_text",
                field=name,
                field_label=field_label(name),
                max_length=max_length,
            )
        return value.strip()

    return parse


def choice(enum: type[StrEnum]) -> Parser:
    def parse(value: object, name: str, ctx: Ctx) -> Frozen:
        codes = [member.value for member in enum]
        if not isinstance(value, str) or value not in codes:
            raise KamdeskError(
                "workorder.bad_choice",
                field=name,
                field_label=field_label(name),
                choices=", ".join(codes),
                value=value,
            )
        return value

    return parse


def flag(value: object, name: str, ctx: Ctx) -> Frozen:
    if not isinstance(value, bool):
        raise KamdeskError("workorder.bad_flag", field=name, field_label=field_label(name))
    return value


def _decimal(value: object) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        return None
    try:
        number = Decimal(value)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def amount(value: object, name: str, ctx: Ctx) -> Frozen:
    number = _decimal(value)
    if number is None or number < 0:
        raise KamdeskError(
            "workorder.bad_amount", field=name, field_label=field_label(name), value=value
        )
    return f"{number.quantize(Decimal('0.01')):f}"


def hours(value: object, name: str, ctx: Ctx) -> Frozen:
    number = _decimal(value)
    if number is None or not 0 < number <= MAX_PLANNED_HOURS:
        raise KamdeskError("workorder.bad_hours", value=value, maximum=MAX_PLANNED_HOURS)
    return f"{number.normalize():f}"


def parse_instant(value: object) -> datetime | None:
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return None
    if not isinstance(value, datetime) or value.tzinfo is None:
        return None
    return value


def instant(value: object, name: str, ctx: Ctx) -> Frozen:
    moment = parse_instant(value)
    if moment is None:
        raise KamdeskError(
            "workorder.bad_instant", field=name, field_label=field_label(name), value=value
        )
    return moment.isoformat()


def whole(low: int, high: int, code: str) -> Parser:
    def parse(value: object, name: str, ctx: Ctx) -> Frozen:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise KamdeskError(code, value=value, maximum=high)
        return value

    return parse


def form(value: object, name: str, ctx: Ctx) -> Frozen:
    if not isinstance(value, Mapping):
        raise KamdeskError("workorder.bad_form")
    try:
        return freeze(value)
    except TypeError:
        raise KamdeskError("workorder.bad_form") from None


def steps(value: object, name: str, ctx: Ctx) -> Frozen:
    if not isinstance(value, list | tuple) or not value:
        raise KamdeskError("workorder.no_steps")
    if len(value) > MAX_STEPS:
        raise KamdeskError("workorder.too_many_steps", maximum=MAX_STEPS, count=len(value))
    out: list[Frozen] = []
    seen: set[str] = set()
    for raw in value:
        if not isinstance(raw, Mapping):
            raise KamdeskError("workorder.bad_step")
        step = _fields(raw, STEP_FIELDS, ctx)
        step_id = str(step["step_id"])
        if step_id in seen:
            raise KamdeskError("workorder.duplicate_step", step_id=step_id)
        seen.add(step_id)
        _check_deadline(step_id, step["deadline"], ctx)
        out.append(step)
    return tuple(out)


def _check_deadline(step_id: str, deadline: Frozen, ctx: Ctx) -> None:
    moment = parse_instant(deadline)
    if moment is not None and moment < ctx.at:
        raise KamdeskError(
            "workorder.step_deadline_past",
            step_id=step_id,
            deadline=deadline,
            at=ctx.at.isoformat(),
        )


Spec = Mapping[str, tuple[Parser, bool]]  # field → (parser, required)

NOTE: Spec = {"note": (text(LONG_TEXT), False)}
REASON: Spec = {"reason": (text(LONG_TEXT), True)}
STEP_ID: Spec = {"step_id": (text(SHORT_TEXT), True)}
STEP_FIELDS: Spec = {
    "step_id": (text(SHORT_TEXT), True),
    "workstation": (text(SHORT_TEXT), True),
    "planned_hours": (hours, True),
    "deadline": (instant, True),
    "task": (text(LONG_TEXT), False),
}
ORDER_FIELDS: Spec = {
    "industry_group": (text(SHORT_TEXT), True),
    "grade": (choice(Grade), True),
    "value": (amount, True),
    "resource_request": (flag, False),
    "reported_at": (instant, False),
    "form": (form, False),
}

SPECS: dict[Action, Spec] = {
    Action.CREATE: {"kind": (choice(OrderKind), True), **ORDER_FIELDS, **NOTE},
    Action.EDIT: {**{k: (p, False) for k, (p, _r) in ORDER_FIELDS.items()}, **NOTE},
    Action.SUBMIT: NOTE,
    Action.REVIEW_APPROVE: NOTE,
    Action.REVIEW_REJECT: REASON,
    Action.LEADER_APPROVE: NOTE,
    Action.LEADER_REJECT: REASON,
    Action.ISSUE: {
        "promised_days": (whole(1, MAX_PROMISED_DAYS, "workorder.bad_promised_days"), True),
        "sla_mode": (choice(SlaMode), True),
        **NOTE,
    },
    Action.CONFIRM_RESOURCES: {
        "outcome": (choice(ResourceOutcome), True),
        "detail": (text(LONG_TEXT), False),
    },
    Action.DISPATCH: {"mode": (choice(DispatchMode), True), "steps": (steps, True), **NOTE},
    Action.START_STEP: {**STEP_ID, **NOTE},
    Action.FINISH_STEP: {**STEP_ID, "result": (text(LONG_TEXT), False)},
    Action.RETURN_STEP: {
        **STEP_ID,
        "reason": (choice(ReturnReason), True),
        "detail": (text(LONG_TEXT), False),
        "emergency_handling": (text(LONG_TEXT), False),
    },
    Action.RESOLVE_RETURN: {
        **STEP_ID,
        "resolution": (text(LONG_TEXT), True),
        "workstation": (text(SHORT_TEXT), False),
        "planned_hours": (hours, False),
        "deadline": (instant, False),
    },
    Action.PAUSE: REASON,
    Action.RESUME: NOTE,
    Action.RESTORE: NOTE,
    Action.COMPLETE: {"results": (text(LONG_TEXT), True), "test_results": (text(LONG_TEXT), False)},
    Action.ACCEPT: {
        "signature_ref": (text(SHORT_TEXT), True),
        "signer_name": (text(SHORT_TEXT), True),
        "satisfaction": (whole(1, 5, "workorder.bad_satisfaction"), True),
        "comment": (text(LONG_TEXT), False),
    },
    Action.SIGN_OFF: NOTE,
    Action.ARCHIVE: NOTE,
    Action.CANCEL: REASON,
}

REASON_ACTIONS = frozenset(
    {Action.REVIEW_REJECT, Action.LEADER_REJECT, Action.PAUSE, Action.CANCEL}
)


def _missing(name: str, ctx: Ctx) -> KamdeskError:
    if name == "signature_ref":
        return KamdeskError("workorder.signature_missing")
    if name == "reason" and ctx.action in REASON_ACTIONS:
        return KamdeskError(
            "workorder.reason_required",
            action=ctx.action.value,
            action_label=_action_label(ctx.action),
        )
    return KamdeskError(
        "workorder.missing_field",
        field=name,
        field_label=field_label(name),
        action=ctx.action.value,
        action_label=_action_label(ctx.action),
    )


def _fields(raw: Mapping[str, object], spec: Spec, ctx: Ctx) -> Payload:
    for name in raw:
        if name not in spec:
            raise KamdeskError("workorder.unknown_field", field=name)
    out: dict[str, Frozen] = {}
    for name, (parse, required) in spec.items():
        value = raw.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                raise _missing(name, ctx)
            continue
        out[name] = parse(value, name, ctx)
    return freeze_payload(out)


def normalise(action: Action, payload: Mapping[str, object], at: datetime) -> Payload:
    """The validated, normalised payload of ``action``; raises :class:`KamdeskError`."""
    derived = DERIVED_FIELDS.get(action, frozenset())
    raw = {key: value for key, value in payload.items() if key not in derived}
    ctx = Ctx(action, at)
    out = dict(_fields(raw, SPECS[action], ctx))
    if action is Action.CREATE:
        out.setdefault("resource_request", False)
        if out["kind"] == OrderKind.FAULT:
            if "reported_at" not in out:
                raise _missing("reported_at", ctx)
            reported = parse_instant(out["reported_at"])
            if reported is not None and reported > at:
                raise KamdeskError(
                    "workorder.reported_after_created",
                    reported=out["reported_at"],
                    at=at.isoformat(),
                )
        elif "reported_at" in out:
            raise KamdeskError("workorder.unknown_field", field="reported_at")
    elif action is Action.EDIT:
        if not set(out) - {"note"}:
            raise KamdeskError("workorder.nothing_to_edit")
    elif action is Action.RETURN_STEP:
        if out["reason"] == ReturnReason.OTHER and "detail" not in out:
            raise KamdeskError("workorder.detail_required")
    elif action is Action.CONFIRM_RESOURCES:
        if out["outcome"] == ResourceOutcome.NOT_POSSIBLE and "detail" not in out:
            raise KamdeskError(
                "workorder.reason_required", action=action.value, action_label=_action_label(action)
            )
    elif action is Action.RESOLVE_RETURN and "deadline" in out:
        _check_deadline(str(out["step_id"]), out["deadline"], ctx)
    return freeze_payload(out)
