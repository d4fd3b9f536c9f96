"""Importing key persons (关键人) of existing accounts from a sheet, all or nothing.

Same door and same rules as the customer import
(:func:`kamdesk.services.sheet_import.run_sheet_import`), every row is checked with the
customer file's key-person rules, and either every row is saved through
:func:`~kamdesk.services.customer_file.people.save_key_person` in one write
transaction or none is. A row names its account by credit code; the account must be
live and not closed. Duplicates: the same account and name twice in the sheet, or a
live key person of that account with that name.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from kamdesk.db.models import Customer, KeyPerson
from kamdesk.domain.clock import utcnow
from kamdesk.domain.customers.credit_code import normalize_credit_code
from kamdesk.domain.progress import CancelCheck, Progress
from kamdesk.errors import KamdeskError, define
from kamdesk.i18n import N_, tr
from kamdesk.services.actor import Actor
from kamdesk.services.customer_columns import (
    KEY_PERSON_COLUMNS,
    cell_text,
    formula_warnings,
    parse_choice,
    parse_int,
    problem_text,
)
from kamdesk.services.customer_file.drafts import KeyPersonDraft
from kamdesk.services.customer_file.guards import require_editor
from kamdesk.services.customer_file.people import save_key_person
from kamdesk.services.customer_file.validation import key_person_problems
from kamdesk.services.customer_file.vocabulary import (
    DECISION_ROLE_LABELS,
    TIER_LABELS,
    CustomerStatus,
    DecisionRole,
    Tier,
)
from kamdesk.services.sheet_import import (
    ImportReport,
    RowReport,
    SheetRow,
    run_sheet_import,
    tick,
)

define(
    {
        "import.unknown_account": N_("there is no open account with the credit code {credit_code}"),
        "import.person_twice": N_("{name} of this account appears in row {row} already"),
        "import.person_exists": N_("{name} is already a key person of {account}"),
    }
)

ROLE_WORDS: dict[str, DecisionRole] = {
    "决策者": DecisionRole.DECISION_MAKER,
    "决策人": DecisionRole.DECISION_MAKER,
    "影响者": DecisionRole.INFLUENCER,
    "影响人": DecisionRole.INFLUENCER,
    "使用者": DecisionRole.USER,
    "使用人": DecisionRole.USER,
    "用户": DecisionRole.USER,
    "把关者": DecisionRole.GATEKEEPER,
    "把关人": DecisionRole.GATEKEEPER,
    "守门人": DecisionRole.GATEKEEPER,
}
TIER_WORDS: dict[str, Tier] = {"高层": Tier.SENIOR, "操作层": Tier.WORKING, "工作层": Tier.WORKING}


class KeyPersonImportService:
    """Dry runs and commits of key-person sheets; one unit of work per call."""

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
        """Check every row of ``path``; unless ``dry_run``, save all when all are fine."""
        require_editor(actor)

        def save(session: Session, drafts: list[tuple[str, KeyPersonDraft]]) -> int:
            for done, (customer_id, draft) in enumerate(drafts, start=1):
                # a cancel rolls the whole import back
                tick(done, len(drafts), tr("Saving key persons"), progress, cancel, 200)
                save_key_person(session, customer_id, draft, actor)
            return len(drafts)

        return run_sheet_import(
            self._engine,
            path,
            actor,
            KEY_PERSON_COLUMNS,
            check=_check,
            save=save,
            entity="key_persons",
            dry_run=dry_run,
            progress=progress,
            cancel=cancel,
        )


def _check(
    session: Session, rows: Sequence[SheetRow]
) -> tuple[tuple[RowReport, ...], list[tuple[str, KeyPersonDraft]]]:
    accounts = {
        code: (row_id, name)
        for row_id, name, code in session.execute(
            select(Customer.id, Customer.name, Customer.credit_code).where(
                Customer.deleted_at.is_(None), Customer.status == CustomerStatus.ACTIVE.value
            )
        )
    }
    existing = set(
        session.execute(
            select(KeyPerson.customer_id, KeyPerson.name).where(KeyPerson.deleted_at.is_(None))
        ).tuples()
    )
    seen: dict[tuple[str, str], int] = {}
    reports: list[RowReport] = []
    drafts: list[tuple[str, KeyPersonDraft]] = []
    for row in rows:
        number, fields = row.number, row.fields
        text = {name: cell_text(value) for name, value in fields.items()}
        problems: list[str] = []
        code = normalize_credit_code(text.get("credit_code", ""))
        account = accounts.get(code)
        if account is None:
            error = KamdeskError("import.unknown_account", credit_code=code or "—")
            problems.append(problem_text(KEY_PERSON_COLUMNS, "credit_code", error))
        draft = _draft(text, problems)
        problems.extend(
            problem_text(KEY_PERSON_COLUMNS, name, error)
            for name, error in key_person_problems(draft).items()
        )
        duplicate = False
        if account is not None and draft.name.strip():
            key = (account[0], draft.name.strip())
            if key in existing:
                problems.append(
                    KamdeskError("import.person_exists", name=key[1], account=account[1]).message()
                )
                duplicate = True
            elif key in seen:
                problems.append(
                    KamdeskError("import.person_twice", name=key[1], row=seen[key]).message()
                )
                duplicate = True
            else:
                seen[key] = number
            drafts.append((account[0], draft))
        warnings = formula_warnings(KEY_PERSON_COLUMNS, fields)
        reports.append(RowReport(number, row.values, tuple(problems), tuple(warnings), duplicate))
    return tuple(reports), drafts


def _draft(text: Mapping[str, str], problems: list[str]) -> KeyPersonDraft:
    """The row as a draft; an unknown role or tier stays empty and fails the draft check."""
    role = parse_choice(text.get("decision_role", ""), ROLE_WORDS, DECISION_ROLE_LABELS)
    tier_text = text.get("tier", "")
    tier = parse_choice(tier_text, TIER_WORDS, TIER_LABELS) if tier_text else Tier.WORKING
    relationship = parse_int(text.get("relationship", "") or "3")
    if relationship is None:
        error = KamdeskError("import.not_number", text=text.get("relationship", ""))
        problems.append(problem_text(KEY_PERSON_COLUMNS, "relationship", error))
    return KeyPersonDraft(
        name=text.get("name", ""),
        decision_role=role.value if role is not None else "",
        tier=tier.value if tier is not None else "",
        title=text.get("title", ""),
        department=text.get("department", ""),
        mobile=text.get("mobile", ""),
        landline=text.get("landline", ""),
        email=text.get("email", ""),
        relationship=3 if relationship is None else relationship,
    )
