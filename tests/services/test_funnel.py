"""The sales funnel's validated stages, and demand forecasts rolled up by group."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from kamdesk.domain.customers.funnel import ForecastPeriod, Stage
from kamdesk.errors import KamdeskError
from kamdesk.i18n import set_language
from kamdesk.services.funnel import FunnelService
from tests.services.desk_support import NOW, Desk, add_account, make_desk

MONTHLY, QUARTERLY = ForecastPeriod.MONTHLY, ForecastPeriod.QUARTERLY
DEC, JAN = date(2026, 12, 1), date(2027, 1, 1)


@pytest.fixture()
def desk(tmp_path: Path) -> Desk:
    return make_desk(tmp_path)


def test_an_opportunity_moves_one_stage_at_a_time_to_won(desk: Desk) -> None:
    customer_id = add_account(desk, "杭州银行", owner=desk.am)
    service = FunnelService(desk.engine)
    opportunity = service.create_opportunity(
        desk.am, customer_id, " 数据中心专线 ", expected_value=Decimal("120000.00"), at=NOW
    )
    assert (opportunity.stage, opportunity.title) == (Stage.LEAD, "数据中心专线")
    for stage in (Stage.CREATED, Stage.ASSIGNED, Stage.RELATIONSHIP, Stage.NEGOTIATION, Stage.WON):
        opportunity = service.move(desk.am, opportunity.id, stage, at=NOW)
    assert opportunity.stage is Stage.WON
    with pytest.raises(KamdeskError) as final:
        service.move(desk.am, opportunity.id, Stage.LOST)
    assert final.value.code == "funnel.bad_transition"
    totals = {t.stage: (t.count, t.expected_value) for t in service.funnel(desk.am)}
    assert totals[Stage.WON] == (1, Decimal("120000.00"))
    assert totals[Stage.LEAD] == (0, Decimal("0.00"))


def test_skipping_a_stage_is_refused_with_the_way_forward(desk: Desk) -> None:
    customer_id = add_account(desk, "杭州银行", owner=desk.am)
    service = FunnelService(desk.engine)
    opportunity = service.create_opportunity(desk.am, customer_id, "云主机扩容")
    set_language("en")
    try:
        with pytest.raises(KamdeskError) as skipped:
            service.move(desk.am, opportunity.id, Stage.NEGOTIATION)
    finally:
        set_language("zh_CN")
    assert skipped.value.code == "funnel.bad_transition"
    assert skipped.value.params["allowed"] == "Opportunity created, Tender lost"
    lost = service.move(desk.am, opportunity.id, Stage.LOST)
    assert lost.stage is Stage.LOST
    assert service.opportunities(desk.am, open_only=True) == ()


def test_another_managers_account_is_refused(desk: Desk) -> None:
    theirs = add_account(desk, "IT客户", owner=desk.it_am, group="it")
    service = FunnelService(desk.engine)
    with pytest.raises(KamdeskError) as refused:
        service.create_opportunity(desk.am, theirs, "专线")
    assert refused.value.code == "funnel.account_not_yours"
    opportunity = service.create_opportunity(desk.leader, theirs, "专线")
    assert service.move(desk.it_am, opportunity.id, Stage.CREATED).stage is Stage.CREATED
    assert [o.customer_name for o in service.opportunities(desk.it_am)] == ["IT客户"]
    assert service.opportunities(desk.am) == ()


def test_forecasts_roll_up_per_product_and_month_for_the_group(desk: Desk) -> None:
    service = FunnelService(desk.engine)
    dia, mpls = desk.products["DIA"], desk.products["MPLS"]
    service.enter_forecast(desk.am, dia, MONTHLY, DEC, 4)
    service.enter_forecast(desk.am, dia, MONTHLY, DEC, 5)  # changed, not added
    service.enter_forecast(desk.other_am, dia, MONTHLY, DEC, 3)
    service.enter_forecast(desk.am, mpls, MONTHLY, JAN, 2)
    service.enter_forecast(desk.it_am, dia, MONTHLY, DEC, 7)  # another group
    service.enter_forecast(desk.manager, dia, MONTHLY, DEC, 99)  # the manager's own figure
    rollup = service.rollup(desk.manager, MONTHLY, DEC, JAN)
    assert [(t.product_code, t.month, t.quantity, t.forecasters) for t in rollup] == [
        ("DIA", DEC, Decimal(8), 2),
        ("MPLS", JAN, Decimal(2), 1),
    ]
    branch = service.rollup(desk.leader, MONTHLY, DEC, DEC)
    assert [(t.product_code, t.quantity) for t in branch] == [("DIA", Decimal(15))]
    it_only = service.rollup(desk.leader, MONTHLY, DEC, DEC, industry_group_id=desk.groups["it"])
    assert [t.quantity for t in it_only] == [Decimal(7)]
    with pytest.raises(KamdeskError) as refused:
        service.rollup(desk.am, MONTHLY, DEC, JAN)
    assert refused.value.code == "forecast.rollup_not_allowed"


def test_forecasts_are_checked_and_submitted(desk: Desk) -> None:
    service = FunnelService(desk.engine)
    dia = desk.products["DIA"]
    with pytest.raises(KamdeskError) as quarter:
        service.enter_forecast(desk.am, dia, QUARTERLY, DEC, 10)
    assert quarter.value.code == "forecast.bad_month"
    with pytest.raises(KamdeskError) as negative:
        service.enter_forecast(desk.am, dia, MONTHLY, DEC, -1)
    assert negative.value.code == "forecast.negative"
    with pytest.raises(KamdeskError) as clerk:
        service.enter_forecast(desk.clerk, dia, MONTHLY, DEC, 1)
    assert clerk.value.code == "forecast.not_allowed"
    service.enter_forecast(desk.am, dia, QUARTERLY, JAN, 12)
    assert service.submit_forecasts(desk.am, QUARTERLY, JAN, at=NOW) == 1
    assert service.submit_forecasts(desk.am, QUARTERLY, JAN, at=NOW) == 0
    [mine] = service.my_forecasts(desk.am, QUARTERLY, JAN, JAN)
    assert (mine.quantity, mine.submitted_at) == (12, NOW)
    service.enter_forecast(desk.am, dia, QUARTERLY, JAN, 15)  # a change needs a new submit
    [changed] = service.my_forecasts(desk.am, QUARTERLY, JAN, JAN)
    assert (changed.quantity, changed.submitted_at) == (15, None)
