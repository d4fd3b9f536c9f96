"""The customer file service: each public method is one unit of work.

Reads open a read session and return :class:`CustomerFile` and other frozen views;
writes open one write transaction, check the actor and the input, change the rows
through the ORM (so the sync capture sees them) and commit, or change nothing and
raise ``KamdeskError`` (:class:`InvalidInput` for field problems).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Engine

from kamdesk.domain.clock import utcnow
from kamdesk.services.actor import Actor
from kamdesk.services.customer_file import activities, complaints, customers, deals, people
from kamdesk.services.customer_file.drafts import (
    AgreementDraft,
    CareActionDraft,
    ComplaintDraft,
    CustomerDraft,
    KeyPersonDraft,
    OpportunityDraft,
    VisitDraft,
)
from kamdesk.services.customer_file.guards import live_customer, require_file_reader
from kamdesk.services.customer_file.history import read_history
from kamdesk.services.customer_file.overview import read_choices, read_overview
from kamdesk.services.customer_file.sections import (
    read_agreements,
    read_care_actions,
    read_complaints,
    read_key_persons,
    read_opportunities,
    read_visits,
)
from kamdesk.services.customer_file.views import (
    CreateOutcome,
    CustomerFile,
    DuplicateCandidate,
    FileChoices,
)
from kamdesk.services.customer_file.vocabulary import ComplaintState
from kamdesk.services.personal_data import may_read_contacts
from kamdesk.services.uow import read_session, write_session


class CustomerFileService:
    """Read and change one account's file (大客户档案).

    ``clock`` gives "now" (aware); tests pass a fixed one.
    """

    def __init__(self, engine: Engine, clock: Callable[[], datetime] = utcnow) -> None:
        self._engine = engine
        self._clock = clock

    # --- reading --------------------------------------------------------------------

    def read(self, customer_id: str, actor: Actor) -> CustomerFile:
        """The whole file, when ``actor`` may read it (``customer_file.not_found``
        otherwise); key persons' contacts are masked unless ``actor`` may read them
        (:func:`~kamdesk.services.personal_data.may_read_contacts`)."""
        now = self._clock()
        with read_session(self._engine, actor=actor) as s:
            customer = live_customer(s, customer_id)
            require_file_reader(s, customer, actor)
            contacts = may_read_contacts(actor)
            return CustomerFile(
                overview=read_overview(s, customer, now),
                key_persons=read_key_persons(s, customer_id, show_contacts=contacts),
                visits=read_visits(s, customer_id),
                care_actions=read_care_actions(s, customer_id),
                complaints=read_complaints(s, customer_id, now),
                agreements=read_agreements(s, customer_id),
                opportunities=read_opportunities(s, customer_id),
                history=read_history(s, customer_id),
            )

    def choices(self, actor: Actor) -> FileChoices:
        """Pick lists for the forms: industry groups, the branch's managers, branches,
        products."""
        with read_session(self._engine, actor=actor) as s:
            return read_choices(s, actor)

    def check_duplicates(
        self, draft: CustomerDraft, *, exclude_id: str | None = None
    ) -> tuple[DuplicateCandidate, ...]:
        """Accounts with the draft's credit code or a near-identical name, whoever owns
        them (names and credit codes only)."""
        with read_session(self._engine) as s:
            return customers.find_duplicates(s, draft, exclude_id=exclude_id)

    # --- the account ----------------------------------------------------------------

    def create_customer(
        self, draft: CustomerDraft, actor: Actor, *, accept_duplicates: bool = False
    ) -> CreateOutcome:
        """Create the account, or return its look-alikes (nothing written) unless
        ``accept_duplicates``."""
        with write_session(self._engine, actor=actor) as s:
            return customers.create_customer(
                s, draft, actor, self._clock(), accept_duplicates=accept_duplicates
            )

    def edit_customer(self, customer_id: str, draft: CustomerDraft, actor: Actor) -> None:
        with write_session(self._engine, actor=actor) as s:
            customers.edit_customer(s, customer_id, draft, actor, self._clock())

    def close_customer(self, customer_id: str, reason: str, actor: Actor) -> None:
        """离网 with ``reason``; the file stays readable and accepts no more changes."""
        with write_session(self._engine, actor=actor) as s:
            customers.close_customer(s, customer_id, reason, actor, self._clock())

    # --- key persons, visits, care --------------------------------------------------

    def save_key_person(
        self,
        customer_id: str,
        draft: KeyPersonDraft,
        actor: Actor,
        person_id: str | None = None,
    ) -> str:
        with write_session(self._engine, actor=actor) as s:
            return people.save_key_person(s, customer_id, draft, actor, person_id)

    def record_visit(self, customer_id: str, draft: VisitDraft, actor: Actor) -> str:
        with write_session(self._engine, actor=actor) as s:
            return activities.record_visit(s, customer_id, draft, actor, self._clock())

    def add_care_action(self, customer_id: str, draft: CareActionDraft, actor: Actor) -> str:
        with write_session(self._engine, actor=actor) as s:
            return activities.add_care_action(s, customer_id, draft, actor)

    def complete_care_action(
        self, customer_id: str, action_id: str, notes: str, actor: Actor
    ) -> None:
        with write_session(self._engine, actor=actor) as s:
            activities.complete_care_action(s, customer_id, action_id, notes, actor, self._clock())

    # --- complaints, agreements, opportunities --------------------------------------

    def add_complaint(self, customer_id: str, draft: ComplaintDraft, actor: Actor) -> str:
        with write_session(self._engine, actor=actor) as s:
            return complaints.add_complaint(s, customer_id, draft, actor, self._clock())

    def advance_complaint(
        self, customer_id: str, complaint_id: str, notes: str, actor: Actor
    ) -> ComplaintState:
        """One step along received → handled → closed → followed up."""
        with write_session(self._engine, actor=actor) as s:
            return complaints.advance_complaint(
                s, customer_id, complaint_id, notes, actor, self._clock()
            )

    def add_agreement(self, customer_id: str, draft: AgreementDraft, actor: Actor) -> str:
        with write_session(self._engine, actor=actor) as s:
            return deals.add_agreement(s, customer_id, draft, actor)

    def save_opportunity(
        self,
        customer_id: str,
        draft: OpportunityDraft,
        actor: Actor,
        opportunity_id: str | None = None,
    ) -> str:
        with write_session(self._engine, actor=actor) as s:
            return deals.save_opportunity(
                s, customer_id, draft, actor, self._clock(), opportunity_id
            )

    def move_opportunity(
        self, customer_id: str, opportunity_id: str, stage: str, actor: Actor
    ) -> None:
        with write_session(self._engine, actor=actor) as s:
            deals.move_opportunity(s, customer_id, opportunity_id, stage, actor, self._clock())
