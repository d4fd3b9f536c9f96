"""Agreements (协议) with their monthly revenue split, and opportunities in the funnel.

An agreement without an explicit split is spread evenly over its term's months
(:func:`~kamdesk.services.customer_file.months.even_split`); an explicit split must
lie inside the term and add up to the agreement's value. Opportunities move along
the funnel one stage at a time (:mod:`kamdesk.domain.customers.funnel`); a won or lost
one is final.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from kamdesk.db.models import Agreement, AgreementMonth, Opportunity, Product
from kamdesk.domain.customers.funnel import Stage as FunnelStage
from kamdesk.domain.customers.funnel import check_transition
from kamdesk.errors import KamdeskError, define
from kamdesk.i18n import N_, tr
from kamdesk.services.actor import Actor
from kamdesk.services.customer_file.drafts import AgreementDraft, OpportunityDraft
from kamdesk.services.customer_file.guards import child_row, open_customer
from kamdesk.services.customer_file.months import even_split, first_of_month
from kamdesk.services.customer_file.validation import (
    Problems,
    agreement_problems,
    field_label,
    opportunity_problems,
    require_valid,
)
from kamdesk.services.customer_file.vocabulary import (
    FUNNEL_CLOSED,
    FUNNEL_STAGE_LABELS,
)

define(
    {
        "customer_file.funnel_closed": N_(
            "This opportunity is already {stage}; a won or lost opportunity does not move"
        ),
    }
)


def _product_problems(session: Session, product_ids: set[str | None]) -> Problems:
    for product_id in product_ids - {None}:
        product = session.get(Product, product_id)
        if product is None or product.deleted_at is not None:
            return {
                "product_id": KamdeskError("customer_file.choice", field=field_label("product_id"))
            }
    return {}


def add_agreement(session: Session, customer_id: str, draft: AgreementDraft, actor: Actor) -> str:
    """A new active agreement with its monthly split; returns its id."""
    open_customer(session, customer_id, actor)
    problems = agreement_problems(draft)
    problems.update(_product_problems(session, {m.product_id for m in draft.months}))
    require_valid(problems)
    agreement = Agreement(
        customer_id=customer_id,
        number=draft.number.strip(),
        title=draft.title.strip(),
        signed_on=draft.signed_on,
        starts_on=draft.starts_on,
        ends_on=draft.ends_on,
        total_value=draft.total_value,
        status="active",
    )
    session.add(agreement)
    session.flush()
    shares = draft.months or even_split(draft.starts_on, draft.ends_on, draft.total_value)
    for share in shares:
        session.add(
            AgreementMonth(
                agreement_id=agreement.id,
                month=first_of_month(share.month),
                product_id=share.product_id,
                expected_revenue=share.amount,
            )
        )
    session.flush()
    return agreement.id


def save_opportunity(
    session: Session,
    customer_id: str,
    draft: OpportunityDraft,
    actor: Actor,
    now: datetime,
    opportunity_id: str | None = None,
) -> str:
    """Add an opportunity (``opportunity_id`` None) or edit one; returns its id."""
    open_customer(session, customer_id, actor)
    problems = opportunity_problems(draft)
    problems.update(_product_problems(session, {draft.product_id}))
    require_valid(problems)
    if opportunity_id is None:
        opportunity = Opportunity(
            customer_id=customer_id, owner_id=actor.staff_id, stage=draft.stage
        )
        opportunity.stage_changed_at = now
        session.add(opportunity)
    else:
        opportunity = child_row(session, Opportunity, opportunity_id, customer_id)
        _move(opportunity, draft.stage, now)
    opportunity.title = draft.title.strip()
    opportunity.product_id = draft.product_id
    opportunity.expected_value = draft.expected_value
    opportunity.expected_close = draft.expected_close
    session.flush()
    return opportunity.id


def _move(opportunity: Opportunity, stage: str, now: datetime) -> None:
    if stage == opportunity.stage:
        return
    if opportunity.stage in FUNNEL_CLOSED:
        label = tr(FUNNEL_STAGE_LABELS[FunnelStage(opportunity.stage)])
        raise KamdeskError("customer_file.funnel_closed", stage=label)
    check_transition(FunnelStage(opportunity.stage), FunnelStage(stage))
    opportunity.stage = stage
    opportunity.stage_changed_at = now


def move_opportunity(
    session: Session,
    customer_id: str,
    opportunity_id: str,
    stage: str,
    actor: Actor,
    now: datetime,
) -> None:
    """Move an open opportunity to its next stage, or lose it (the funnel's rules)."""
    open_customer(session, customer_id, actor)
    opportunity = child_row(session, Opportunity, opportunity_id, customer_id)
    problems = opportunity_problems(OpportunityDraft(title=opportunity.title, stage=stage))
    require_valid(problems)
    _move(opportunity, stage, now)
