"""Who is acting: the staff member behind a service call.

Services that change data or read personal data take an :class:`Actor`; the UI
holds the signed-in one and the command line resolves one from ``--as`` or the
branch admin. An actor without a branch or role may do nothing (deny by default).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    staff_id: str
    name: str
    role: str
    branch_id: str
    industry_group_id: str | None = None
    workstation_id: str | None = None
