"""Who sees which KPI rows and ids, on the hand-built October (tests/services/kpi_fixture.py):
张敏 (am1, IT group: accounts cA and cC, orders o1 o3 o4 o6 o8 o9) and 李强 (am2, finance
group: cB and cD, orders o2 o5 o7). Every reader gets the system's total; only the rows
and the ids behind them narrow, and an AM's exported workbook names nobody else."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook

from kamdesk.domain.kpi import Dimension, KpiPack, month
from kamdesk.errors import KamdeskError
from kamdesk.i18n import tr
from kamdesk.reports.report_files import write_kpi_file
from kamdesk.services.actor import Actor
from kamdesk.services.kpi import KpiService
from tests.services.kpi_fixture import Built, add_kpi_targets, add_staff, build, make_am

OCTOBER = month(2026, 10)
DIMS = (Dimension.BRANCH, Dimension.GROUP, Dimension.AM, Dimension.WORKSTATION, Dimension.PRODUCT)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    b = add_kpi_targets(build(tmp_path_factory.mktemp("kpi-visibility") / "kpi.sqlite"))
    yield b
    b.engine.dispose()


@pytest.fixture(scope="module")
def actors(built: Built) -> dict[str, Actor]:
    return {
        "am": make_am(built, "am1"),
        "am2": make_am(built, "am2"),
        "im": add_staff(built, "im1", "industry_manager", industry_group_id="g1"),
        "leader": add_staff(built, "boss", "leader"),
        "admin": add_staff(built, "admin", "admin"),
        "analyst": add_staff(built, "hq", "hq_analyst"),
        "clerk": add_staff(built, "clerk", "clerk"),
        "rc": add_staff(built, "rc", "response_center"),
        "ws": add_staff(built, "ws2", "workstation", workstation_id="w2"),
        "nobody": add_staff(built, "new", ""),
    }


@pytest.fixture(scope="module")
def kpi(built: Built) -> KpiService:
    return KpiService(built.engine)


@pytest.fixture(scope="module")
def system(kpi: KpiService) -> KpiPack:
    return kpi.pack(OCTOBER, DIMS, actor=None, with_previous=True)


def keys(pack: KpiPack) -> dict[Dimension, set[str]]:
    return {d: {r.key for r in rows} for d, rows in pack.rows.items()}


def test_every_role_gets_the_systems_total(
    kpi: KpiService, actors: dict[str, Actor], system: KpiPack
) -> None:
    for role, actor in actors.items():
        if role == "nobody":
            continue
        pack = kpi.pack(OCTOBER, DIMS, actor=actor, with_previous=True)
        assert pack.total == system.total, role
        assert pack.previous_total == system.previous_total, role
        shown = {(r.dimension, r.key): r for rows in pack.rows.values() for r in rows}
        for row in (r for rows in system.rows.values() for r in rows):
            if (row.dimension, row.key) in shown:  # a row shown is the system's row
                assert shown[(row.dimension, row.key)] == row, role


def test_each_role_sees_its_rows(
    built: Built, kpi: KpiService, actors: dict[str, Actor], system: KpiPack
) -> None:
    ids = built.ids
    everything = keys(system)
    assert everything[Dimension.AM] >= {ids["am1"], ids["am2"]}  # the oracle can fail
    own_branch = {Dimension.BRANCH: {ids["branch"]}}
    nothing = {d: set() for d in DIMS}
    expected = {
        "am": {**nothing, **own_branch, Dimension.AM: {ids["am1"]}},
        "am2": {**nothing, **own_branch, Dimension.AM: {ids["am2"]}},
        "im": {**nothing, **own_branch, Dimension.GROUP: {ids["g1"]}, Dimension.AM: {ids["am1"]}},
        "ws": {**nothing, **own_branch, Dimension.WORKSTATION: {ids["w2"]}},
        "clerk": {**nothing, **own_branch},
        "rc": {**nothing, **own_branch},
        "leader": everything,
        "admin": everything,
        "analyst": everything,
    }
    for role, wanted in expected.items():
        assert keys(kpi.pack(OCTOBER, DIMS, actor=actors[role])) == wanted, role


def test_ids_behind_a_figure_only_for_the_readers_own_rows(
    built: Built, kpi: KpiService, actors: dict[str, Actor]
) -> None:
    ids, am, im, ws = built.ids, actors["am"], actors["im"], actors["ws"]
    orders = {ids[k] for k in ("o1", "o6", "o8")}  # am1's orders accepted in October
    assert set(kpi.figure_ids(OCTOBER, "K01", "d", Dimension.AM, ids["am1"], actor=am)) == orders
    assert set(kpi.figure_ids(OCTOBER, "K01", "d", Dimension.AM, ids["am1"], actor=im)) == orders
    accounts = set(kpi.figure_ids(OCTOBER, "K15", "d", Dimension.AM, ids["am1"], actor=am))
    assert accounts == {ids["cA"], ids["cC"]}
    group = kpi.figure_ids(OCTOBER, "K14", "n", Dimension.GROUP, ids["g1"], actor=im)
    assert group == kpi.figure_ids(OCTOBER, "K14", "n", Dimension.GROUP, ids["g1"], actor=None)
    steps = {ids[k] for k in ("s2", "s4", "s6")}
    assert set(kpi.figure_ids(OCTOBER, "K06", "d", Dimension.WORKSTATION, ids["w2"], actor=ws)) == (
        steps
    )
    leader = kpi.figure_ids(OCTOBER, "K01", "d", actor=actors["leader"])
    assert leader == kpi.figure_ids(OCTOBER, "K01", "d", actor=None) and len(leader) == 5

    refusals = [
        ("am", Dimension.TOTAL, "", "kpi.total_figure_only"),
        ("am", Dimension.BRANCH, ids["branch"], "kpi.total_figure_only"),
        ("am", Dimension.AM, ids["am2"], "kpi.not_yours"),
        ("am", Dimension.GROUP, ids["g1"], "kpi.not_yours"),
        ("im", Dimension.TOTAL, "", "kpi.total_figure_only"),
        ("im", Dimension.GROUP, ids["g2"], "kpi.not_yours"),
        ("im", Dimension.AM, ids["am2"], "kpi.not_yours"),
        ("ws", Dimension.WORKSTATION, ids["w1"], "kpi.not_yours"),
        ("clerk", Dimension.TOTAL, "", "kpi.total_figure_only"),
        ("rc", Dimension.AM, ids["am1"], "kpi.not_yours"),
        ("nobody", Dimension.TOTAL, "", "access.no_role"),
    ]
    for role, dimension, key, code in refusals:
        with pytest.raises(KamdeskError) as refused:
            kpi.figure_ids(OCTOBER, "K01", "d", dimension, key, actor=actors[role])
        assert refused.value.code == code, (role, dimension)
    with pytest.raises(KamdeskError) as refused:
        kpi.figure_ids(OCTOBER, "K01", "d", Dimension.AM, ids["am2"], actor=am)
    assert "李强" in refused.value.message()  # the refusal names the row, not its id


def test_targets_and_trend_follow_the_rows(
    built: Built, kpi: KpiService, actors: dict[str, Actor]
) -> None:
    ids, am = built.ids, actors["am"]
    assert kpi.targets(OCTOBER, actor=am) == kpi.targets(OCTOBER, actor=None)
    assert kpi.targets(OCTOBER, Dimension.AM, ids["am1"], actor=am) == {"K01": 0.8}
    with pytest.raises(KamdeskError, match="李强"):
        kpi.targets(OCTOBER, Dimension.AM, ids["am2"], actor=am)
    assert kpi.monthly_trend(OCTOBER, 3, actor=actors["clerk"]) == kpi.monthly_trend(
        OCTOBER, 3, actor=None
    )
    for refused in (
        lambda: kpi.pack(OCTOBER, DIMS, actor=actors["nobody"]),
        lambda: kpi.monthly_trend(OCTOBER, 3, actor=actors["nobody"]),
        lambda: kpi.targets(OCTOBER, actor=actors["nobody"]),
        lambda: kpi.data_sheets(OCTOBER, actor=actors["nobody"]),
    ):
        with pytest.raises(KamdeskError) as error:
            refused()
        assert error.value.code == "access.no_role"


def _cells(path: Path) -> dict[str, list[tuple[object, ...]]]:
    book = load_workbook(path, read_only=True)
    try:
        return {s.title: [tuple(r) for r in s.iter_rows(values_only=True)] for s in book}
    finally:
        book.close()


def test_an_ams_workbook_names_no_other_am_and_keeps_the_branch_total(
    built: Built, kpi: KpiService, actors: dict[str, Actor], tmp_path: Path
) -> None:
    dims = (Dimension.GROUP, Dimension.AM)
    files = {}
    for role in ("am", "leader"):
        ctx = kpi.report_context(OCTOBER, dims, actor=actors[role])
        files[role] = tmp_path / f"{role}.xlsx"
        write_kpi_file(ctx, "xlsx", files[role])
        if role == "am":
            pack = ctx.pack
            assert {r.key for rows in pack.rows.values() for r in rows} == {built.ids["am1"]}
    am, leader = _cells(files["am"]), _cells(files["leader"])
    assert list(am) == list(leader)
    summary = next(iter(am))
    generated = [i for i, row in enumerate(leader[summary]) if row != am[summary][i]]
    assert len(generated) <= 1  # at most the line saying when it was written
    am_text = "\n".join(str(v) for rows in am.values() for row in rows for v in row)
    leader_text = "\n".join(str(v) for rows in leader.values() for row in rows for v in row)
    others = ("李强", "金融组", "客户cB")  # am2, their group and their account with rows
    for other in others:
        assert other in leader_text, other  # the check can fail
        assert other not in am_text, other
    for key in ("am2", "g2", "o2", "o5", "cB"):
        assert built.ids[key] not in am_text
    orders = am[tr("Completed orders")]
    assert len(orders) - 1 == 3  # header + o1, o6, o8 (o2 and o5 are 李强's)
    assert len(leader[tr("Completed orders")]) - 1 == 5
