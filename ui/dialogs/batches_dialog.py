"""Past imports, newest first, each undoable in one step."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
)

from ui.models.records import Col, RecordsModel
from ui.operations import Operation
from ui.tabs.common import make_table
from ui.undo import batch_undo_work
from ycdesk.errors import UserError
from ycdesk.history_text import local_time
from ycdesk.imports import UndoBlocked, batches, plan_undo
from ycdesk.imports.kinds import kind_label


class BatchesDialog(QDialog):
    def __init__(self, store, parent=None) -> None:
        super().__init__(parent)
        self.store = store
        self.changed = False
        self.setWindowTitle(self.tr("导入批次"))
        self.model = RecordsModel(
            [
                Col(self.tr("时间"), "created_at", local_time),
                Col(self.tr("类型"), "kind", kind_label),
                Col(self.tr("文件"), "file_name"),
                Col(self.tr("工作表"), "sheet"),
                Col(self.tr("新增"), "new"),
                Col(self.tr("更新"), "updated"),
                Col(self.tr("未变"), "unchanged"),
                Col(self.tr("拒绝"), "rejected"),
                Col(self.tr("操作人"), "operator"),
                Col(self.tr("撤销于"), "undone_at", local_time),
            ]
        )
        self.table = make_table(self.model)
        self.undo = QPushButton(self.tr("撤销所选批次(&U)"))
        self.undo.clicked.connect(self.undo_selected)
        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(self.undo)
        layout.addWidget(buttons)
        self.resize(900, 400)
        self.refresh()

    def refresh(self) -> None:
        self.model.set_records(batches(self.store))
        self.table.resizeColumnsToContents()

    def confirmation(self, batch: dict) -> str:
        return self.tr(
            "撤销 {0} {1}导入的“{2}”（{3}：新增 {4} 条，更新 {5} 条）？\n"
            "新增的记录将删除，更新过的记录恢复原值；撤销前会自动备份工作区。"
        ).format(
            local_time(batch["created_at"]),
            batch["operator"],
            batch["file_name"],
            kind_label(batch["kind"]),
            batch["new"],
            batch["updated"],
        )

    def undo_selected(self) -> None:
        index = self.table.currentIndex()
        if not index.isValid():
            return
        batch = self.model.record(index.row())
        try:
            plan = plan_undo(self.store, batch["id"])
            keep = False
            if (
                not plan.kept
                and QMessageBox.question(self, self.tr("撤销导入"), self.confirmation(batch)) != QMessageBox.Yes
            ):
                return
            if plan.kept:
                # Later work on some of the batch's records: say which, and undo only the rest if asked.
                answer = QMessageBox.question(
                    self,
                    self.tr("部分记录导入后又被改动"),
                    str(UndoBlocked(plan.kept)) + "\n\n" + self.tr("撤销其余改动并保留这些记录吗？"),
                    QMessageBox.Yes | QMessageBox.No,
                    QMessageBox.No,
                )
                if answer != QMessageBox.Yes:
                    return
                keep = True
        except UserError as exc:
            QMessageBox.warning(self, self.tr("无法撤销"), str(exc))
            return
        self.undo.setEnabled(False)
        self.operation = Operation(
            batch_undo_work(self.store, plan, keep), self, changes={c["table_name"] for c in plan.changes}
        )
        self.operation.on_success(lambda count: self._undone(plan, count)).on_failure(self._refused)
        self.operation.start()

    def done(self, result: int) -> None:
        # Closed while an undo runs: it is one transaction and is not cancelled; wait for
        # it, so that its report never reaches a dialog that is gone.
        from ui.operations import finish

        finish(getattr(self, "operation", None), cancel=False)
        super().done(result)

    def _undone(self, plan, count: int) -> None:
        self.undo.setEnabled(True)
        self.changed = True
        text = self.tr("已恢复 {0} 处改动").format(count)
        if plan.kept:
            text += self.tr("；保留了 {0} 条导入后又被改动或引用的记录").format(len(plan.kept))
        QMessageBox.information(self, self.tr("已撤销"), text)
        self.refresh()

    def _refused(self, exc) -> None:
        self.undo.setEnabled(True)
        if not isinstance(exc, UserError):
            raise exc
        QMessageBox.warning(self, self.tr("无法撤销"), str(exc))
