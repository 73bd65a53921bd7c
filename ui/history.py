"""修改记录: a record's history in plain language, with 恢复 to the version before a change.

Rows come from the core (``store.history_with_children``) and are worded there
(:func:`ycdesk.history_text.describe`): Chinese field names, local times, 原值 → 新值.
恢复 brings the record back to how it was before the selected change — a deleted record
comes back, an edit is reverted — as one change on the window's undo stack.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.models.records import Col, RecordsModel
from ui.tabs.common import current_record, make_table
from ui.undo import run_change
from ycdesk import changes
from ycdesk.errors import UserError
from ycdesk.history_text import TABLE_LABELS, describe


class HistoryView(QWidget):
    restored = Signal()  # a record was restored: the owner shows the data again

    def __init__(self, with_table: bool = True, parent=None) -> None:
        super().__init__(parent)
        self.store = None
        columns = [Col(self.tr("时间"), "when"), Col(self.tr("操作人"), "operator")]
        if with_table:
            columns.append(Col(self.tr("类别"), "table_label"))
        columns += [
            Col(self.tr("操作"), "action_label"),
            Col(self.tr("记录"), "record"),
            Col(self.tr("变更"), "change"),
        ]
        self.model = RecordsModel(columns)
        self.table = make_table(self.model)
        self.table.doubleClicked.connect(lambda _index: self.restore())
        self.restore_button = QPushButton(self.tr("恢复到这次修改之前(&R)…"))
        self.restore_button.setToolTip(
            self.tr("把记录恢复为所选修改之前的样子；已删除的记录会恢复。可用 编辑 → 撤销 撤回")
        )
        self.restore_button.clicked.connect(self.restore)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._enable())
        row = QHBoxLayout()
        row.addWidget(self.restore_button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addLayout(row)
        self._enable()

    def set_history(self, store, rows: list[dict]) -> None:
        """``rows``: history rows from the core, newest first."""
        self.store = store
        self.model.set_records(describe(rows))
        self.table.resizeColumnsToContents()
        record = [c.key for c in self.model.columns].index("record")
        # A long record name (an indicator's) leaves room for 变更, the column read most.
        self.table.setColumnWidth(record, min(self.table.columnWidth(record), 150))
        self._enable()

    def selected(self) -> dict | None:
        return current_record(self.table)

    def _enable(self) -> None:
        h = self.selected()
        # Before a record's creation there is nothing to go back to (delete it instead).
        self.restore_button.setEnabled(h is not None and h["action"] != "insert")

    def restore(self) -> None:
        h = self.selected()
        if h is None or self.store is None or h["action"] == "insert":
            return
        try:
            preview = changes.restore_preview(self.store, h["seq"])
        except UserError as exc:
            QMessageBox.warning(self, self.tr("无法恢复"), str(exc))
            return
        answer = QMessageBox.question(
            self, self.tr("恢复"), preview + self.tr("\n\n恢复后可用 编辑 → 撤销 撤回。确定恢复吗？")
        )
        if answer != QMessageBox.Yes:
            return
        label = self.tr("恢复{0}“{1}”").format(TABLE_LABELS.get(h["table_name"], h["table_name"]), h["record"])
        try:
            run_change(self, label, lambda: changes.restore_version(self.store, h["seq"]))
        except UserError as exc:
            QMessageBox.warning(self, self.tr("无法恢复"), str(exc))
            return
        self.restored.emit()
        window = self.window()
        if hasattr(window, "statusBar"):
            window.statusBar().showMessage(self.tr("已{0}").format(label), 10_000)
