"""概况: the account's own fields (editable) beside the facts the file derives — category,
level and grade with the reasons behind them, churn warning, products in use and
the 12-month revenue chart."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from kamdesk.domain.customers.classification import CATEGORY_LABELS, LEVEL_LABELS
from kamdesk.domain.customers.reasons import describe
from kamdesk.i18n import label, tr
from kamdesk.services.customer_file.views import CustomerOverview
from kamdesk.services.customer_file.vocabulary import STATUS_LABELS, CustomerStatus
from kamdesk.ui.customer_file.customer_form import CustomerForm
from kamdesk.ui.customer_file.formatting import NOTE_STYLE, day, instant, money
from kamdesk.ui.customer_file.record_table import RecordTable, RecordTableModel, Row
from kamdesk.ui.customer_file.revenue_chart import RevenueChart


def _note(text: str = "") -> QLabel:
    note = QLabel(text)
    note.setWordWrap(True)
    return note


class OverviewTab(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.form = CustomerForm()
        self.save_button = QPushButton(tr("Save"))
        self.save_button.setToolTip(tr("Save the account's fields (Enter or Ctrl+S)"))
        self.revert_button = QPushButton(tr("Undo changes"))
        self.save_hint = QLabel()
        self.save_hint.setStyleSheet(NOTE_STYLE)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.save_hint, 1)
        form_box = QGroupBox(tr("Account"))
        form_layout = QVBoxLayout(form_box)
        form_layout.addWidget(self.form)
        form_layout.addLayout(buttons)
        form_layout.addStretch(1)

        self.status_label = _note()
        self.grade_label = _note()
        self.grade_reasons = _note()
        self.grade_reasons.setStyleSheet(NOTE_STYLE)
        self.churn_label = _note()
        self.churn_reasons = _note()
        self.churn_reasons.setStyleSheet(NOTE_STYLE)
        self.facts_label = _note()
        self.products = RecordTable(
            RecordTableModel(
                [tr("Product"), tr("Quantity"), tr("Since"), tr("Circuit number")],
                frozenset({1}),
            )
        )
        self.grade_history = RecordTable(
            RecordTableModel(
                [tr("Graded on"), tr("Grade"), tr("Category"), tr("Score"), tr("Rule version")],
                frozenset({3, 4}),
            )
        )
        self.grade_history.setAccessibleName(tr("Grade history"))
        self.grade_history.setMaximumHeight(140)
        self.products.setAccessibleName(tr("Products in use"))
        self.products.setMaximumHeight(160)
        self.revenue_title = QLabel()
        self.chart = RevenueChart()
        facts = QWidget()
        facts_layout = QVBoxLayout(facts)
        for widget in (
            self.status_label,
            self.grade_label,
            self.grade_reasons,
            QLabel(tr("Grade history")),
            self.grade_history,
            self.churn_label,
            self.churn_reasons,
            self.facts_label,
            QLabel(tr("Products in use")),
            self.products,
            self.revenue_title,
            self.chart,
        ):
            facts_layout.addWidget(widget)
        facts_layout.addStretch(1)
        self.facts_scroll = QScrollArea()
        self.facts_scroll.setWidget(facts)
        self.facts_scroll.setWidgetResizable(True)
        form_scroll = QScrollArea()
        form_scroll.setWidget(form_box)
        form_scroll.setWidgetResizable(True)
        layout = QHBoxLayout(self)
        layout.addWidget(form_scroll, 1)
        layout.addWidget(self.facts_scroll, 1)

    def show_overview(self, o: CustomerOverview) -> None:
        if o.status == CustomerStatus.LEFT:
            status = tr(
                "{status} on {day}: {reason}",
                status=label(STATUS_LABELS, o.status),
                day=instant(o.left_at),
                reason=o.leave_reason,
            )
        else:
            status = label(STATUS_LABELS, o.status)
        self.status_label.setText(tr("Status: {status}", status=status))
        self.grade_label.setText(
            tr(
                "Grade {grade} (score {score}) · {category} · {level}",
                grade=o.grade,
                score=f"{o.grade_score:.2f}",
                category=label(CATEGORY_LABELS, o.category),
                level=label(LEVEL_LABELS, o.level),
            )
        )
        self.grade_reasons.setText("\n".join(f"• {describe(r)}" for r in o.grade_reasons))
        self.grade_history.records.set_rows(
            [
                Row(
                    str(i),
                    (
                        instant(g.computed_at),
                        g.grade,
                        label(CATEGORY_LABELS, g.category),
                        f"{g.score:.2f}",
                        str(g.rule_version) if g.rule_version else tr("defaults"),
                    ),
                )
                for i, g in enumerate(o.grade_history)
            ]
        )
        self.churn_label.setText(tr("Churn warning score: {score}", score=o.churn_score))
        self.churn_reasons.setText("\n".join(f"• {describe(r)}" for r in o.churn_reasons))
        self.facts_label.setText(
            tr(
                "Branch: {branch} · Head-office branch: {head} · Opened: {opened} · "
                "Last visit: {visit}",
                branch=o.branch_name,
                head=o.head_office_branch_name or tr("(not set)"),
                opened=instant(o.opened_at),
                visit=instant(o.last_visit_at) or tr("none"),
            )
        )
        self.products.records.set_rows(
            [
                Row(str(i), (p.product_name, f"{p.quantity:,}", day(p.since), p.circuit_no))
                for i, p in enumerate(o.products)
            ]
        )
        self.revenue_title.setText(
            tr("Revenue of the last 12 months: {total}", total=money(o.revenue_total))
        )
        self.chart.set_points(o.revenue)

    def show_facts_visible(self, visible: bool) -> None:
        """A new account has no facts yet: only the form is shown."""
        self.facts_scroll.setVisible(visible)
