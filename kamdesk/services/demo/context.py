"""What every generation job needs to know, computed once in the main process.

:class:`Reference` holds ids of the reference rows and the fixed facts of the run;
:class:`AccountFacts` is the compact view of one account that order jobs use. Both
are plain picklable data: they travel to worker processes once, at pool start.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from kamdesk.services.demo.deadline import WorkingDays


class AccountFacts(NamedTuple):
    id: str
    owner_id: str
    group: str  # industry group code
    grade: str
    address: str
    contact: str  # a working-level key person, who signs for the customer
    opened: int  # UTC seconds
    left: int | None
    circuits: tuple[tuple[str, str], ...]  # (product code, circuit number) in use
    weight: float  # how many orders the account tends to raise


@dataclass(frozen=True)
class Reference:
    seed: int
    now: int  # UTC seconds
    hlc: str  # one HLC stamp for every generated row
    branch_id: str
    group_ids: dict[str, str]
    product_ids: dict[str, str]
    workstation_ids: dict[str, str]
    workstation_staff: dict[str, tuple[str, ...]]
    leader_id: str
    clerk_ids: tuple[str, ...]
    response_ids: tuple[str, ...]
    manager_by_group: dict[str, str]
    ams_by_group: dict[str, tuple[str, ...]]
    staff_names: dict[str, str]
    working_days: WorkingDays
    months: tuple[tuple[int, int], ...]  # the 12 complete (year, month) before now
    month_starts: tuple[int, ...]  # UTC seconds of 00:00 Shanghai on the 1st of each
    accounts: tuple[AccountFacts, ...] = field(default=())
    signature_pool: tuple[tuple[str, str], ...] = field(default=())  # (sha256, strokes JSON)
