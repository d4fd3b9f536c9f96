"""Indexes of the customer list: name order with its filter columns, pinyin, phones.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 03:00:00

``ix_customers_list`` holds live accounts in name order together with every column
the list filters on, so listing, counting and the name search read this index and
never the wide ``customers`` rows (their JSON reasons make a table scan 5× larger).
The pinyin and phone indexes let the search box match the start of a full pinyin
or of a phone number (account, key person's mobile or landline) without a scan.

Only indexes are added: nothing is rewritten, and downgrading drops them again.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LIST_COLUMNS = [
    "status",
    "deleted_at",
    "name_key",
    "id",
    "name",
    "grade",
    "category",
    "level",
    "industry_group_id",
    "owner_id",
    "churn_score",
    "monthly_spend",
    "last_visit_at",
    "opened_at",
]

SEARCH_INDEXES = {
    "ix_customers_pinyin": ("customers", ["name_pinyin"]),
    "ix_customers_phone": ("customers", ["phone"]),
    "ix_key_persons_mobile": ("key_persons", ["mobile", "deleted_at", "customer_id"]),
    "ix_key_persons_landline": ("key_persons", ["landline", "deleted_at", "customer_id"]),
}


def upgrade() -> None:
    op.create_index("ix_customers_list", "customers", LIST_COLUMNS, unique=False)
    for name, (table, columns) in SEARCH_INDEXES.items():
        op.create_index(name, table, columns, unique=False)


def downgrade() -> None:
    for name, (table, _) in SEARCH_INDEXES.items():
        op.drop_index(name, table_name=table)
    op.drop_index("ix_customers_list", table_name="customers")
