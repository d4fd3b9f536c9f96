"""Sales funnel stages (TurboCRM case, seed 003) and demand-forecast periods (seed 000 p.19).

An opportunity moves one stage forward at a time: lead → created → assigned →
relationship built → negotiation → tender won; from any open stage the tender may be
lost. Won and lost are final. A forecast is for a month (its first day) or a quarter
(the first day of its first month).
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from kamdesk.errors import KamdeskError, define
from kamdesk.i18n import N_, tr

define(
    {
        "funnel.bad_transition": N_(
            "An opportunity at stage “{current}” cannot move to “{target}”; "
            "next possible: {allowed}"
        ),
        "forecast.bad_month": N_(
            "A {period} forecast must start on the first day of a {period} (not {day})"
        ),
        "forecast.negative": N_("A forecast cannot be below 0 (got {quantity})"),
    }
)


class Stage(StrEnum):
    LEAD = "lead"
    CREATED = "created"
    ASSIGNED = "assigned"
    RELATIONSHIP = "relationship"
    NEGOTIATION = "negotiation"
    WON = "won"
    LOST = "lost"


OPEN_STAGES: tuple[Stage, ...] = (
    Stage.LEAD,
    Stage.CREATED,
    Stage.ASSIGNED,
    Stage.RELATIONSHIP,
    Stage.NEGOTIATION,
)
"""The stages before the tender's outcome, in funnel order."""

STAGE_LABELS: dict[Stage, str] = {
    Stage.LEAD: N_("Lead"),
    Stage.CREATED: N_("Opportunity created"),
    Stage.ASSIGNED: N_("Assigned"),
    Stage.RELATIONSHIP: N_("Relationship built"),
    Stage.NEGOTIATION: N_("Negotiation"),
    Stage.WON: N_("Tender won"),
    Stage.LOST: N_("Tender lost"),
}


def next_stages(stage: Stage) -> tuple[Stage, ...]:
    """Where an opportunity at ``stage`` may go; empty for won and lost."""
    if stage not in OPEN_STAGES:
        return ()
    index = OPEN_STAGES.index(stage)
    forward = OPEN_STAGES[index + 1] if index + 1 < len(OPEN_STAGES) else Stage.WON
    return (forward, Stage.LOST)


def check_transition(current: Stage, target: Stage) -> None:
    """Raise ``funnel.bad_transition`` unless ``target`` is one of :func:`next_stages`."""
    allowed = next_stages(current)
    if target not in allowed:
        raise KamdeskError(
            "funnel.bad_transition",
            current=tr(STAGE_LABELS[current]),
            target=tr(STAGE_LABELS[target]),
            allowed=tr(", ").join(tr(STAGE_LABELS[s]) for s in allowed) or "—",
        )


class ForecastPeriod(StrEnum):
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"


PERIOD_LABELS: dict[ForecastPeriod, str] = {
    ForecastPeriod.MONTHLY: N_("month"),
    ForecastPeriod.QUARTERLY: N_("quarter"),
}


def check_forecast(period: ForecastPeriod, month: date, quantity: int) -> None:
    """Refuse a start day that is not the first of a month (of a quarter for quarterly
    forecasts), and a negative quantity."""
    quarter_start = month.month % 3 == 1
    if month.day != 1 or (period is ForecastPeriod.QUARTERLY and not quarter_start):
        raise KamdeskError(
            "forecast.bad_month", period=tr(PERIOD_LABELS[period]), day=month.isoformat()
        )
    if quantity < 0:
        raise KamdeskError("forecast.negative", quantity=quantity)
