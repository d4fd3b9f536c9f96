"""HQ publishes the evaluation sheet's incentive schedule like any reference data: the
desktop pulls it and the month's sheets are computed with it, targets set by HQ too."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from kamdesk.domain.kpi import month
from kamdesk.hq.cli import main
from kamdesk.services.actor import Actor
from kamdesk.services.evaluation import EvaluationService
from tests.hq.sync_world import World


def test_a_published_schedule_and_targets_drive_the_desktops_sheets(
    hq_world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    refs = hq_world.branch()
    desk = hq_world.desk(refs, "a")
    schedule = {
        "id": "incentive-v4", "version": 4, "effective_from": "2026-07-01",
        "published_at": "2026-06-20T09:00:00+08:00",
        "schedule": {"sales": {"bonus_at_floor": "0.1", "commission_per_100": "3"}},
    }  # fmt: skip
    base = {
        "id": f"{refs.code}-target-a", "branch_id": refs.code, "scope": "am",
        "scope_id": refs.staff_id, "metric": "incentive_base", "month": "2026-10-01",
        "amount": "10000.00", "ratio": None, "notes": "年度业绩合同",
    }  # fmt: skip
    source = tmp_path / "incentive.json"
    source.write_text(
        json.dumps({"incentive_schedules": [schedule], "targets": [base]}), encoding="utf-8"
    )
    status = main(["--lang", "en", "publish", str(source), "--branch", refs.code,
                   "--db", hq_world.db_url])  # fmt: skip
    assert status == 0
    assert "incentive_schedules" in capsys.readouterr().out
    assert desk.sync.sync_now().complete

    leader = Actor("hq-reader", "王总", "leader", refs.branch_id)
    report = EvaluationService(desk.engine).report(leader, month(2026, 10), refs.am.staff_id)
    assert (report.schedule.version, report.schedule.effective_from) == (4, date(2026, 7, 1))
    [sheet] = report.people
    # No revenue: R = 0 is below 0.8 × A = 8,000 whatever the bonus; A came from HQ.
    assert sheet.incentive.amount == Decimal("0.00")
    codes = [step.code for step in sheet.incentive.steps]
    assert "evaluation.average.target" in codes and "evaluation.commission.schedule" in codes
    rate = next(s for s in sheet.incentive.steps if s.code == "evaluation.commission.schedule")
    assert rate.params["rate"] == Decimal(3)
