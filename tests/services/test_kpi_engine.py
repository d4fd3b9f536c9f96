"""Every KPI of October 2026 on a tiny hand-built database equals the value worked
out by hand (see tests/services/kpi_fixture.py for the rows and the reasons)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kamdesk.domain.kpi import KPI_BY_CODE, KPIS, Dimension, month, parse_period
from kamdesk.errors import KamdeskError
from kamdesk.services.kpi import KpiService
from tests.services.kpi_fixture import EXPECTED, Built, build

OCTOBER = month(2026, 10)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    b = build(tmp_path_factory.mktemp("kpi") / "kpi.sqlite")
    yield b
    b.engine.dispose()


@pytest.fixture(scope="module")
def service(built: Built) -> KpiService:
    return KpiService(built.engine)


def test_every_kpi_has_a_hand_value() -> None:
    assert set(EXPECTED) == {k.code for k in KPIS}


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_branch_total_equals_hand_value(service: KpiService, code: str) -> None:
    pack = service.pack(OCTOBER, (), actor=None)
    figure = pack.total.figures[code]
    num, den = EXPECTED[code]
    assert figure.numerator == pytest.approx(num, abs=1e-6)
    assert figure.denominator == pytest.approx(den, abs=1e-9)
    assert figure.value == pytest.approx(KPI_BY_CODE[code].value(num, den), abs=1e-6)


def test_hand_values_read_as_expected(service: KpiService) -> None:
    figures = service.pack(OCTOBER, (), actor=None).total.figures
    assert figures["K01"].value == pytest.approx(0.8)
    assert figures["K08"].value == pytest.approx(100.0)  # per 100 active accounts
    assert figures["K13"].value == pytest.approx(1 / 3)
    assert figures["K03a"].value == pytest.approx(88.37)
    assert figures["K12"].value == pytest.approx(4.25)


def _row(service: KpiService, built: Built, dim: Dimension, key: str) -> dict[str, tuple]:
    rows = service.pack(OCTOBER, (dim,), actor=None).rows[dim]
    row = next(r for r in rows if r.key == built.ids[key])
    return {c: (f.numerator, f.denominator) for c, f in row.figures.items()}


def test_by_am(service: KpiService, built: Built) -> None:
    am1 = _row(service, built, Dimension.AM, "am1")
    assert am1["K01"] == (3, 3)  # o1, o6, o8
    assert am1["K13"] == (3, 4)  # P1 |1−3| + P2 |2−1| over forecasts 3 + 1
    assert am1["K14"] == (11_000, 10_000)  # cA + cC against am1's own target
    am2 = _row(service, built, Dimension.AM, "am2")
    assert am2["K05"] == (2, 2)  # o2 and o5 both had returns
    assert am2["K11"] == (1, 1)  # cB left on 15 October
    assert am2["K13"] == (1, 2)


def test_by_group_uses_group_targets(service: KpiService, built: Built) -> None:
    g1 = _row(service, built, Dimension.GROUP, "g1")
    assert g1["K14"] == (11_000, 12_000)
    g2 = _row(service, built, Dimension.GROUP, "g2")
    assert g2["K14"] == (5_000, 0)  # no group target: no value


def test_by_workstation(service: KpiService, built: Built) -> None:
    w1 = _row(service, built, Dimension.WORKSTATION, "w1")
    assert (w1["K06"], w1["K07"]) == ((2, 3), (1, 3))
    w2 = _row(service, built, Dimension.WORKSTATION, "w2")
    assert (w2["K06"], w2["K07"]) == ((2, 3), (0, 3))


def test_by_product(service: KpiService, built: Built) -> None:
    p2 = _row(service, built, Dimension.PRODUCT, "p2")
    assert p2["K01"] == (1, 1)  # o5 only
    assert p2["K16a"] == (1_000, 0)


def test_ids_behind_figures(service: KpiService, built: Built) -> None:
    ids = built.ids
    assert set(service.figure_ids(OCTOBER, "K05", actor=None)) == {ids["o2"], ids["o5"]}
    assert set(service.figure_ids(OCTOBER, "K01", "d", actor=None)) == {
        ids[k] for k in ("o1", "o2", "o5", "o6", "o8")
    }
    assert set(service.figure_ids(OCTOBER, "K15", actor=None)) == {ids["cA"]}
    assert set(service.figure_ids(OCTOBER, "K11", "d", actor=None)) == {ids["cA"], ids["cB"]}
    assert set(service.figure_ids(OCTOBER, "K07", actor=None)) == {ids["r1"]}
    assert set(service.figure_ids(OCTOBER, "K03b", "d", actor=None)) - set(
        service.figure_ids(OCTOBER, "K03b", actor=None)
    ) == {ids["o9"]}
    assert service.figure_ids(
        OCTOBER, "K06", "d", Dimension.WORKSTATION, ids["w2"], actor=None
    ) == tuple(sorted(ids[k] for k in ("s2", "s4", "s6")))
    with pytest.raises(KamdeskError):
        service.figure_ids(OCTOBER, "K99", actor=None)


def test_month_edges_are_shanghai_midnights(service: KpiService) -> None:
    """o1 (accepted 30 September 23:00Z) belongs to October; o3 (1 November 00:00) not."""
    september = service.pack(month(2026, 9), (), actor=None).total.figures
    assert september["K01"].denominator == 0
    assert september["K10"].denominator == 0  # o7 restored 06:00 on 1 October
    shifted = service.pack(parse_period("2026-10-02..2026-11-01"), (), actor=None).total.figures
    assert shifted["K01"].denominator == 4  # o2, o3, o6, o8


def test_previous_period_and_empty_period(service: KpiService) -> None:
    pack = service.pack(OCTOBER, (), with_previous=True, actor=None)
    assert pack.previous_total is not None
    assert pack.previous_total.figures["K01"].denominator == 0
    assert pack.previous_total.figures["K01"].value is None
    empty = service.pack(parse_period("2030"), (Dimension.AM,), actor=None)
    accounts = {"K08", "K11", "K15"}  # cA and cC are still active in 2030
    assert all(f.value is None for c, f in empty.total.figures.items() if c not in accounts)
    assert [empty.total.figures[c].value for c in sorted(accounts)] == [0.0, 0.0, 0.0]


def test_period_parsing(tmp_path: Path) -> None:
    assert parse_period("2026-Q4").label == "2026-Q4"
    assert parse_period("2026-Q4").previous().label == "2026-Q3"
    assert parse_period("2026").year_before().label == "2025"
    with pytest.raises(KamdeskError):
        parse_period("October")
