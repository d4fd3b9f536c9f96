"""Record rules: which rows a staff member may read, enforced on their whole session.

One definition answers two questions:

- :func:`account_scope` — the accounts a person *looks after* (their "my" lists: my
  day, churn warnings, the funnel): an account manager their own, an industry manager
  their group's, a department leader or branch admin every account of the branch.
- :func:`record_criteria` — what a person may *read* at all. Every ORM ``SELECT`` of
  a session whose ``info`` carries an :class:`Actor` (``read_session`` and
  ``write_session`` with ``actor=``) is narrowed by ``with_loader_criteria`` in a
  ``do_orm_execute`` hook, so a query that forgets a filter still returns only these
  rows:

  ====================  ============================================================
  role                  reads
  ====================  ============================================================
  account manager       own accounts with everything hanging off them; own orders
  industry manager      the accounts of their industry group and their orders
  leader, branch admin  the whole branch
  HQ analyst            the whole branch, read only (changes are refused)
  clerk, response       every order of the branch (the transition table
  center                :data:`~kamdesk.domain.workorders.rules.RULES` lets them act
                        on any order); a customer only as the name on an order,
                        never its file
  workstation           the orders with a step at their workstation; customers
                        likewise
  ====================  ============================================================

  Scoped: accounts and every row of their file (key persons, visits, care actions,
  complaints, competitor notes, products in use, grade history, agreements and their
  months, revenue, opportunities), demand forecasts, work orders and every row of an
  order (steps, events, returns, pauses, signatures, attachments). Reference data
  (branches, staff, groups, products, rules, targets, calendar), content-addressed
  blobs (reachable only through a hash an in-scope row gives) and the local tables
  (audit log, outbox, settings, sync state) are not.

Deny by default: an actor without a branch or with an unknown role reads no scoped
row and may change none.

Hazards:

- A session **without** an actor is unscoped: that is the system — the sync engine,
  the KPI engine and its summary hooks, the audit trail, backups, the demo generator,
  migrations, sign-in. A service that reads on behalf of a person must hand the actor
  to its session; one that does not reads everything. (The KPI service computes as the
  system and narrows its rows and ids by hand: :mod:`kamdesk.services.kpi.visibility`.)
- Only ORM statements are narrowed. Core tables (``Customer.__table__``), ``text()``,
  ``session.connection().execute(...)`` (use :func:`scoped` there) and a correlated
  ``exists().where(...)`` with no explicit FROM escape the rules, as does
  ``Session.get`` of an object already loaded in the session.
- The execution option :data:`UNSCOPED` lifts the rules for one statement inside a
  person's session, for checks that must see the whole branch (the next order number,
  duplicate accounts); what such a statement reads must not be shown to the person.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, TypeVar

from sqlalchemy import (
    Boolean,
    ColumnElement,
    Executable,
    and_,
    event,
    false,
    func,
    or_,
    select,
    true,
)
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction, with_loader_criteria
from sqlalchemy.orm.util import LoaderCriteriaOption

from kamdesk.db.models import (
    Agreement,
    AgreementMonth,
    Attachment,
    CareAction,
    ClockPause,
    CompetitorNote,
    Complaint,
    Customer,
    CustomerProduct,
    DemandForecast,
    GradeHistory,
    KeyPerson,
    Opportunity,
    ReturnOrder,
    RevenueMonth,
    Signature,
    Visit,
    WorkOrder,
    WorkOrderEvent,
    WorkOrderStep,
)
from kamdesk.domain.workorders.rules import RULES
from kamdesk.domain.workorders.vocabulary import ROLE_LABELS, Role, Scope
from kamdesk.errors import KamdeskError, define
from kamdesk.i18n import N_, tr
from kamdesk.services.actor import Actor
from kamdesk.services.audit.chain import ACTOR_INFO

define(
    {
        "access.read_only": N_("As {role}, {name} may read this data but not change it."),
        "access.no_role": N_(
            "{name} has no branch or role yet and may neither read nor change anything; "
            "ask the branch admin to assign one."
        ),
    }
)

BRANCH_WIDE_ROLES: frozenset[str] = frozenset({Role.LEADER.value, Role.ADMIN.value})
"""Roles that look after every account of their branch."""
READ_ONLY_ROLES: frozenset[str] = frozenset({Role.HQ_ANALYST.value})
"""Roles that read the whole branch and change none of its scoped rows."""
BRANCH_READER_ROLES: frozenset[str] = BRANCH_WIDE_ROLES | READ_ONLY_ROLES
"""Roles that read every scoped row of their branch."""

UNSCOPED = "kamdesk_unscoped"
"""Execution option: ``execution_options={UNSCOPED: True}`` reads past the rules."""

CUSTOMER_CHILDREN: tuple[type[Any], ...] = (
    Agreement,
    CareAction,
    CompetitorNote,
    Complaint,
    CustomerProduct,
    GradeHistory,
    KeyPerson,
    Opportunity,
    RevenueMonth,
    Visit,
)
"""Rows that belong to one account (``customer_id``) and follow its file's rule."""
ORDER_CHILDREN: tuple[type[Any], ...] = (
    Attachment,
    ClockPause,
    ReturnOrder,
    Signature,
    WorkOrderEvent,
    WorkOrderStep,
)
"""Rows that belong to one work order (``order_id``) and follow the order's rule."""
SCOPED_MODELS: frozenset[type[Any]] = frozenset(
    {Customer, AgreementMonth, DemandForecast, WorkOrder, *CUSTOMER_CHILDREN, *ORDER_CHILDREN}
)

_Stmt = TypeVar("_Stmt", bound=Executable)

# Core aliases for the rules' subqueries: the loader criteria never apply to them (no
# recursion), and their names never meet the statement's own tables. Built once.
_STEPS = WorkOrderStep.__table__.alias("scope_steps")
_ORDER_ACCOUNTS = Customer.__table__.alias("scope_order_accounts")
_CUSTOMER_ORDERS = WorkOrder.__table__.alias("scope_customer_orders")
_ACCOUNTS = Customer.__table__.alias("scope_accounts")
_ORDERS = WorkOrder.__table__.alias("scope_orders")
_AGREEMENTS = Agreement.__table__.alias("scope_agreements")


def known_role(actor: Actor) -> Role | None:
    """The actor's role, or None when they lack a branch or a role the rules know."""
    if not actor.branch_id:
        return None
    try:
        return Role(actor.role)
    except ValueError:
        return None


def in_branch(column: Any, actor: Actor) -> ColumnElement[bool]:
    """``column = actor's branch``, marked ``likely()`` for SQLite's planner: nearly every
    row of a desktop database is of its branch, so an index on the branch selects
    nothing, while sampled (or missing) statistics would have it read the whole branch
    instead of seeking the ids a query names (36× slower for a page of 500 accounts)."""
    return func.likely(column == actor.branch_id, type_=Boolean)


def _accounts(c: Any, actor: Actor, wide: frozenset[str]) -> ColumnElement[bool]:
    """Accounts ``actor`` reaches, on customer columns ``c`` (the entity or an alias)."""
    role = known_role(actor)
    if role is None:
        return false()
    base = in_branch(c.branch_id, actor)
    if role.value in wide:
        return base
    if role is Role.INDUSTRY_MANAGER and actor.industry_group_id is not None:
        return and_(base, c.industry_group_id == actor.industry_group_id)
    if role is Role.AM:
        return and_(base, c.owner_id == actor.staff_id)
    return false()


def account_scope(actor: Actor) -> ColumnElement[bool]:
    """A WHERE clause on :class:`Customer` selecting the live accounts ``actor`` looks
    after (whether closed accounts count is the caller's choice)."""
    return and_(_accounts(Customer, actor, BRANCH_WIDE_ROLES), Customer.deleted_at.is_(None))


def file_scope(actor: Actor) -> ColumnElement[bool]:
    """A WHERE clause on :class:`Customer` selecting the accounts whose file (and
    every row of it) ``actor`` may read: those they look after, the whole branch for
    an HQ analyst."""
    return _accounts(Customer, actor, BRANCH_READER_ROLES)


def _acts_on_any_order(role: Role) -> bool:
    """Whether a transition of an existing order is open to ``role`` on any order of
    the branch (scope ANY: the leader, the clerk, the response center)."""
    return any(rule.roles.get(role) is Scope.ANY and rule.sources for rule in RULES.values())


def _handled_orders(o: Any, actor: Actor, role: Role) -> ColumnElement[bool]:
    """Orders ``actor`` works on by the transition table, on order columns ``o``
    (the accounts they look after are added by the callers)."""
    if role.value in BRANCH_READER_ROLES or _acts_on_any_order(role):
        return true()
    scopes = {rule.roles[role] for rule in RULES.values() if role in rule.roles}
    terms: list[ColumnElement[bool]] = []
    if Scope.OWNER in scopes:
        terms.append(o.owner_id == actor.staff_id)
    if {Scope.STEP_WORKSTATION, Scope.ORDER_WORKSTATION} & scopes and actor.workstation_id:
        mine = select(_STEPS.c.order_id).where(_STEPS.c.workstation_id == actor.workstation_id)
        terms.append(o.id.in_(mine.correlate(None)))
    return or_(*terms) if terms else false()


def _order_rule(o: Any, actor: Actor) -> ColumnElement[bool]:
    role = known_role(actor)
    if role is None:
        return false()
    accounts = _ORDER_ACCOUNTS
    looked_after = select(accounts.c.id).where(_accounts(accounts.c, actor, BRANCH_READER_ROLES))
    return and_(
        in_branch(o.branch_id, actor),
        or_(_handled_orders(o, actor, role), o.customer_id.in_(looked_after.correlate(None))),
    )


def _customer_rule(actor: Actor) -> ColumnElement[bool]:
    role = known_role(actor)
    if role is None:
        return false()
    own = _accounts(Customer, actor, BRANCH_READER_ROLES)
    if role.value in BRANCH_READER_ROLES:
        return own
    orders = _CUSTOMER_ORDERS
    of_orders = select(orders.c.customer_id).where(
        in_branch(orders.c.branch_id, actor), _handled_orders(orders.c, actor, role)
    )
    return or_(own, Customer.id.in_(of_orders.correlate(None)))


def _in_account(customer_id: Any, actor: Actor) -> ColumnElement[bool]:
    accounts = _ACCOUNTS
    return (
        select(accounts.c.id)
        .where(accounts.c.id == customer_id, _accounts(accounts.c, actor, BRANCH_READER_ROLES))
        .correlate_except(accounts)
        .exists()
    )


def _in_order(order_id: Any, actor: Actor) -> ColumnElement[bool]:
    orders = _ORDERS
    return (
        select(orders.c.id)
        .where(orders.c.id == order_id, _order_rule(orders.c, actor))
        .correlate_except(orders)
        .exists()
    )


def _forecast_rule(actor: Actor) -> ColumnElement[bool]:
    """Forecasts carry their account's branch, group and owner: the account rule."""
    return _accounts(DemandForecast, actor, BRANCH_READER_ROLES)


def _criteria(model: type[Any], clause: ColumnElement[bool]) -> LoaderCriteriaOption:
    return with_loader_criteria(model, clause, include_aliases=True)


@lru_cache(maxsize=256)
def record_criteria(actor: Actor) -> tuple[LoaderCriteriaOption, ...]:
    """The loader-criteria options that narrow a statement to what ``actor`` may read
    (built once per actor: the options are immutable)."""
    agreements = _AGREEMENTS
    agreement_visible = (
        select(agreements.c.id)
        .where(
            agreements.c.id == AgreementMonth.agreement_id,
            _in_account(agreements.c.customer_id, actor),
        )
        .correlate_except(agreements)
        .exists()
    )
    return (
        _criteria(Customer, _customer_rule(actor)),
        *(_criteria(m, _in_account(m.customer_id, actor)) for m in CUSTOMER_CHILDREN),
        _criteria(AgreementMonth, agreement_visible),
        _criteria(DemandForecast, _forecast_rule(actor)),
        _criteria(WorkOrder, _order_rule(WorkOrder, actor)),
        *(_criteria(m, _in_order(m.order_id, actor)) for m in ORDER_CHILDREN),
    )


def session_actor(session: Session) -> Actor | None:
    """Whom ``session`` reads for (None: the system, unscoped)."""
    actor = session.info.get(ACTOR_INFO)
    return actor if isinstance(actor, Actor) else None


def scoped(statement: _Stmt, actor: Actor | None) -> _Stmt:
    """``statement`` narrowed for ``actor``, for execution on a plain connection (which
    the session hook never sees); unchanged for the system (None)."""
    if actor is None:
        return statement
    return statement.options(*record_criteria(actor))


@event.listens_for(Session, "do_orm_execute")
def _narrow(state: ORMExecuteState) -> None:
    if not state.is_select or state.is_column_load or state.is_relationship_load:
        return
    if state.execution_options.get(UNSCOPED):
        return
    actor = session_actor(state.session)
    if actor is not None:
        state.statement = state.statement.options(*record_criteria(actor))


@event.listens_for(Session, "before_flush")
def _refuse_read_only(session: Session, _ctx: UOWTransaction, _instances: object) -> None:
    actor = session_actor(session)
    if actor is None:
        return
    role = known_role(actor)
    if role is not None and role.value not in READ_ONLY_ROLES:
        return
    changed = (*session.new, *session.dirty, *session.deleted)
    if not any(type(obj) in SCOPED_MODELS for obj in changed):
        return
    if role is None:
        raise KamdeskError("access.no_role", name=actor.name)
    raise KamdeskError("access.read_only", name=actor.name, role=tr(ROLE_LABELS[role]))
