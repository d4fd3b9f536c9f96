"""Issue 2 item 10: PySide6 6.12.0 on Python 3.11 dropped a reference to ``None`` whenever
``data()`` answered nothing, and the process died after a few thousand calls
(``Fatal Python error: none_dealloc``). 6.11.3 is clean and pinned; this keeps it so.

The model answers most roles with ``None``, the way every real table model does, and is
driven both from Python (``QModelIndex.data``) and from C++ (a view painting itself).
Every call that lost a reference would lower ``sys.getrefcount(None)`` by one.
"""

from __future__ import annotations

import gc
import sys
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QTableView

ROWS, COLUMNS = 200, 5
ROLES = (
    Qt.ItemDataRole.DisplayRole,
    Qt.ItemDataRole.ToolTipRole,  # None
    Qt.ItemDataRole.DecorationRole,  # None
    Qt.ItemDataRole.TextAlignmentRole,  # None except the number column
    Qt.ItemDataRole.ForegroundRole,  # None
    Qt.ItemDataRole.UserRole,  # None
)
SLACK = 200  # unrelated objects come and go; a leak here would be thousands


class SparseModel(QAbstractTableModel):
    """Text in column 0, numbers in column 1, nothing at all in the rest."""

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else ROWS

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else COLUMNS

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            if index.column() == 0:
                return f"客户{index.row()}"
            if index.column() == 1:
                return f"{index.row() * 1000:,}"
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 1:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


def none_refs() -> int:
    gc.collect()
    return sys.getrefcount(None)


def test_twenty_thousand_data_calls_keep_the_reference_count_of_none(qapp):
    model = SparseModel()
    for _ in range(5):  # warm up caches and lazily created wrappers
        model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole)
    before = none_refs()

    calls = nones = 0
    while calls < 20_000:
        for row in range(ROWS):
            for column in range(COLUMNS):
                index = model.index(row, column)
                for role in ROLES:
                    value = index.data(role)
                    calls += 1
                    nones += value is None
    after = none_refs()

    assert nones > calls // 2  # the calls really did answer "nothing"
    assert after >= before - SLACK, f"None lost {before - after} references in {calls} calls"


def test_a_view_painting_a_sparse_model_keeps_the_reference_count_of_none(qtbot):
    model = SparseModel()
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.resize(800, 2000)
    view.grab()
    before = none_refs()
    for _ in range(6):  # each paint asks every visible cell for a dozen roles
        view.grab()
    after = none_refs()
    assert after >= before - SLACK, f"None lost {before - after} references while painting"
