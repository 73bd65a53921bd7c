"""One finding: details, the lifecycle moves it allows, evidence files and its history."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ui.dialogs.form_dialog import FormDialog
from ui.dialogs.reason_dialog import ReasonDialog
from ui.file_dialogs import open_files, save_file
from ui.history import HistoryView
from ui.models.records import Col, RecordsModel
from ui.tabs.common import make_table
from ui.undo import run_change
from ycdesk.errors import UserError
from ycdesk.history_text import local_time

# Lifecycle moves as buttons: (key, target status, text). Only the allowed ones are shown.
MOVES = [
    ("start", "整改中", "开始整改"),
    ("rectify", "已整改", "标记已整改…"),
    ("close", "已销号", "验收销号…"),
    ("reopen", "整改中", "退回整改…"),
]


def move_allowed(key: str, to: str, finding: dict, allowed: tuple) -> bool:
    if key == "start":
        return finding["status"] == "待整改"
    if key == "reopen":
        return finding["status"] in ("已整改", "已销号")
    return to in allowed


class TransitionDialog(FormDialog):
    """Asks only what the move needs: a rectified date, a verifier and date, or a reason.
    ``submit(values)`` does the move; a refusal keeps the dialog open with what was typed."""

    def __init__(self, to: str, reopen: bool, parent=None, submit=None) -> None:
        super().__init__(self.tr("问题状态改为“{0}”").format(to), parent, ok_text=self.tr("确定(&O)"))
        self.do_move = submit
        self.setMinimumWidth(380)  # room for the validator's reason on one or two lines
        form = self.form
        self.rectified = self.verified = self.verifier = self.reason = None
        today = QDate.currentDate()
        if to == "已整改":
            self.rectified = QDateEdit(today, calendarPopup=True, displayFormat="yyyy-MM-dd")
            form.addRow(self.tr("整改完成日期(&D)："), self.rectified)
        if to == "已销号":
            self.verifier = QLineEdit()
            self.verified = QDateEdit(today, calendarPopup=True, displayFormat="yyyy-MM-dd")
            form.addRow(self.tr("验收人(&V)："), self.verifier)
            form.addRow(self.tr("验收日期(&D)："), self.verified)
        if reopen:
            self.reason = QLineEdit()
            form.addRow(self.tr("退回原因(&R)："), self.reason)

    def values(self) -> dict:
        out = {}
        if self.rectified is not None:
            out["rectified_date"] = self.rectified.date().toString("yyyy-MM-dd")
        if self.verifier is not None:
            out["verifier"] = self.verifier.text()
            out["verified_date"] = self.verified.date().toString("yyyy-MM-dd")
        if self.reason is not None:
            out["reason"] = self.reason.text()
        return out

    def submit(self):
        return self.do_move(self.values()) if self.do_move else None


class FindingEditor(QWidget):
    changed = Signal(str)  # finding id

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.store = None
        self.finding: dict | None = None
        self.title = QLabel(self.tr("选择一条问题查看详情"))
        self.title.setWordWrap(True)
        self.title.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.move_buttons: dict[str, QPushButton] = {}
        moves = QHBoxLayout()
        for key, to, text in MOVES:
            button = QPushButton(self.tr(text))
            button.clicked.connect(lambda checked=False, to=to, key=key: self.move(to, reopen=key == "reopen"))
            moves.addWidget(button)
            self.move_buttons[key] = button
        moves.addStretch(1)
        self.evidence_model = RecordsModel(
            [
                Col(self.tr("文件名"), "original_name"),
                Col(self.tr("版本"), "version", align_right=True),
                Col(self.tr("大小（字节）"), "size", align_right=True),
                Col(self.tr("SHA-256"), "sha256", lambda h: h[:16] + "…"),
                Col(self.tr("上传人"), "operator"),
                Col(self.tr("时间"), "created_at", local_time),
            ]
        )
        self.evidence = make_table(self.evidence_model)
        self.evidence.doubleClicked.connect(lambda _: self.open_evidence())
        # Not &F: Alt+F opens the 文件 menu.
        self.add_file = QPushButton(self.tr("添加佐证(&A)…"))
        self.open_file = QPushButton(self.tr("打开(&P)"))
        self.save_file = QPushButton(self.tr("另存为(&W)…"))
        self.remove_file = QPushButton(self.tr("移除(&X)…"))
        self.add_file.clicked.connect(self.attach)
        self.open_file.clicked.connect(self.open_evidence)
        self.save_file.clicked.connect(self.save_evidence)
        self.remove_file.clicked.connect(self.remove_evidence)
        self.events_model = RecordsModel(
            [
                Col(self.tr("时间"), "created_at", local_time),
                Col(self.tr("操作人"), "operator"),
                Col(self.tr("原状态"), "from_status"),
                Col(self.tr("新状态"), "to_status"),
                Col(self.tr("原因"), "reason"),
            ]
        )
        self.events = make_table(self.events_model)
        ev = QWidget()
        el = QVBoxLayout(ev)
        el.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        for button in (self.add_file, self.open_file, self.save_file, self.remove_file):
            row.addWidget(button)
        row.addStretch(1)
        el.addLayout(row)
        el.addWidget(self.evidence)
        tabs = QTabWidget()
        tabs.addTab(ev, self.tr("佐证材料"))
        tabs.addTab(self.events, self.tr("整改记录"))
        self.history = HistoryView()  # 修改记录 of the finding and its evidence, with 恢复
        self.history.restored.connect(self._restored)
        tabs.addTab(self.history, self.tr("修改记录"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addLayout(moves)
        layout.addWidget(tabs)
        self.show_finding(None)

    def set_store(self, store) -> None:
        self.store = store
        self.show_finding(None)

    def show_finding(self, finding_id: str | None) -> None:
        self.finding = self.store.findings.get(finding_id) if (self.store and finding_id) else None
        f = self.finding
        allowed = self.store.findings.allowed(f) if f else ()
        for key, to, _text in MOVES:
            self.move_buttons[key].setVisible(f is not None and move_allowed(key, to, f, allowed))
        for button in (self.add_file, self.open_file, self.save_file, self.remove_file):
            button.setEnabled(f is not None)
        if f is None:
            self.title.setText(self.tr("选择一条问题查看详情"))
            self.evidence_model.set_records([])
            self.events_model.set_records([])
            self.history.set_history(self.store, [])
            return
        self.title.setText(
            self.tr(
                "<b>{0}</b>（{1}）　{2}年{3}考核　检查日期 {4}<br><b>{5}</b>：{6}<br>"
                "整改要求：{7}　整改期限：{8}　责任人：{9}<br>状态：<b>{10}</b>　整改完成：{11}　验收：{12} {13}"
            ).format(
                f["enterprise"],
                f["township"] or "—",
                f["year"],
                f["level"],
                f["audit_date"] or "—",
                f["category"],
                f["description"],
                f["requirement"] or "—",
                f["deadline"] or "—",
                f["responsible"] or "—",
                f["status"],
                f["rectified_date"] or "—",
                f["verifier"] or "—",
                f["verified_date"] or "",
            )
        )
        self.evidence_model.set_records(self.store.findings.attachments(f["id"]))
        self.events_model.set_records(self.store.findings.events(f["id"]))
        self.history.set_history(self.store, self.store.findings.history(f["id"]))

    def _restored(self) -> None:
        if self.finding is not None:
            finding_id = self.finding["id"]
            self.show_finding(finding_id)
            self.changed.emit(finding_id)

    def move(self, to: str, reopen: bool = False) -> None:
        f = self.finding
        if f is None:
            return
        label = self.tr("问题“{0}”改为{1}").format(f["description"][:12], to)

        def do_move(values: dict) -> None:
            run_change(self, label, lambda: self.store.findings.transition(f["id"], to, today=date.today(), **values))

        if to in ("已整改", "已销号") or reopen:
            if not TransitionDialog(to, reopen, self, submit=do_move).exec():
                return
        else:
            try:
                do_move({})
            except UserError as exc:
                QMessageBox.warning(self, self.tr("无法更改状态"), str(exc))
                return
        self.show_finding(f["id"])
        self.changed.emit(f["id"])

    def attach(self) -> None:
        if self.finding is None:
            return
        finding_id = self.finding["id"]
        paths = open_files(self, self.tr("选择佐证材料（照片、整改报告）"))
        for path in paths:
            try:
                run_change(
                    self,
                    self.tr("添加佐证“{0}”").format(Path(path).name),
                    lambda path=path: self.store.findings.attach(finding_id, path),
                )
            except UserError as exc:
                QMessageBox.warning(self, self.tr("无法添加"), str(exc))
        self.show_finding(finding_id)

    def selected_evidence(self) -> dict | None:
        index = self.evidence.currentIndex()
        return self.evidence_model.record(index.row()) if index.isValid() else None

    def open_evidence(self) -> None:
        """Opens a copy named as the file was added (the stored file is named by its hash,
        which the system cannot open by extension)."""
        item = self.selected_evidence()
        if item is None:
            return
        try:
            copy = self.store.findings.open_copy(item["id"])
        except UserError as exc:
            QMessageBox.warning(self, self.tr("无法打开"), str(exc))
            return
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(copy))):
            QMessageBox.information(
                self,
                self.tr("无法打开"),
                self.tr("系统没有可打开“{0}”的程序；可用“另存为”保存后查看").format(copy.name),
            )

    def save_evidence(self) -> None:
        item = self.selected_evidence()
        if item is None:
            return
        path = save_file(self, self.tr("佐证材料另存为"), item["original_name"])
        if not path:
            return
        try:
            self.store.findings.save_copy(item["id"], path)
        except UserError as exc:
            QMessageBox.warning(self, self.tr("无法保存"), str(exc))
            return

    def remove_evidence(self) -> None:
        item = self.selected_evidence()
        if item is None or self.finding is None:
            return
        finding_id, attachment_id = self.finding["id"], item["id"]
        label = self.tr("移除佐证“{0}”").format(item["original_name"])
        dialog = ReasonDialog(
            self.tr("移除佐证材料"),
            self.tr("从本问题移除“{0}”（第{1}版）？原因会记入修改记录。").format(
                item["original_name"], item["version"]
            ),
            lambda reason: run_change(
                self, label, lambda: self.store.findings.remove_attachment(attachment_id, reason)
            ),
            self,
            ok_text=self.tr("移除(&X)"),
        )
        if dialog.exec():
            self.show_finding(finding_id)
