"""Vocabularies of the customer file: key-account category, level, grade, growth.

Values are stable strings (stored in the database and sent to HQ); the ``*_LABELS``
tables give the English source of each label, marked for the catalog, so a screen
shows ``tr(CATEGORY_LABELS[c])``.
"""

from __future__ import annotations

from enum import StrEnum

from kamdesk.i18n import N_


class KeyAccountCategory(StrEnum):
    """Why an account is a key account (DOMAIN.md "Key accounts"), or that it is not."""

    PARTY_GOVERNMENT_MILITARY = "party_government_military"
    NATIONAL_GROUP = "national_group"
    PROVINCIAL_GROUP = "provincial_group"
    MONTHLY_SPEND = "monthly_spend"
    HQ_STRATEGIC = "hq_strategic"
    LOCAL_KEY = "local_key"
    NOT_KEY = "not_key"


class AccountLevel(StrEnum):
    NATIONAL = "national"
    PROVINCIAL = "provincial"
    LOCAL = "local"


class Grade(StrEnum):
    """Star-service grade (星级服务); A is the highest."""

    A = "A"
    B = "B"
    C = "C"


class GroupScope(StrEnum):
    """Whether the customer is a group customer (集团客户), and of which span."""

    NONE = "none"
    PROVINCIAL = "provincial"
    NATIONAL = "national"


class GrowthPotential(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


CATEGORY_LABELS: dict[KeyAccountCategory, str] = {
    KeyAccountCategory.PARTY_GOVERNMENT_MILITARY: N_("Party, government or military body"),
    KeyAccountCategory.NATIONAL_GROUP: N_("National group customer"),
    KeyAccountCategory.PROVINCIAL_GROUP: N_("Provincial group customer"),
    KeyAccountCategory.MONTHLY_SPEND: N_("Monthly spend at the key-account threshold"),
    KeyAccountCategory.HQ_STRATEGIC: N_("Strategic customer designated by HQ"),
    KeyAccountCategory.LOCAL_KEY: N_("Local key account"),
    KeyAccountCategory.NOT_KEY: N_("Not a key account"),
}

LEVEL_LABELS: dict[AccountLevel, str] = {
    AccountLevel.NATIONAL: N_("National"),
    AccountLevel.PROVINCIAL: N_("Provincial"),
    AccountLevel.LOCAL: N_("Local"),
}

GROWTH_LABELS: dict[GrowthPotential, str] = {
    GrowthPotential.LOW: N_("Low growth potential"),
    GrowthPotential.MEDIUM: N_("Medium growth potential"),
    GrowthPotential.HIGH: N_("High growth potential"),
}

GRADE_ORDER: tuple[Grade, ...] = (Grade.A, Grade.B, Grade.C)
"""Best first: ``GRADE_ORDER.index(g)`` is 0 for A."""
