"""文件 → 从备份恢复, and what the app offers when it starts on a file it cannot open.

Restoring and creating a workspace run off the UI thread (``ui.operations``) behind a modal
progress dialog with no cancel button: a restore stopped half-way is exactly what the
core's ordering protects against, but there is no reason to invite it.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from ui.errors import show_user_error
from ui.file_dialogs import open_file, save_file
from ui.operations import Operation, report_failure
from ycdesk.backups import list_backups
from ycdesk.errors import UserError

WORKSPACE_FILTER = "ycdesk 工作区 (*.ycdesk *.db);;所有文件 (*)"


def run_behind_busy_dialog(parent, text: str, fn, done, failed=None, changes=()) -> Operation:
    """Run ``fn()`` as an operation behind a modal busy dialog (no cancel); ``done(result)``
    or ``failed(exc)`` (default: a message for a UserError, else re-raised) on the UI thread."""
    operation = Operation(lambda state: fn(), parent, changes=changes)
    operation.on_success(done).on_failure(failed or (lambda exc: report_failure(parent, exc)))
    parent._recovery_operation = operation  # kept alive until it reports
    return operation.with_dialog(text).start()


def restore_job(backup: Path, workspace: Path):
    from ycdesk.backups.restore import restore

    return lambda: restore(backup, workspace, datetime.now().astimezone())


class RestoreDialog(QDialog):
    """The workspace's backups, newest first; ``chosen`` is the one to restore once accepted."""

    def __init__(self, workspace: Path, workspace_id: str | None, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("从备份恢复"))
        self.backups = list_backups(Path(workspace), workspace_id)
        self.chosen = None
        self.table = QTableWidget(len(self.backups), 4)
        self.table.setHorizontalHeaderLabels([self.tr("时间"), self.tr("原因"), self.tr("大小"), self.tr("检查")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        for row, b in enumerate(self.backups):
            check = self.tr("通过") if b.ok else b.check
            for col, text in enumerate(
                (f"{b.created_at:%Y-%m-%d %H:%M:%S}", b.describe_reason(), b.size_text(), check)
            ):
                item = QTableWidgetItem(text)
                item.setToolTip(str(b.path))
                self.table.setItem(row, col, item)
        self.table.resizeColumnsToContents()
        if self.backups:
            self.table.selectRow(0)
        note = QLabel(
            self.tr("恢复会替换当前工作区；当前工作区会先另存为一个备份（原因：恢复前的工作区）。")
            if self.backups
            else self.tr("这个工作区还没有备份。")
        )
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.Cancel)
        self.restore_button = buttons.addButton(self.tr("恢复所选备份(&R)"), QDialogButtonBox.AcceptRole)
        self.restore_button.setEnabled(bool(self.backups))
        buttons.accepted.connect(self.confirm)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(note)
        layout.addWidget(buttons)
        self.resize(720, 380)

    def confirm(self) -> None:
        row = self.table.currentRow()
        if row < 0:
            return
        backup = self.backups[row]
        answer = QMessageBox.question(
            self,
            self.tr("确认恢复"),
            self.tr("用 {0} 的备份（{1}）替换当前工作区？").format(
                f"{backup.created_at:%Y-%m-%d %H:%M}", backup.describe_reason()
            ),
        )
        if answer == QMessageBox.Yes:
            self.chosen = backup
            self.accept()


class StartupProblemDialog(QDialog):
    """Shown instead of exiting when the workspace to open is damaged, foreign or empty.
    Accepted with ``store`` open on a usable workspace."""

    def __init__(self, problem, operator: str | None = None, parent=None) -> None:
        super().__init__(parent)
        self.operator = operator
        self.store = None
        self.setWindowTitle(self.tr("无法打开工作区"))
        self.reason = QLabel()
        self.reason.setWordWrap(True)
        self.reason.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.restore_button = QPushButton(self.tr("从备份恢复(&R)"))
        self.open_button = QPushButton(self.tr("打开其他工作区(&O)…"))
        self.new_button = QPushButton(self.tr("新建工作区(&N)…"))
        quit_button = QPushButton(self.tr("退出(&Q)"))
        self.restore_button.clicked.connect(self.restore_newest)
        self.open_button.clicked.connect(self.open_other)
        self.new_button.clicked.connect(self.create_new)
        quit_button.clicked.connect(self.reject)
        row = QHBoxLayout()
        for button in (self.restore_button, self.open_button, self.new_button, quit_button):
            row.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.reason)
        layout.addLayout(row)
        self.resize(640, 220)
        self.show_problem(problem)

    def show_problem(self, problem) -> None:
        self.problem = problem
        self.reason.setText(str(problem))
        backup = getattr(problem, "backup", None)
        self.restore_button.setEnabled(backup is not None)
        if backup is not None:
            self.restore_button.setText(self.tr("从备份恢复（{0}）").format(f"{backup.created_at:%Y-%m-%d %H:%M}"))

    def _open(self, path: Path) -> None:
        from ycdesk.workspace import WorkspaceProblem, open_workspace

        try:
            self.store = open_workspace(path, self.operator)
        except WorkspaceProblem as exc:
            self.show_problem(exc)
            return
        except UserError as exc:
            show_user_error(self, exc)
            return
        self.accept()

    def restore_newest(self) -> None:
        backup, path = self.problem.backup, self.problem.path
        run_behind_busy_dialog(
            self, self.tr("正在从备份恢复…"), restore_job(backup.path, path), lambda _result: self._open(path)
        )

    def open_other(self) -> None:
        path = open_file(self, self.tr("打开工作区"), WORKSPACE_FILTER)
        if path:
            self._open(Path(path))

    def create_new(self) -> None:
        from ycdesk.workspace import create_workspace

        path = save_file(self, self.tr("新建工作区"), "新工作区.ycdesk", WORKSPACE_FILTER)
        if not path:
            return
        run_behind_busy_dialog(
            self, self.tr("正在新建工作区…"), lambda: create_workspace(path, self.operator), self._open
        )
