"""我的一天 on the home page: the signed-in person's lines appear, and activating one
asks for that account."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from PySide6.QtCore import Qt

from kamdesk.db.models import Branch, Customer, Staff, Visit
from kamdesk.domain.clock import utcnow
from kamdesk.services.my_day import DayLine, DaySection, MyDay, Section, Urgency
from kamdesk.services.uow import write_session
from kamdesk.ui.pages.my_day import CUSTOMER_ROLE, MyDayPage


def _seed_leader_with_overdue_account(engine: sa.Engine) -> str:
    now = utcnow()
    with write_session(engine) as s:
        branch = Branch(code="HZ", name="杭州分公司")
        s.add(branch)
        s.flush()
        am = Staff(branch_id=branch.id, login="am", name="王芳", role="am")
        s.add_all([am, Staff(branch_id=branch.id, login="boss", name="李强", role="leader")])
        s.flush()
        customer = Customer(
            branch_id=branch.id,
            name="杭州市第一人民医院",
            credit_code="12330100470000000X",
            category="monthly_spend",
            level="local",
            grade="A",
            owner_id=am.id,
            opened_at=now - timedelta(days=900),
            last_visit_at=now - timedelta(days=45),
        )
        s.add(customer)
        s.flush()
        s.add(Visit(customer_id=customer.id, status="done", done_at=now - timedelta(days=45)))
        return customer.id


def test_the_home_page_lists_the_leaders_branch_and_opens_an_account(
    make_window: Any, engine: sa.Engine, qtbot: Any
) -> None:
    customer_id = _seed_leader_with_overdue_account(engine)
    window = make_window()
    page = window.home_page.my_day
    qtbot.waitUntil(lambda: len(page.lines()) == 1, timeout=5000)
    [line] = page.lines()
    assert line.text(0) == "杭州市第一人民医院（A）"
    assert "李强" in page.caption.text()
    with qtbot.waitSignal(window.customer_requested, timeout=2000) as opened:
        page.tree.setCurrentItem(line)
        qtbot.keyClick(page.tree, Qt.Key.Key_Return)
    assert opened.args == [customer_id]


def _day() -> MyDay:
    def line(
        customer_id: str, name: str, urgency: Urgency, when: date | datetime | None
    ) -> DayLine:
        return DayLine(customer_id, name, "B", f"{name}的事项", urgency, when)

    sections = (
        DaySection(
            Section.VISITS,
            "拜访",
            3,
            (
                line("c1", "甲公司", Urgency.URGENT, date(2026, 11, 5)),
                line("c2", "乙公司", Urgency.SOON, date(2026, 11, 25)),
            ),
        ),
        DaySection(Section.CARE, "关怀", 0, ()),
        DaySection(Section.CHURN, "预警", 1, (line("c3", "丙公司", Urgency.URGENT, None),)),
    )
    return MyDay("王芳", "am", date(2026, 11, 20), sections)


def test_sections_show_counts_tags_and_what_is_cut_off(qtbot: Any) -> None:
    page = MyDayPage()
    qtbot.addWidget(page)
    page.show_day(_day())
    tree = page.tree
    assert tree.topLevelItemCount() == 3
    visits, care, churn = (tree.topLevelItem(i) for i in range(3))
    assert visits.text(0).startswith("拜访") and "3" in visits.text(0)
    assert visits.isExpanded() and not care.isExpanded()
    assert visits.childCount() == 3  # two lines and the note of the one not shown
    assert visits.child(2).data(0, CUSTOMER_ROLE) is None
    assert [item.data(0, CUSTOMER_ROLE) for item in page.lines()] == ["c1", "c2", "c3"]
    first = page.lines()[0]
    assert (first.text(1), first.text(2)) == ("甲公司的事项", "2026-11-05")
    assert first.text(3) != page.lines()[1].text(3)  # urgent and soon carry different tags
    assert churn.child(0).text(2) == ""


def test_double_click_on_a_line_emits_its_account_and_section_rows_do_not(qtbot: Any) -> None:
    page = MyDayPage()
    qtbot.addWidget(page)
    page.resize(800, 500)
    page.show()
    qtbot.waitExposed(page)
    page.show_day(_day())
    emitted: list[str] = []
    page.customer_opened.connect(emitted.append)
    page.tree.itemActivated.emit(page.tree.topLevelItem(0), 0)
    target = page.lines()[2]
    page.tree.scrollToItem(target)
    rect = page.tree.visualItemRect(target)
    # a real double-click: the first press selects, the second one activates
    qtbot.mouseClick(page.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(page.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert emitted == ["c3"]


def test_nobody_signed_in_says_so(qtbot: Any) -> None:
    page = MyDayPage()
    qtbot.addWidget(page)
    page.show_day(_day())
    page.show_no_user()
    assert page.tree.topLevelItemCount() == 0
    assert page.caption.text()
