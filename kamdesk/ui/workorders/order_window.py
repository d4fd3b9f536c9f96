"""One work order in its own window: the forms' content, steps and return orders, the
full timeline, the deadline with "explain this deadline", attachments, printing, and
one button per action the acting person may take now.

The window acts as the ``actor`` it was opened with (until sign-in exists the page
passes the shell's user; tests pass each role). After every saved form it re-reads
the order, so the buttons always match the rules for the current state.
Hazard: reads and single transitions run on the GUI thread (milliseconds each).
"""

from __future__ import annotations

from datetime import datetime
from io import BytesIO

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kamdesk.domain.workorders.vocabulary import TERMINAL_STATES, Action
from kamdesk.errors import KamdeskError
from kamdesk.i18n import tr
from kamdesk.reports.workorder_labels import hours_and_minutes
from kamdesk.services.actor import Actor
from kamdesk.services.workorders import OrderDetail, WorkOrderService
from kamdesk.ui.messages import show_failure
from kamdesk.ui.workorders.action_forms import ActionForms
from kamdesk.ui.workorders.attachments_panel import AttachmentsPanel
from kamdesk.ui.workorders.choices import OrderChoices
from kamdesk.ui.workorders.deadline_panel import DeadlinePanel
from kamdesk.ui.workorders.detail_tables import (
    fill_returns,
    fill_steps,
    fill_timeline,
    returns_table,
    steps_table,
    timeline_table,
)
from kamdesk.ui.workorders.form_dialog import FormDialog
from kamdesk.ui.workorders.qtime import shown
from kamdesk.ui.workorders.tags import state_style


class OrderWindow(QWidget):
    """The order ``order_id`` as seen and acted on by ``actor``."""

    changed = Signal(str)
    """Fires with the order id after a transition, attachment or print was saved."""

    def __init__(
        self,
        service: WorkOrderService,
        choices: OrderChoices,
        actor: Actor,
        order_id: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self._service = service
        self._actor = actor
        self._forms = ActionForms(service, choices, actor)
        self.order_id = order_id
        self.detail: OrderDetail | None = None
        self.action_buttons: dict[Action, QPushButton] = {}
        self.open_form: FormDialog | None = None
        self.preview_dialog: QDialog | None = None

        self.title = QLabel()
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.title.setFont(font)
        self.state_tag = QLabel()
        self.state_tag.setAccessibleName(tr("State"))
        self.subtitle = QLabel()
        self.subtitle.setWordWrap(True)
        self.deadline = DeadlinePanel()

        self.summary = QWidget()
        self.summary_form = QFormLayout(self.summary)
        self.summary_form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.steps = steps_table()
        self.returns = returns_table()
        steps_page = QWidget()
        steps_column = QVBoxLayout(steps_page)
        steps_column.addWidget(QLabel(tr("Dispatched steps")))
        steps_column.addWidget(self.steps, 2)
        steps_column.addWidget(QLabel(tr("Return orders")))
        steps_column.addWidget(self.returns, 1)
        self.timeline = timeline_table()
        self.attachments = AttachmentsPanel(
            lambda path: service.add_attachment_file(actor, order_id, path)
        )
        self.attachments.added.connect(self._after_change)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.summary, tr("Forms"))
        self.tabs.addTab(steps_page, tr("Steps and returns"))
        self.tabs.addTab(self.timeline, tr("Timeline"))
        self.tabs.addTab(self.attachments, tr("Attachments"))

        self.actions_row = QHBoxLayout()
        self.preview_button = QPushButton(tr("Print preview"))
        self.print_button = QPushButton(tr("Print…"))
        self.print_button.setShortcut(QKeySequence.StandardKey.Print)
        self.print_button.setToolTip(tr("Print (Ctrl+P)"))
        self.preview_button.clicked.connect(self.preview)
        self.print_button.clicked.connect(self.print_order)
        bottom = QHBoxLayout()
        bottom.addLayout(self.actions_row)
        bottom.addStretch(1)
        bottom.addWidget(self.preview_button)
        bottom.addWidget(self.print_button)

        heading = QHBoxLayout()
        heading.addWidget(self.title)
        heading.addWidget(self.state_tag)
        heading.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(heading)
        layout.addWidget(self.subtitle)
        layout.addWidget(self.deadline)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(bottom)
        self.resize(980, 700)
        self.reload()

    # --- showing --------------------------------------------------------------------

    def reload(self) -> None:
        """Read the order and what the actor may do now, and show both."""
        self.detail = detail = self._service.get(self.order_id, self._actor)
        allowed = self._service.allowed_actions(self._actor, self.order_id)
        self.setWindowTitle(
            tr(
                "Work order {order_no} — {state}",
                order_no=detail.order_no,
                state=detail.state_label,
            )
        )
        self.title.setText(f"{detail.order_no} · {detail.kind_label}")
        self.state_tag.setText(detail.state_label)
        self.state_tag.setStyleSheet(state_style(detail.state))
        self.subtitle.setText(
            tr(
                "{customer} (grade {grade}) · {product} · account manager {owner} · "
                "created {created}",
                customer=detail.customer_name,
                grade=detail.customer_grade,
                product=detail.product_name,
                owner=detail.owner_name,
                created=shown(detail.created_at),
            )
        )
        self.deadline.show_deadline(detail.deadline)
        self._show_summary(detail)
        fill_steps(self.steps, detail.steps)
        fill_returns(self.returns, detail.returns)
        fill_timeline(self.timeline, detail.timeline)
        self.attachments.show_attachments(detail.attachments, not _closed(detail))
        self._show_actions([(choice.action, choice.label) for choice in allowed])

    def _show_summary(self, d: OrderDetail) -> None:
        while self.summary_form.rowCount():
            self.summary_form.removeRow(0)
        form = d.form
        rows = [
            (tr("Requirement"), form.requirement),
            (tr("Quantity"), str(form.quantity)),
            (tr("Order value"), f"¥{d.value:,.2f}"),
            (tr("Requested date"), form.requested_on.isoformat() if form.requested_on else ""),
            (tr("A-end address"), form.a_end),
            (tr("Z-end address"), form.z_end),
            (tr("Bandwidth"), form.bandwidth),
            (tr("Interface"), form.interface),
            (tr("Circuit number"), form.circuit_no),
            (tr("Fault reported at"), shown(form.reported_at) if form.reported_at else ""),
            (tr("Service restored at"), shown(d.restored_at) if d.restored_at else ""),
            (tr("Repair time"), _repair_time(form.reported_at, d.restored_at)),
            (tr("Review"), d.importance_reason),
            (tr("Sent back because"), d.last_rejection or ""),
            (tr("Resource confirmation"), _joined(d.resource_outcome, d.resource_detail)),
            (tr("Results"), d.results),
            (tr("Test results"), d.test_results),
            (tr("Satisfaction"), "" if d.satisfaction is None else f"{d.satisfaction} / 5"),
            (tr("Signed by"), d.signer_name or ""),
            (tr("Cancelled because"), d.cancel_reason or ""),
        ]
        for label, value in rows:
            if value:
                text = QLabel(value)
                text.setWordWrap(True)
                text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                self.summary_form.addRow(label, text)

    def _show_actions(self, allowed: list[tuple[Action, str]]) -> None:
        for button in self.action_buttons.values():
            self.actions_row.removeWidget(button)
            button.deleteLater()
        self.action_buttons = {}
        for action, label in allowed:
            button = QPushButton(label[:1].upper() + label[1:])
            button.setObjectName(f"action_{action.value}")
            button.clicked.connect(lambda _=False, a=action: self.open_action(a))
            self.actions_row.addWidget(button)
            self.action_buttons[action] = button

    # --- acting ---------------------------------------------------------------------

    def open_action(self, action: Action) -> FormDialog:
        """Open the form of ``action`` (window-modal); saving it refreshes the window."""
        assert self.detail is not None
        form = self._forms.form(action, self.detail, self)
        form.setWindowModality(Qt.WindowModality.WindowModal)
        form.saved.connect(lambda _result: self._after_change())
        self.open_form = form
        form.open()
        return form

    def _after_change(self) -> None:
        self.reload()
        self.changed.emit(self.order_id)

    # --- printing -------------------------------------------------------------------

    def preview(self) -> None:
        """Show what the next print will look like (not counted); its Print button
        prints through :meth:`print_order`, which counts the print it puts on paper."""
        out = BytesIO()
        try:
            self._service.printing.preview_pdf(self.order_id, out, actor=self._actor)
            # imported here: QtPdf loads on the first print, not at start-up
            from kamdesk.ui.workorders.print_preview import PdfPrintout

            printout = PdfPrintout([out.getvalue()])
        except KamdeskError as exc:
            show_failure(self, tr("Print preview"), exc)
            return
        dialog = printout.preview_dialog(self)
        dialog.accepted.connect(self.print_order)
        self.preview_dialog = dialog
        dialog.open()

    def print_order(self) -> None:
        """Ask for a printer, then record the print and print exactly the recorded PDF;
        cancelling records nothing, a failure to record prints nothing."""
        # imported here: QtPdf loads on the first print, not at start-up
        from kamdesk.ui.workorders.print_preview import print_recorded, recording

        record = recording(self._service.printing, self.order_id, self._actor)
        outcome = print_recorded(self, tr("Print"), [record])
        if outcome is None:
            return
        if outcome.recorded:
            self._after_change()
        if outcome.error is not None:
            show_failure(self, tr("Print"), outcome.error)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.open_form is not None and self.open_form.isVisible():
            self.open_form.reject()  # asks before discarding a half-filled form
            if self.open_form.isVisible():
                event.ignore()
                return
        super().closeEvent(event)


def _closed(detail: OrderDetail) -> bool:
    return detail.state in TERMINAL_STATES


def _joined(first: str | None, second: str | None) -> str:
    return "；".join(part for part in (first, second) if part)


def _repair_time(reported: datetime | None, restored: datetime | None) -> str:
    """A fault order's reported → restored time, once restored."""
    if reported is None or restored is None:
        return ""
    return hours_and_minutes(restored - reported)
