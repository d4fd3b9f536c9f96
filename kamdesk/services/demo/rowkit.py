"""Small helpers shared by the row generators: the sync prefix of a row, working-hour
instants, and JSON text of reasons."""

from __future__ import annotations

import json
import random
from collections.abc import Iterable

from kamdesk.services.demo.deadline import WorkingDays
from kamdesk.services.demo.timetext import DAY, HOUR, db, local_day, local_day_start

Row = tuple[object, ...]


def sync(row_id: str, created: int, updated: int | None = None) -> Row:
    """``id, created_at, updated_at`` (the loader adds the other sync columns)."""
    created_text = db(created)
    updated_text = created_text if updated is None or updated == created else db(updated)
    return (row_id, created_text, updated_text)


def office_time(rng: random.Random, day: int, wd: WorkingDays) -> int:
    """An instant between 08:30 and 18:00 on the first working day on or after ``day``."""
    while not wd.is_working(day):
        day += 1
    return local_day_start(day) + int(8.5 * HOUR) + rng.randrange(int(9.5 * HOUR))


def next_office(t: int, rng: random.Random) -> int:
    """``t`` if it falls in 08:00-19:00 Shanghai time, else 08:30-09:30 the next morning."""
    seconds = (t + 8 * HOUR) % DAY
    if 8 * HOUR <= seconds < 19 * HOUR:
        return t
    day = local_day(t) + (1 if seconds >= 19 * HOUR else 0)
    return local_day_start(day) + int(8.5 * HOUR) + rng.randrange(HOUR)


def reasons_json(reasons: Iterable[tuple[str, Iterable[tuple[str, str]]]]) -> str:
    """``[{"code": ..., "params": {...}}, ...]`` as the customer file stores explanations."""
    return json.dumps(
        [{"code": code, "params": dict(params)} for code, params in reasons], ensure_ascii=False
    )
