"""What the customer list asks for: a search text, filters, and one sort.

A :class:`CustomerFilter` is a frozen value, so the list can keep it next to the id
snapshot it produced and compare a new one with it. ``None`` in a field means "any".
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from kamdesk.domain.customers.churn import ChurnRisk
from kamdesk.domain.customers.classification import Grade
from kamdesk.domain.customers.visits import VisitState
from kamdesk.i18n import N_


class SortKey(StrEnum):
    """The columns the list can be sorted by; ties fall back to the name, then the id."""

    NAME = "name"
    CREDIT_CODE = "credit_code"
    GRADE = "grade"
    CATEGORY = "category"
    LEVEL = "level"
    INDUSTRY_GROUP = "industry_group"
    OWNER = "owner"
    LAST_VISIT = "last_visit"
    CHURN = "churn"
    MONTHLY_SPEND = "monthly_spend"


class AccountStatus(StrEnum):
    """Which accounts the list holds: active ones, those that left (离网), or both."""

    ACTIVE = "active"
    LEFT = "left"
    ALL = "all"


STATUS_LABELS: dict[AccountStatus, str] = {
    AccountStatus.ACTIVE: N_("Active accounts"),
    AccountStatus.LEFT: N_("Left the network"),
    AccountStatus.ALL: N_("Active and left"),
}


@dataclass(frozen=True)
class CustomerFilter:
    """One question to the customer list.

    ``text`` is matched as described in
    :mod:`kamdesk.services.customers_query.text_search`; every other field narrows
    the list further (all conditions hold together).
    """

    text: str = ""
    grade: Grade | None = None
    category: str | None = None
    level: str | None = None
    industry_group_id: str | None = None
    owner_id: str | None = None
    churn_risk: ChurnRisk | None = None
    visit: VisitState | None = None
    status: AccountStatus = AccountStatus.ACTIVE
    sort: SortKey = SortKey.NAME
    descending: bool = False

    def __post_init__(self) -> None:
        # Plain strings (e.g. from a combo box) become their enum, or ValueError.
        for name, kind in (
            ("grade", Grade),
            ("churn_risk", ChurnRisk),
            ("visit", VisitState),
            ("status", AccountStatus),
            ("sort", SortKey),
        ):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, kind(value))
