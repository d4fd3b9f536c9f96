"""竣工单: what was built and how it tested, once every step is done, signed by the
workstation lead on the pad (stored with role ``workstation`` together with the
completion)."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit, QWidget

from kamdesk.i18n import tr
from kamdesk.ui.workorders.form_dialog import FormDialog, Submit, text_box
from kamdesk.ui.workorders.signature_box import SignatureBox, Signed


class CompletionFormDialog(FormDialog):
    """Results (required), test results, and the workstation lead's name and signature;
    ``signer_name`` (the signed-in person) is the name's editable default."""

    def __init__(
        self, submit: Submit, signer_name: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(tr("Completion form"), submit, parent)
        self.results = text_box(4)
        self.results.setPlaceholderText(tr("What was opened or repaired, circuit numbers"))
        self.test_results = text_box(3)
        self.test_results.setPlaceholderText(tr("Tests run and their values"))
        self.signer = QLineEdit(signer_name)
        self.signing = SignatureBox()
        self.pad = self.signing.pad
        self.add_field(tr("Results"), self.results, required=True)
        self.add_field(tr("Test results"), self.test_results)
        self.add_field(tr("Workstation lead"), self.signer, required=True)
        self.add_field(tr("Signature of the workstation lead"), self.signing, required=True)

    def collect(self) -> Signed:
        payload: dict[str, object] = {
            "results": self.require(tr("Results"), self.results.toPlainText()),
            "test_results": self.test_results.toPlainText().strip(),
        }
        name = self.require(tr("Workstation lead"), self.signer.text())
        return Signed(payload, self.signing.signature(name, "workstation"))
