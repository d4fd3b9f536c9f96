"""What the dashboard reads from the KPI engine: the KPI targets HQ published for a
period and a dimension key, and the monthly trend (twelve month packs in one read)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kamdesk.domain.kpi import Dimension, month, parse_period
from kamdesk.services.kpi import KpiService
from tests.services.kpi_fixture import Built, add_kpi_targets, build

OCTOBER = month(2026, 10)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    b = add_kpi_targets(build(tmp_path_factory.mktemp("kpi-targets") / "kpi.sqlite"))
    yield b
    b.engine.dispose()


def test_targets_of_the_total_are_the_branch_kpi_rows_of_the_month(built: Built) -> None:
    service = KpiService(built.engine)
    # The revenue rows are K14's denominator, and the deleted K05 row counts not.
    assert service.targets(OCTOBER, actor=None) == {"K01": 0.9, "K12": 4.0}
    assert service.targets(month(2026, 9), actor=None) == {"K01": 0.85}
    assert service.targets(month(2026, 8), actor=None) == {}


def test_targets_by_group_and_am_are_their_own_scope(built: Built) -> None:
    service = KpiService(built.engine)
    assert service.targets(OCTOBER, Dimension.GROUP, built.ids["g1"], actor=None) == {"K01": 0.75}
    assert service.targets(OCTOBER, Dimension.GROUP, built.ids["g2"], actor=None) == {}
    assert service.targets(OCTOBER, Dimension.AM, built.ids["am1"], actor=None) == {"K01": 0.8}
    assert service.targets(OCTOBER, Dimension.PRODUCT, built.ids["p1"], actor=None) == {}


def test_a_period_of_several_months_takes_each_kpis_latest_target(built: Built) -> None:
    service = KpiService(built.engine)
    assert service.targets(parse_period("2026-Q4"), actor=None) == {"K01": 0.95, "K12": 4.0}
    assert service.targets(parse_period("2026-10-01..2026-10-15"), actor=None) == {
        "K01": 0.9,
        "K12": 4.0,
    }


@pytest.mark.parametrize("use_summary", [True, False])
def test_monthly_trend_is_twelve_month_packs(built: Built, use_summary: bool) -> None:
    service = KpiService(built.engine, use_summary=use_summary)
    trend = service.monthly_trend(parse_period("2026-Q4"), actor=None)
    assert [m.period.label for m in trend] == [
        "2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06",
        "2026-07", "2026-08", "2026-09", "2026-10", "2026-11", "2026-12",
    ]  # fmt: skip
    for point in trend:
        assert point.figures == service.pack(point.period, (), actor=None).total.figures
        assert point.targets == service.targets(point.period, actor=None)
    october = trend[9]
    assert october.figures["K01"].value == pytest.approx(0.8)
    assert october.targets == {"K01": 0.9, "K12": 4.0}
