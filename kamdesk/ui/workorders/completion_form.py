"""竣工单: what was built and how it tested, once every step is done."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from kamdesk.i18n import tr
from kamdesk.ui.workorders.form_dialog import FormDialog, Submit, text_box


class CompletionFormDialog(FormDialog):
    """Results (required) and test results of the completed order."""

    def __init__(self, submit: Submit, parent: QWidget | None = None) -> None:
        super().__init__(tr("Completion form"), submit, parent)
        self.results = text_box(4)
        self.results.setPlaceholderText(tr("What was opened or repaired, circuit numbers"))
        self.test_results = text_box(3)
        self.test_results.setPlaceholderText(tr("Tests run and their values"))
        self.add_field(tr("Results"), self.results, required=True)
        self.add_field(tr("Test results"), self.test_results)

    def collect(self) -> dict[str, object]:
        return {
            "results": self.require(tr("Results"), self.results.toPlainText()),
            "test_results": self.test_results.toPlainText().strip(),
        }
