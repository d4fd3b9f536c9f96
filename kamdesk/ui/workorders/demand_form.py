"""需求单: the account manager's demand form, for a new order or to edit a draft.

The account picker searches as you type (name, pinyin initials, credit code, phone);
the circuit fields (A/Z end, bandwidth, interface) show only for circuit products,
the fault fields (reported at, circuit number) only for fault orders. Leaving the
value empty lets the service price a year of the product's fee.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QLineEdit,
    QSpinBox,
    QWidget,
)

from kamdesk.domain.workorders.vocabulary import ORDER_KIND_LABELS, OrderKind
from kamdesk.errors import KamdeskError, define
from kamdesk.i18n import N_, tr
from kamdesk.services.workorders import FORM_IMPORTANCE_LABELS, DemandForm, FormImportance
from kamdesk.ui.workorders.choices import Choice, OrderChoices
from kamdesk.ui.workorders.form_dialog import FormDialog, Submit, text_box
from kamdesk.ui.workorders.qtime import QT_DISPLAY, from_qdatetime, now_q, to_qdatetime

define(
    {
        "form.bad_value": N_(
            "The order value must be an amount in CNY such as 12000 or 12000.50; "
            "leave it empty to use a year of the product's fee."
        ),
    }
)

INTERFACES = ("E1", "V.35", "FE", "GE", "10GE")
CIRCUIT_ROLE = int(Qt.ItemDataRole.UserRole) + 1
"""Product item data: whether it is a circuit product."""
BANDWIDTHS = ("2M", "10M", "20M", "50M", "100M", "200M", "500M", "1G", "10G")


class DemandFormDialog(FormDialog):
    """The demand form; ``initial`` fills it for editing a draft."""

    def __init__(
        self,
        choices: OrderChoices,
        branch_id: str,
        submit: Submit,
        initial: DemandForm | None = None,
        parent: QWidget | None = None,
    ) -> None:
        title = tr("Demand form") if initial is None else tr("Edit the demand form")
        super().__init__(title, submit, parent)
        self._choices = choices
        self._branch_id = branch_id

        self.kind = QComboBox()
        for kind in OrderKind:
            self.kind.addItem(tr(ORDER_KIND_LABELS[kind]), kind.value)
        self.customer_search = QLineEdit()
        self.customer_search.setPlaceholderText(tr("Type a name, pinyin initials or phone"))
        self.customer_search.setClearButtonEnabled(True)
        self.customer = QComboBox()
        self.product = QComboBox()
        for product in choices.products():
            self.product.addItem(f"{product.label} ({product.detail})", product.key)
            self.product.setItemData(self.product.count() - 1, product.flag, CIRCUIT_ROLE)
        self.quantity = QSpinBox()
        self.quantity.setRange(1, 9999)
        self.value = QLineEdit()
        self.value.setPlaceholderText(tr("Empty: 12 months of the product's fee"))
        self.requested_on = QDateEdit(QDate.currentDate().addDays(14))
        self.requested_on.setCalendarPopup(True)
        self.requested_on.setDisplayFormat("yyyy-MM-dd")
        self.importance = QComboBox()
        for level in FormImportance:
            self.importance.addItem(tr(FORM_IMPORTANCE_LABELS[level]), level.value)
        self.requirement = text_box(4)
        self.a_end = QLineEdit()
        self.z_end = QLineEdit()
        self.bandwidth = _editable(BANDWIDTHS)
        self.interface = _editable(INTERFACES)
        self.circuit_no = QLineEdit()
        self.reported_at = QDateTimeEdit(now_q())
        self.reported_at.setDisplayFormat(QT_DISPLAY)
        self.reported_at.setCalendarPopup(True)
        self.resource_request = QCheckBox(tr("Only ask the response center to confirm resources"))
        self.note = text_box(2)

        self.add_field(tr("Order kind"), self.kind, required=True)
        self.add_field(tr("Find account"), self.customer_search)
        self.add_field(tr("Account"), self.customer, required=True)
        self.add_field(tr("Product or service"), self.product, required=True)
        self.add_field(tr("Quantity"), self.quantity, required=True)
        self.add_field(tr("Order value (CNY)"), self.value)
        self.add_field(tr("Requested date"), self.requested_on)
        self.add_field(tr("Importance"), self.importance)
        self.add_field(tr("Requirement"), self.requirement, required=True)
        self.add_field(tr("A-end address"), self.a_end)
        self.add_field(tr("Z-end address"), self.z_end)
        self.add_field(tr("Bandwidth"), self.bandwidth)
        self.add_field(tr("Interface"), self.interface)
        self.add_field(tr("Circuit number"), self.circuit_no)
        self.add_field(tr("Fault reported at"), self.reported_at)
        self.add_field(tr("Resource request"), self.resource_request)
        self.add_field(tr("Note"), self.note)

        self.customer_search.textChanged.connect(self._search_customers)
        self.kind.currentIndexChanged.connect(self._show_relevant_fields)
        self.product.currentIndexChanged.connect(self._show_relevant_fields)
        self._search_customers("")
        if initial is not None:
            self._fill(initial)
        self._show_relevant_fields()
        self.resize(560, self.sizeHint().height())
        self._dirty = False  # filling the form is not an edit

    # --- fields ---------------------------------------------------------------------

    def _search_customers(self, text: str) -> None:
        current = self.customer.currentData()
        found = self._choices.customers(self._branch_id, text)
        self._set_customers(found, current)

    def _set_customers(self, found: list[Choice], keep: object) -> None:
        self.customer.blockSignals(True)
        self.customer.clear()
        for row in found:
            label = f"{row.label}（{row.detail}）" if row.detail else row.label
            self.customer.addItem(label, row.key)
        index = self.customer.findData(keep)
        self.customer.setCurrentIndex(index if index >= 0 else 0)
        self.customer.blockSignals(False)

    def _is_circuit(self) -> bool:
        return bool(self.product.currentData(CIRCUIT_ROLE))

    def _kind(self) -> OrderKind:
        return OrderKind(str(self.kind.currentData()))

    def _show_relevant_fields(self) -> None:
        circuit = self._is_circuit()
        fault = self._kind() is OrderKind.FAULT
        for widget in (self.a_end, self.z_end, self.bandwidth, self.interface):
            self.form.setRowVisible(widget, circuit)
        self.form.setRowVisible(self.circuit_no, circuit or fault)
        self.form.setRowVisible(self.reported_at, fault)

    def _fill(self, form: DemandForm) -> None:
        self.kind.setCurrentIndex(max(0, self.kind.findData(form.kind.value)))
        if self.customer.findData(form.customer_id) < 0:
            row = self._choices.customer(form.customer_id)
            if row is not None:
                self._set_customers([row], row.key)
        self.customer.setCurrentIndex(max(0, self.customer.findData(form.customer_id)))
        self.product.setCurrentIndex(max(0, self.product.findData(form.product_id)))
        self.quantity.setValue(form.quantity)
        self.value.setText("" if form.value is None else f"{form.value:f}")
        if form.requested_on is not None:
            day = form.requested_on
            self.requested_on.setDate(QDate(day.year, day.month, day.day))
        self.importance.setCurrentIndex(max(0, self.importance.findData(form.importance.value)))
        self.requirement.setPlainText(form.requirement)
        self.a_end.setText(form.a_end)
        self.z_end.setText(form.z_end)
        self.bandwidth.setCurrentText(form.bandwidth)
        self.interface.setCurrentText(form.interface)
        self.circuit_no.setText(form.circuit_no)
        if form.reported_at is not None:
            self.reported_at.setDateTime(to_qdatetime(form.reported_at))
        self.resource_request.setChecked(form.resource_request)
        self.note.setPlainText(form.note)

    # --- saving ---------------------------------------------------------------------

    def collect(self) -> DemandForm:
        customer = self.customer.currentData()
        if not customer:
            raise KamdeskError("form.required", field=tr("Account"))
        product = self.product.currentData()
        if not product:
            raise KamdeskError("form.required", field=tr("Product or service"))
        requirement = self.require(tr("Requirement"), self.requirement.toPlainText())
        circuit = self._is_circuit()
        fault = self._kind() is OrderKind.FAULT
        picked = self.requested_on.date()
        reported = from_qdatetime(self.reported_at.dateTime())
        return DemandForm(
            customer_id=str(customer),
            product_id=str(product),
            kind=self._kind(),
            quantity=self.quantity.value(),
            value=_amount(self.value.text()),
            requested_on=date(picked.year(), picked.month(), picked.day()),
            requirement=requirement,
            importance=FormImportance(str(self.importance.currentData())),
            a_end=self.a_end.text().strip() if circuit else "",
            z_end=self.z_end.text().strip() if circuit else "",
            bandwidth=self.bandwidth.currentText().strip() if circuit else "",
            interface=self.interface.currentText().strip() if circuit else "",
            circuit_no=self.circuit_no.text().strip() if circuit or fault else "",
            reported_at=reported if fault else None,
            resource_request=self.resource_request.isChecked(),
            note=self.note.toPlainText().strip(),
        )


def _editable(values: tuple[str, ...]) -> QComboBox:
    box = QComboBox()
    box.setEditable(True)
    box.addItems(["", *values])
    return box


def _amount(text: str) -> Decimal | None:
    cleaned = text.replace(",", "").replace("，", "").replace("¥", "").strip()
    if not cleaned:
        return None
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise KamdeskError("form.bad_value") from None
    if not value.is_finite() or value < 0:
        raise KamdeskError("form.bad_value")
    return value.quantize(Decimal("0.01"))
