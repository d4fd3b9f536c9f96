"""设置 › 月度报表: the branch's monthly report files — on or off, folder, PDF/Excel, the
KPI report and/or the evaluation sheets, and the day of the following month.

The setting is the branch's (stored in the database by
:class:`kamdesk.services.scheduled_reports.ScheduledReportService`); only the branch
admin or the department leader may change it, others see it read-only with the reason.
Saving runs on the writer lane; the service checks the values and its message is shown
under the fields. :attr:`ScheduledReportsPanel.saved` lets the window check at once
whether a month is due.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from kamdesk.errors import KamdeskError
from kamdesk.i18n import tr
from kamdesk.services.actor import Actor
from kamdesk.services.container import Services
from kamdesk.services.scheduled_reports import (
    MAX_DAY,
    SCHEDULE_ROLES,
    GeneratedMonth,
    ReportSchedule,
)
from kamdesk.ui.customer_file.formatting import ERROR_STYLE, NOTE_STYLE, instant
from kamdesk.ui.file_dialogs import remembered_folder
from kamdesk.ui.messages import failure_text
from kamdesk.ui.tasks import Lane, TaskHandle, TaskRunner

_Answer = tuple[ReportSchedule, tuple[GeneratedMonth, ...], Actor | None]


class ScheduledReportsPanel(QGroupBox):
    """Edits the monthly report schedule; see the module docstring."""

    saved = Signal(object)
    """Fires after the schedule was stored; carries the stored ReportSchedule."""

    def __init__(self, services: Services, runner: TaskRunner, parent: QWidget | None = None):
        super().__init__(tr("Monthly reports"), parent)
        self._services = services
        self._runner = runner
        self._actor: Actor | None = None
        self._schedule = ReportSchedule()

        note = QLabel(
            tr(
                "On the chosen day KAMDesk writes last month's KPI report (by industry group "
                "and account manager) and evaluation sheets into the folder; if this computer "
                "was off that day, at its next start. Switching on writes the last finished "
                "month as soon as its day has come. The files show everyone's figures and "
                "pay: choose a folder only management can open."
            )
        )
        note.setWordWrap(True)
        note.setStyleSheet(NOTE_STYLE)
        self.enabled_box = QCheckBox(tr("Write the monthly reports automatically"))
        self.folder_edit = QLineEdit()
        self.folder_edit.setPlaceholderText("D:\\KAMDesk\\Reports")
        self.browse_button = QPushButton(tr("Choose…"))
        self.browse_button.clicked.connect(self._choose_folder)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder_edit, 1)
        folder_row.addWidget(self.browse_button)
        self.pdf_box = QCheckBox(tr("PDF"))
        self.xlsx_box = QCheckBox(tr("Excel"))
        format_row = _row(self.pdf_box, self.xlsx_box)
        self.kpi_box = QCheckBox(tr("KPI report by industry group and account manager"))
        self.evaluation_box = QCheckBox(tr("Evaluation sheets of every account manager"))
        what = QVBoxLayout()
        what.addWidget(self.kpi_box)
        what.addWidget(self.evaluation_box)
        self.day_spin = QSpinBox()
        self.day_spin.setRange(1, MAX_DAY)
        self.day_spin.setToolTip(tr("Day 1 to {most} of the following month", most=MAX_DAY))
        day_row = _row(self.day_spin, QLabel(tr("of the following month, from 00:00")))
        self.last_label = QLabel()
        self.last_label.setStyleSheet(NOTE_STYLE)

        form = QFormLayout()
        form.addRow(self.enabled_box)
        form.addRow(tr("Folder:"), folder_row)
        form.addRow(tr("Formats:"), format_row)
        form.addRow(tr("Contents:"), what)
        form.addRow(tr("Written on day:"), day_row)
        form.addRow(tr("Last written:"), self.last_label)

        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setVisible(False)
        self.save_button = QPushButton(tr("Save"))
        self.save_button.clicked.connect(self.save)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)

        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self._inputs: tuple[QWidget, ...] = (
            self.enabled_box, self.folder_edit, self.browse_button, self.pdf_box,
            self.xlsx_box, self.kpi_box, self.evaluation_box, self.day_spin, self.save_button,
        )  # fmt: skip
        self._show_schedule(self._schedule)
        self._allow(False)
        self.reload()

    # --- reading --------------------------------------------------------------------

    def reload(self) -> TaskHandle:
        """Re-read the schedule, what was written and who is signed in, in the background."""
        services = self._services
        return self._runner.run(
            lambda progress, cancel: (
                services.scheduled_reports.schedule(),
                services.scheduled_reports.history(),
                services.shell.current_actor(),
            ),
            title=tr("Reading the monthly report setting"),
            show_progress=False,
            on_success=self._show,
            parent=self,
        )

    def _show(self, answer: _Answer) -> None:
        schedule, history, self._actor = answer
        self._schedule = schedule
        self._show_schedule(schedule)
        self._show_history(history)
        self._allow(self._actor is not None and self._actor.role in SCHEDULE_ROLES)

    def _show_schedule(self, schedule: ReportSchedule) -> None:
        self.enabled_box.setChecked(schedule.enabled)
        self.folder_edit.setText(schedule.folder)
        self.pdf_box.setChecked("pdf" in schedule.formats)
        self.xlsx_box.setChecked("xlsx" in schedule.formats)
        self.kpi_box.setChecked("kpi" in schedule.kinds)
        self.evaluation_box.setChecked("evaluation" in schedule.kinds)
        self.day_spin.setValue(schedule.day)

    def _show_history(self, history: tuple[GeneratedMonth, ...]) -> None:
        if history:
            latest = history[0]
            self.last_label.setText(
                tr("{month}, on {when}", month=latest.label, when=instant(latest.at))
            )
        else:
            self.last_label.setText(tr("Nothing yet."))

    def _allow(self, allowed: bool) -> None:
        """Only the admin or leader edits; others read the reason under the fields."""
        reason = "" if allowed else KamdeskError("scheduled_reports.not_allowed").message()
        for widget in self._inputs:
            widget.setEnabled(allowed)
        self.save_button.setToolTip(reason)
        if reason and self._actor is not None:  # before the first read nobody is known yet
            self._say(reason)

    def show_failure(self, text: str) -> None:
        """Show why the last automatic run failed (the window tells the panel)."""
        self._say(text, error=True)

    def _say(self, text: str, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(ERROR_STYLE if error else NOTE_STYLE)
        self.message.setVisible(bool(text))

    # --- acting ---------------------------------------------------------------------

    def edited_schedule(self) -> ReportSchedule:
        """The schedule as the fields show it (the first month is the service's)."""
        formats = tuple(f for f, box in (("pdf", self.pdf_box), ("xlsx", self.xlsx_box))
                        if box.isChecked())  # fmt: skip
        kinds = tuple(k for k, box in (("kpi", self.kpi_box), ("evaluation", self.evaluation_box))
                      if box.isChecked())  # fmt: skip
        return ReportSchedule(
            enabled=self.enabled_box.isChecked(),
            folder=self.folder_edit.text().strip(),
            formats=formats,
            kinds=kinds,
            day=self.day_spin.value(),
            first_month=self._schedule.first_month,
        )

    def save(self) -> TaskHandle | None:
        """Store the schedule on the writer lane; the service's refusal is shown here."""
        actor = self._actor
        if actor is None:
            return None
        schedule = self.edited_schedule()
        service = self._services.scheduled_reports
        return self._runner.run(
            lambda progress, cancel: service.save_schedule(actor, schedule),
            title=tr("Saving the monthly report setting"),
            lane=Lane.WRITE,
            show_progress=False,
            on_success=self._saved,
            on_failure=self._failed,
            parent=self,
        )

    def _saved(self, stored: ReportSchedule) -> None:
        self._schedule = stored
        self._show_schedule(stored)
        self._say(tr("Saved."))
        self.saved.emit(stored)

    def _failed(self, error: BaseException) -> None:
        self._say(failure_text(tr("Saving the monthly report setting"), error), error=True)

    def _choose_folder(self) -> None:
        text = self.folder_edit.text().strip()
        start = Path(text) if text and Path(text).is_dir() else remembered_folder("reports")
        chosen = QFileDialog.getExistingDirectory(
            self, tr("Choose the folder for the monthly reports"), str(start)
        )
        if chosen:
            self.folder_edit.setText(str(Path(chosen)))


def _row(*widgets: QWidget) -> QHBoxLayout:
    row = QHBoxLayout()
    for widget in widgets:
        row.addWidget(widget)
    row.addStretch(1)
    return row
