"""Importing accounts from a customer sheet: dry run, all-or-nothing commit, error workbook.

:meth:`CustomerImportService.run` runs the shared dry-run / all-or-nothing import of
:func:`kamdesk.services.sheet_import.run_sheet_import` with the headers of
:mod:`kamdesk.services.customer_columns`, and checks every row with the customer
file's own rules (:func:`~kamdesk.services.customer_file.validation.customer_problems`,
the references an account names). Duplicates — refused — are rows whose credit code
or spelling (:func:`~kamdesk.domain.customers.names.spelling_key`: width, case, spaces,
brackets) equals that of an earlier row of the file or of a live account in the
database. Names that are only alike — the same but for the legal form or 集团
(:func:`~kamdesk.domain.customers.names.normalize_name`), or near-identical — are
warned about and imported: with different credit codes they are separate companies
(a group and its subsidiary), as the create dialog lets the user decide.

Guarantees: the check and the commit happen in one write transaction, so no account
can slip in between; rows are created through
the customer file's own field mapping and the grading engine, in batches, through
the ORM (captured for sync, audited) and either every row is committed or none is — a problem, a
cancel or an error leaves the database as it was. Text cells starting with
``= + - @`` are warned about and stored as text.

Hazard: the near-name warnings compare each row with every live account of every
branch (an index; about 1.5 ms per row at 100k accounts and rows).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from kamdesk.db.models import Customer, IndustryGroup, Staff
from kamdesk.domain.clock import utcnow
from kamdesk.domain.customers.classification import AccountLevel, Grade, KeyAccountCategory
from kamdesk.domain.customers.credit_code import normalize_credit_code
from kamdesk.domain.customers.names import normalize_name, spelling_key
from kamdesk.domain.customers.near_names import NearNameIndex
from kamdesk.domain.customers.phone import PhoneExpectation
from kamdesk.domain.progress import CancelCheck, Progress, check_cancel
from kamdesk.domain.workorders.vocabulary import Role
from kamdesk.errors import KamdeskError, define
from kamdesk.i18n import N_, tr
from kamdesk.services.actor import Actor
from kamdesk.services.customer_columns import (
    COLUMNS,
    cell_text,
    formula_warnings,
    header_key,
    parse_amount,
    parse_flag,
    parse_int,
    problem_text,
)
from kamdesk.services.customer_file.customers import apply_draft
from kamdesk.services.customer_file.drafts import CustomerDraft
from kamdesk.services.customer_file.guards import require_editor
from kamdesk.services.customer_file.validation import customer_problems, stored_or_empty
from kamdesk.services.customer_file.vocabulary import CustomerStatus
from kamdesk.services.grading import BatchRegrader
from kamdesk.services.scope import UNSCOPED
from kamdesk.services.sheet_import import (
    ImportReport,
    RowReport,
    SheetRow,
    run_sheet_import,
    tick,
)

define(
    {
        "import.unknown_group": N_("there is no industry group '{text}'"),
        "import.unknown_owner": N_("there is no staff member '{text}' in this branch"),
        "import.ambiguous_owner": N_("'{text}' names several staff members; give the login"),
        "import.duplicate_row": N_("Duplicate of row {row} of this sheet"),
        "import.duplicate_account": N_("An account with the same {what} exists: {name}"),
        "import.near_account": N_(
            "The name is close to an existing account's: {name} ({score}% alike); "
            "check it is not the same customer"
        ),
        "import.near_row": N_(
            "The name is close to row {row} of this sheet ({score}% alike); "
            "check it is not the same customer"
        ),
    }
)

COMMIT_BATCH = 500
WHAT_CODE = N_("credit code")
WHAT_NAME = N_("name")


@dataclass
class _Lookups:
    """What rows are checked against, read once per import."""

    groups: dict[str, str]  # name or code → id
    staff: dict[str, list[str]]  # name or login → ids
    codes: dict[str, str]  # credit code → account name
    spellings: dict[str, str]  # spelling key → account name
    near: NearNameIndex  # live accounts' names, then the sheet's rows ("#<row>")
    seen_codes: dict[str, int] = field(default_factory=dict)
    seen_spellings: dict[str, int] = field(default_factory=dict)


class CustomerImportService:
    """Dry runs and commits of customer sheets; one unit of work per call."""

    def __init__(self, engine: Engine, clock: Callable[[], datetime] = utcnow) -> None:
        self._engine = engine
        self._clock = clock

    def run(
        self,
        path: Path,
        actor: Actor,
        *,
        dry_run: bool,
        progress: Progress | None = None,
        cancel: CancelCheck | None = None,
    ) -> ImportReport:
        """Check every row of ``path``; unless ``dry_run``, commit all when all are fine."""
        require_editor(actor)

        def save(session: Session, drafts: list[CustomerDraft]) -> int:
            now = self._clock()
            for start in range(0, len(drafts), COMMIT_BATCH):
                check_cancel(cancel)  # rolls the whole import back
                _create_batch(session, drafts[start : start + COMMIT_BATCH], actor, now)
                if progress is not None:
                    done = min(start + COMMIT_BATCH, len(drafts))
                    progress(done, len(drafts), tr("Saving accounts"))
            return len(drafts)

        return run_sheet_import(
            self._engine,
            path,
            actor,
            COLUMNS,
            check=lambda s, rows: _check_rows(s, rows, actor, progress, cancel),
            save=save,
            entity="customers",
            dry_run=dry_run,
            progress=progress,
            cancel=cancel,
        )


def _lookups(session: Session, actor: Actor) -> _Lookups:
    groups: dict[str, str] = {}
    for row_id, code, name in session.execute(
        select(IndustryGroup.id, IndustryGroup.code, IndustryGroup.name).where(
            IndustryGroup.deleted_at.is_(None)
        )
    ):
        groups[header_key(code)] = row_id
        groups[header_key(name)] = row_id
    staff: dict[str, list[str]] = {}
    for row_id, login, name in session.execute(
        select(Staff.id, Staff.login, Staff.name).where(
            Staff.deleted_at.is_(None), Staff.active.is_(True), Staff.branch_id == actor.branch_id
        )
    ):
        for key in {login.strip().casefold(), name.strip().casefold()}:
            staff.setdefault(key, []).append(row_id)
    codes: dict[str, str] = {}
    spellings: dict[str, str] = {}
    near = NearNameIndex()
    # Every account, past the record rules: a duplicate of another manager's account
    # must be refused too (only its name reaches the report).
    for row_id, name, name_key, code in session.execute(
        select(Customer.id, Customer.name, Customer.name_key, Customer.credit_code).where(
            Customer.deleted_at.is_(None)
        ),
        execution_options={UNSCOPED: True},
    ):
        codes.setdefault(code, name)
        spellings.setdefault(spelling_key(name), name)
        near.add(row_id, name, name_key or normalize_name(name))
    return _Lookups(groups, staff, codes, spellings, near)


def _create_batch(
    session: Session, drafts: list[CustomerDraft], actor: Actor, now: datetime
) -> None:
    """New accounts as :func:`~kamdesk.services.customer_file.customers.create_customer`
    makes them (same provisional classification, same fields), flushed and graded as
    one batch: one flush and one set of grading look-ups per batch instead of per row.
    The drafts were checked by :func:`_check_rows` in this transaction.
    """
    batch: list[Customer] = []
    for draft in drafts:
        customer = Customer(
            branch_id=actor.branch_id,
            owner_id=draft.owner_id or (actor.staff_id if actor.role == Role.AM else None),
            category=KeyAccountCategory.LOCAL_KEY.value,
            level=AccountLevel.LOCAL.value,
            grade=Grade.C.value,
            status=CustomerStatus.ACTIVE.value,
            opened_at=now,
        )
        apply_draft(customer, draft, stored_or_empty(draft.phone, PhoneExpectation.ANY))
        session.add(customer)
        batch.append(customer)
    session.flush()
    BatchRegrader(session, now).apply(batch)
    session.flush()


def _check_rows(
    session: Session,
    rows: Sequence[SheetRow],
    actor: Actor,
    progress: Progress | None,
    cancel: CancelCheck | None,
) -> tuple[tuple[RowReport, ...], list[CustomerDraft]]:
    lookups = _lookups(session, actor)
    reports: list[RowReport] = []
    drafts: list[CustomerDraft] = []
    for done, row in enumerate(rows, start=1):
        tick(done, len(rows), tr("Checking rows"), progress, cancel, 500)
        draft, problems = _draft(row.fields, lookups)
        problems.extend(_problem(name, error) for name, error in customer_problems(draft).items())
        duplicate = _duplicate(problems, draft, row.number, lookups)
        warnings = formula_warnings(COLUMNS, row.fields)
        if not duplicate:
            warnings.extend(_near_names(draft.name, row.number, lookups.near))
        reports.append(
            RowReport(row.number, row.values, tuple(problems), tuple(warnings), duplicate)
        )
        drafts.append(draft)
    return tuple(reports), drafts


def _draft(fields: Mapping[str, Any], lookups: _Lookups) -> tuple[CustomerDraft, list[str]]:
    """The row as a draft, and the problems of cells that cannot become one."""
    text = {name: cell_text(value) for name, value in fields.items()}
    problems: list[str] = []

    def flag(name: str) -> bool:
        value = parse_flag(text.get(name, ""))
        if value is None:
            problems.append(_problem(name, KamdeskError("import.not_flag")))
        return bool(value)

    growth = parse_int(text.get("growth_potential", "") or "3")
    if growth is None:
        problems.append(
            _problem(
                "growth_potential", KamdeskError("import.not_number", text=text["growth_potential"])
            )
        )
    spend = parse_amount(text.get("monthly_spend", ""))
    if spend is None:
        problems.append(
            _problem("monthly_spend", KamdeskError("import.not_number", text=text["monthly_spend"]))
        )
    group_id = None
    group = text.get("industry_group", "")
    if group:
        group_id = lookups.groups.get(header_key(group))
        if group_id is None:
            problems.append(
                _problem("industry_group", KamdeskError("import.unknown_group", text=group))
            )
    owner_id = None
    owner = text.get("owner", "")
    if owner:
        ids = lookups.staff.get(owner.casefold(), [])
        if len(ids) == 1:
            owner_id = ids[0]
        else:
            code = "import.ambiguous_owner" if ids else "import.unknown_owner"
            problems.append(_problem("owner", KamdeskError(code, text=owner)))
    draft = CustomerDraft(
        name=text.get("name", ""),
        credit_code=text.get("credit_code", ""),
        industry_group_id=group_id,
        address=text.get("address", ""),
        district=text.get("district", ""),
        phone=text.get("phone", ""),
        owner_id=owner_id,
        is_group=flag("is_group"),
        strategic=flag("strategic"),
        growth_potential=3 if growth is None else growth,
        monthly_spend=spend if spend is not None else Decimal("0.00"),
        competitor_presence=text.get("competitor_presence", ""),
    )
    return draft, problems


def _near_names(name: str, row: int, near: NearNameIndex) -> list[str]:
    """A warning when ``name`` is near-identical to a live account's or an earlier
    row's (the same spelling is a duplicate, already refused); the row joins the index."""
    warnings = []
    for match in near.find(name, limit=1):
        score = f"{match.score:.0f}"
        if match.candidate_id.startswith("#"):
            error = KamdeskError("import.near_row", row=match.candidate_id[1:], score=score)
        else:
            error = KamdeskError("import.near_account", name=match.name, score=score)
        warnings.append(error.message())
    near.add(f"#{row}", name)
    return warnings


def _duplicate(problems: list[str], draft: CustomerDraft, row: int, lookups: _Lookups) -> bool:
    code = normalize_credit_code(draft.credit_code)
    spelling = spelling_key(draft.name)
    found = False
    for value, seen, stored, what in (
        (code, lookups.seen_codes, lookups.codes, WHAT_CODE),
        (spelling, lookups.seen_spellings, lookups.spellings, WHAT_NAME),
    ):
        if not value:
            continue
        if value in stored:
            message = KamdeskError("import.duplicate_account", what=tr(what), name=stored[value])
            problems.append(message.message())
            found = True
        elif value in seen:
            problems.append(KamdeskError("import.duplicate_row", row=seen[value]).message())
            found = True
        else:
            seen[value] = row
    return found


def _problem(name: str, error: KamdeskError) -> str:
    return problem_text(COLUMNS, name, error)
