"""附表1–3: major reforms, policies and platforms, with quarterly progress notes."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ui.models.records import Col, RecordsModel
from ui.tabs.common import make_table
from ui.undo import run_change
from ycdesk.errors import UserError

INITIATIVE_STATUSES = ("未启动", "推进中", "已完成", "暂缓")


class NoteDialog(QDialog):
    def __init__(self, item: dict, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("填写进展"))
        self.period = QLineEdit()
        self.period.setPlaceholderText(self.tr("如 2024Q3"))
        self.status = QComboBox()
        self.status.addItem(self.tr("（不变）"), None)
        for s in INITIATIVE_STATUSES:
            self.status.addItem(s, s)
        self.note = QPlainTextEdit()
        form = QFormLayout(self)
        form.addRow(QLabel(f"<b>{item['kind']}：{item['name']}</b>"))
        form.addRow(self.tr("期间(&P)："), self.period)
        form.addRow(self.tr("状态(&S)："), self.status)
        form.addRow(self.tr("进展说明(&N)："), self.note)
        buttons = QDialogButtonBox(QDialogButtonBox.Save | QDialogButtonBox.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)


class InitiativesView(QWidget):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.store = None
        self.model = RecordsModel(
            [
                Col(self.tr("类型"), "kind"),
                Col(self.tr("序号"), "seq", align_right=True),
                Col(self.tr("名称"), "name"),
                Col(self.tr("牵头单位"), "lead_units"),
                Col(self.tr("配合单位"), "coop_units"),
                Col(self.tr("状态"), "status"),
            ]
        )
        self.table = make_table(self.model)
        self.notes_model = RecordsModel(
            [
                Col(self.tr("期间"), "period"),
                Col(self.tr("状态"), "status"),
                Col(self.tr("进展说明"), "note"),
                Col(self.tr("填报人"), "operator"),
            ]
        )
        self.notes = make_table(self.notes_model)
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.detail.setAlignment(Qt.AlignTop)
        self.add_button = QPushButton(self.tr("填写进展(&P)…"))
        self.add_button.clicked.connect(self.add_note)
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.addWidget(self.detail)
        row = QHBoxLayout()
        row.addWidget(self.add_button)
        row.addStretch(1)
        rl.addLayout(row)
        rl.addWidget(self.notes)
        split = QSplitter(Qt.Horizontal)
        split.addWidget(self.table)
        split.addWidget(right)
        layout = QVBoxLayout(self)
        layout.addWidget(split)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self.show_detail())

    def set_store(self, store) -> None:
        self.store = store
        self.refresh()

    def refresh(self) -> None:
        self.model.set_records(self.store.projects.initiatives())
        self.table.resizeColumnsToContents()
        self.show_detail()

    def current(self) -> dict | None:
        index = self.table.currentIndex()
        return self.model.record(index.row()) if index.isValid() else None

    def show_detail(self) -> None:
        item = self.current()
        self.add_button.setEnabled(item is not None)
        if item is None:
            self.detail.setText(self.tr("选择一项查看依据、举措和进展"))
            self.notes_model.set_records([])
            return
        self.detail.setText(
            f"<b>{item['name']}</b><p><b>依据和理由：</b>{item['basis'] or ''}</p>"
            f"<p><b>“十四五”具体举措：</b>{item['measures'] or ''}</p>"
        )
        self.notes_model.set_records(self.store.projects.initiative_progress(item["id"]))

    def add_note(self) -> None:
        item = self.current()
        if item is None:
            return
        dialog = NoteDialog(item, self)
        while dialog.exec():
            try:
                run_change(
                    self,
                    self.tr("填报“{0}”的进展").format(item["name"][:12]),
                    lambda: self.store.projects.add_initiative_progress(
                        item["id"], dialog.period.text(), dialog.note.toPlainText(), dialog.status.currentData()
                    ),
                )
            except UserError as exc:
                QMessageBox.warning(self, self.tr("无法保存"), str(exc))
                continue
            row = self.table.currentIndex().row()
            self.refresh()
            self.table.selectRow(row)
            break
