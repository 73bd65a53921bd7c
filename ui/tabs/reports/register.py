"""签发登记: the reports issued from this workspace, whether their data still reads the
same, and reprinting the stored document. Checking re-gathers each report's data, so it
runs off the UI thread."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ui.file_dialogs import save_file
from ui.models.records import Col, RecordsModel
from ui.operations import Operation
from ui.tabs.common import enable_sorting


def load_register(db_path: str, operator: str):
    def job(state):
        from ycdesk.reports import register
        from ycdesk.store import Store

        with Store(db_path, operator=operator) as store:
            return register.issued(store)

    return job


def issue_report(db_path: str, operator: str, kind: str, params: dict):
    def job(state):
        from ycdesk.reports import register
        from ycdesk.store import Store

        with Store(db_path, operator=operator) as store:
            return register.issue(store, kind, params, progress=lambda f, t: state.progress(f, t))

    return job


class RegisterPanel(QWidget):
    loaded = Signal()
    reprinted = Signal(str)  # path of the document written

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.store = None
        self.task: Operation | None = None
        self.model = RecordsModel(
            [
                Col(self.tr("签发时间"), "issued_at", lambda v: (v or "")[:16].replace("T", " ")),
                Col(self.tr("报告"), "title"),
                Col(self.tr("期间"), "period"),
                Col(self.tr("范围"), "scope"),
                Col(self.tr("数据截至"), "as_of"),
                Col(self.tr("签发人"), "operator"),
                Col(self.tr("数据指纹"), "fingerprint", lambda v: (v or "")[:12]),
                Col(self.tr("状态"), "state"),
            ],
            self,
        )
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SingleSelection)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        enable_sorting(self.view)  # by a header click, as every table
        self.view.selectionModel().currentRowChanged.connect(lambda *_: self._show_changes())
        self.changes = QLabel()
        self.changes.setWordWrap(True)
        self.reprint_button = QPushButton(self.tr("重印(&T)…"))
        self.reprint_button.clicked.connect(self.reprint)
        self.refresh_button = QPushButton(self.tr("重新核对"))
        self.refresh_button.clicked.connect(self.refresh)
        buttons = QHBoxLayout()
        buttons.addWidget(self.reprint_button)
        buttons.addWidget(self.refresh_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("已签发的报告原样存档；截至日前的数据后来有改动的标为“数据已变更”。")))
        layout.addWidget(self.view, 1)
        layout.addWidget(self.changes)
        layout.addLayout(buttons)

    def set_store(self, store) -> None:
        self.store = store
        self.model.set_records([])
        self.refresh()

    def refresh(self) -> None:
        if self.store is None:
            return
        self.changes.setText(self.tr("正在核对…"))
        self.task = Operation(load_register(str(self.store.path), self.store.operator), self)
        self.task.succeeded.connect(lambda rows, task=self.task: self._loaded(task, rows))
        self.task.failed.connect(lambda exc, tb, task=self.task: self._failed(task, exc))
        self.task.start()

    def _loaded(self, task: Operation, rows: list[dict]) -> None:
        if task is not self.task:
            return
        self.task = None
        self.model.set_records(rows)
        changed = sum(1 for r in rows if r["changes"])
        self.changes.setText(
            self.tr("共 {0} 份，其中数据已变更 {1} 份").format(len(rows), changed)
            if rows
            else self.tr("还没有签发过报告：生成报告后点“签发”存档。")
        )
        self.loaded.emit()

    def _failed(self, task: Operation, exc: BaseException) -> None:
        if task is self.task:
            self.task = None
            self.changes.setText(self.tr("核对失败：{0}").format(exc))

    def current(self) -> dict | None:
        index = self.view.currentIndex()
        return self.model.record(index.row()) if index.isValid() else None

    def _show_changes(self) -> None:
        row = self.current()
        if row is None:
            return
        if row["changes"]:
            shown = row["changes"][:20]
            more = len(row["changes"]) - len(shown)
            self.changes.setText(
                self.tr("数据已变更：") + "；".join(shown) + (self.tr("；另有 {0} 处").format(more) if more else "")
            )
        else:
            self.changes.setText(self.tr("截至 {0} 的数据与签发时一致。").format(row["as_of"]))

    def reprint(self) -> None:
        from ycdesk.errors import UserError
        from ycdesk.reports import register

        row = self.current()
        if row is None or self.store is None:
            QMessageBox.information(self, self.tr("重印"), self.tr("请先在签发登记中选择一份报告"))
            return
        path = save_file(self, self.tr("重印"), f"{row['title']}{row['period']}.pdf", "PDF (*.pdf)")
        if not path:
            return
        try:
            register.reprint(self.store, row["id"], path)
        except UserError as exc:
            QMessageBox.warning(self, self.tr("无法重印"), str(exc))
            return
        self.reprinted.emit(path)
