"""帮助 → 检查工作区: ``ycdesk check`` run off the UI thread, its findings listed."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QListWidget, QProgressBar, QVBoxLayout

from ui.operations import Operation
from ycdesk.check import check_workspace
from ycdesk.errors import UserError


class CheckDialog(QDialog):
    """Starts the check when shown; ``report`` is set (or ``error``) when it is done."""

    def __init__(self, path, parent=None) -> None:
        super().__init__(parent)
        self.path = str(path)
        self.report = None
        self.error: str | None = None
        self.setWindowTitle(self.tr("检查工作区"))
        self.summary = QLabel(self.tr("正在检查 {0}…").format(self.path))
        self.summary.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.problems = QListWidget()
        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (self.summary, self.progress, self.problems, buttons):
            layout.addWidget(widget)
        self.resize(720, 360)
        path = self.path

        def job(state):  # its own read-only connection: nothing here touches a widget
            return check_workspace(path, lambda fraction, text: state.progress(fraction, text))

        self.task = Operation(job, self)
        self.task.progressed.connect(self._progress)
        self.task.succeeded.connect(self._done)
        self.task.failed.connect(self._failed)
        self.task.start()

    def _progress(self, fraction: float, text: str) -> None:
        self.progress.setValue(int(fraction * 100))
        if text:
            self.summary.setText(self.tr("正在{0}…").format(text))

    def _done(self, report) -> None:
        self.report = report
        self.progress.setValue(100)
        for note in report.notes:
            self.problems.addItem(self.tr("提示：{0}").format(note))
        if report.ok:
            self.summary.setText(
                self.tr("检查通过：数据库完整，外键、触发器无误，佐证材料 {0} 份，修改记录 {1} 条校验链完整。").format(
                    report.evidence_files, report.history_rows
                )
            )
        else:
            self.summary.setText(
                self.tr("发现 {0} 个问题（可从备份恢复，或把这份清单交给管理员）：").format(len(report.problems))
            )
            for problem in report.problems:
                self.problems.addItem(problem.message)

    def _failed(self, exc, tb) -> None:
        if not isinstance(exc, UserError):
            raise exc
        self.error = str(exc)
        self.summary.setText(self.tr("无法检查：{0}").format(exc))
