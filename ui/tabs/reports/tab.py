"""报告: choose a report, generate it off the UI thread, preview, print or save the PDF."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ui.file_dialogs import save_file
from ui.operations import Operation
from ui.tabs.reports.preview import PdfPreview
from ui.tabs.reports.register import RegisterPanel, issue_report
from ycdesk.errors import Cancelled, UserError
from ycdesk.periods import Period
from ycdesk.progress import default_period, quarters
from ycdesk.reports.kinds import kinds
from ycdesk.tempdir import process_dir
from ycdesk.townships import DISTRICT


def make_report(db_path: str, operator: str, kind: str, params: dict, out: str):
    """Runs on a worker thread: its own Store on the same workspace file."""
    from ycdesk.reports import kinds
    from ycdesk.store import Store

    def job(state):  # a cancel raises Cancelled from state.progress: no PDF is left
        state.progress(0.05, "打开工作区…")
        with Store(db_path, operator=operator) as store:
            return kinds.build(store, kind, _relevant(kind, params), out, progress=state.progress)

    return job


def draft_sections(db_path: str, operator: str, kind: str, params: dict):
    """Runs on a worker thread: the report's data, drafts included, without laying it out."""
    from ycdesk.reports.kinds import kind as report_kind
    from ycdesk.store import Store

    def job(state):
        with Store(db_path, operator=operator) as store:
            return report_kind(kind).gather(store, params)

    return job


class ReportsTab(QWidget):
    generated = Signal(str)  # path of the PDF now previewed

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.store = None
        self.task: Operation | None = None
        self.output: Path | None = None
        # Inside this process's temporary folder: removed at exit, and by the next start if
        # the app was killed (ycdesk.tempdir).
        self._tmp = Path(tempfile.mkdtemp(prefix="report-", dir=process_dir()))
        self.kind = QComboBox()
        self.report_kinds = kinds()
        for key, kind in self.report_kinds.items():
            self.kind.addItem(kind.label, key)
        self.period = QComboBox()
        for q in quarters():
            self.period.addItem(q.label, str(q))
        self.scope = QComboBox()
        self.year = QComboBox()
        self.year.addItem(self.tr("2023年 中期评估"), 2023)
        self.year.addItem(self.tr("2025年 终期考核"), 2025)
        self.audit = QComboBox()
        self.notes = QPlainTextEdit()
        self.notes.setPlaceholderText(self.tr("写入季度报告“备注”一节的文字（可选）"))
        self.notes.setMaximumHeight(90)
        # The sections a user may rewrite before issue; empty means "drafted from the data".
        self.texts = {key: QPlainTextEdit() for key in ("problems", "next_steps", "conclusion", "recommendations")}
        for edit in self.texts.values():
            edit.setPlaceholderText(self.tr("留空则按数据自动撰写；点“按数据预填”可先看草稿再修改"))
            edit.setMaximumHeight(90)
        self.prefill_buttons = []
        self.params = QStackedWidget()
        for form_rows in (
            [
                (self.tr("季度(&Q)："), self.period),
                (self.tr("范围(&R)："), self.scope),
                (self.tr("存在问题："), self.texts["problems"]),
                (self.tr("下一步工作："), self.texts["next_steps"]),
                (self.tr("备注(&N)："), self.notes),
            ],
            [
                (self.tr("年度(&Y)："), self.year),
                (self.tr("评价结论："), self.texts["conclusion"]),
                (self.tr("意见建议："), self.texts["recommendations"]),
            ],
            [(self.tr("考核(&A)："), self.audit)],
        ):
            page = QWidget()
            form = QFormLayout(page)
            for label, widget in form_rows:
                form.addRow(label, widget)
            if any(widget in self.texts.values() for _label, widget in form_rows):
                button = QPushButton(self.tr("按数据预填(&D)"))
                button.clicked.connect(self.prefill)
                form.addRow("", button)
                self.prefill_buttons.append(button)
            self.params.addWidget(page)
        # Kinds declared beyond the three above get a plain form of their parameters.
        self.generic: dict[str, dict[str, QLineEdit]] = {}
        for key, kind in list(self.report_kinds.items())[3:]:
            page = QWidget()
            form = QFormLayout(page)
            self.generic[key] = {p.name: QLineEdit() for p in kind.parameters}
            for p in kind.parameters:
                self.generic[key][p.name].setToolTip(p.help)
                form.addRow(f"{p.help}：", self.generic[key][p.name])
            self.params.addWidget(page)
        self.kind.currentIndexChanged.connect(self.params.setCurrentIndex)
        self.generate_button = QPushButton(self.tr("生成(&G)"))
        self.cancel_button = QPushButton(self.tr("取消"))
        self.print_button = QPushButton(self.tr("打印(&P)…"))
        self.preview_button = QPushButton(self.tr("打印预览…"))
        self.save_button = QPushButton(self.tr("另存为 PDF(&S)…"))
        self.issue_button = QPushButton(self.tr("签发(&I)…"))
        self.issue_button.setToolTip(self.tr("把这份报告连同数据和指纹存入工作区，以后可原样重印"))
        self.issue_button.clicked.connect(self.issue)
        self.register = RegisterPanel()
        self.register.reprinted.connect(self._show_reprint)
        self._issued_params: tuple | None = None  # the parameters of the report on show
        self.generate_button.clicked.connect(self.generate)
        self.cancel_button.clicked.connect(self.cancel)
        self.print_button.clicked.connect(lambda: self.preview.print_dialog(self))
        self.preview_button.clicked.connect(lambda: self.preview.print_preview(self))
        self.save_button.clicked.connect(self.save_as)
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.preview = PdfPreview()
        self.preview.printed.connect(lambda: self.status.setText(self.tr("已送打印机")))
        self.preview.print_failed.connect(lambda text: QMessageBox.warning(self, self.tr("打印失败"), text))
        self._layout()
        self._set_busy(False)

    def _layout(self) -> None:
        left = QWidget()
        ll = QVBoxLayout(left)
        form = QFormLayout()
        form.addRow(self.tr("报告(&K)："), self.kind)
        ll.addLayout(form)
        ll.addWidget(self.params)
        row = QHBoxLayout()
        row.addWidget(self.generate_button)
        row.addWidget(self.cancel_button)
        ll.addLayout(row)
        ll.addWidget(self.progress)
        ll.addWidget(self.status)
        for b in (self.print_button, self.preview_button, self.save_button, self.issue_button):
            ll.addWidget(b)
        ll.addStretch(1)
        self.right = QTabWidget()
        self.right.addTab(self.preview, self.tr("预览"))
        self.right.addTab(self.register, self.tr("签发登记"))
        split = QSplitter(Qt.Horizontal)
        split.addWidget(left)
        split.addWidget(self.right)
        split.setSizes([320, 900])
        layout = QVBoxLayout(self)
        layout.addWidget(split)

    def set_store(self, store) -> None:
        same = store is self.store  # its data changed: the choices on show stay
        scope, audit = self.scope.currentText(), self.audit.currentData()
        if not same:
            self._leave_workspace()
        self.store = store
        self.scope.clear()
        self.scope.addItem(DISTRICT)
        self.scope.addItems(store.townships.names())
        if not same:
            self.period.setCurrentIndex(max(self.period.findData(str(_last_full_quarter())), 0))
        self.audit.clear()
        for a in store.audits.with_enterprise():
            self.audit.addItem(f"{a['year']}年{a['level']} {a['name']}", a["id"])
        if same:
            self.scope.setCurrentIndex(max(self.scope.findText(scope), 0))
            self.audit.setCurrentIndex(max(self.audit.findData(audit), 0))
        self.register.set_store(store)

    def _leave_workspace(self) -> None:
        """Another workspace: the report being made or shown is the old one's — cancelled
        and cleared, so that 签发 can never register it in the new one."""
        if self.task is not None:
            self.task.cancel()
            self.task = None  # its late report is ignored (_on_done checks the task)
        self.output = None
        self._issued_params = None
        self.preview.clear()
        self.progress.setValue(0)
        self.status.setText("")
        self._set_busy(False)

    def _set_busy(self, busy: bool) -> None:
        self.generate_button.setEnabled(not busy)
        self.cancel_button.setEnabled(busy)
        ready = not busy and self.output is not None
        for b in (self.print_button, self.preview_button, self.save_button):
            b.setEnabled(ready)
        self.issue_button.setEnabled(ready and self._issued_params is not None)

    def current_params(self) -> tuple[str, dict]:
        kind = self.kind.currentData()
        if kind in self.generic:
            params = self.report_kinds[kind].parameters
            return kind, {
                p.name: p.type(self.generic[kind][p.name].text()) if self.generic[kind][p.name].text() else p.default
                for p in params
            }
        scope = self.scope.currentText()
        return kind, {
            "period": self.period.currentData(),
            "township": None if scope == DISTRICT else scope,
            "notes": self.notes.toPlainText(),
            "year": self.year.currentData(),
            "audit": self.audit.currentData(),
            "enterprise": self.audit.currentText(),
            **{key: edit.toPlainText().strip() or None for key, edit in self.texts.items()},
        }

    def prefill(self) -> None:
        """Fill the editable sections with the drafts the report would write from the data."""
        if self.store is None or self.task is not None:
            return
        kind, params = self.current_params()
        editable = [key for key in self.texts if key in _relevant(kind, params)]
        params = {**params, **dict.fromkeys(editable)}
        self.task = Operation(
            draft_sections(str(self.store.path), self.store.operator, kind, _relevant(kind, params)), self
        )
        self.task.succeeded.connect(lambda content, task=self.task: self._prefilled(task, content, editable))
        self.task.failed.connect(lambda exc, tb, task=self.task: self._on_failed(task, exc, tb))
        self.status.setText(self.tr("正在按数据撰写草稿…"))
        self._set_busy(True)
        self.task.start()

    def _prefilled(self, task: Operation, content: dict, editable: list[str]) -> None:
        if task is not self.task:
            return
        self.task = None
        self._set_busy(False)
        for key in editable:
            self.texts[key].setPlainText(content[key])
        self.status.setText(self.tr("已按截至{0}的数据预填，可修改后生成").format(content["as_of"]))

    def generate(self) -> None:
        if self.store is None:
            return
        kind, params = self.current_params()
        if kind == "notice" and not params.get("audit"):
            QMessageBox.information(self, self.tr("整改通知书"), self.tr("工作区中没有考核记录"))
            return
        if self.task is not None:
            self.task.cancel()
        out = self._tmp / f"{kind}-{len(list(self._tmp.iterdir()))}.pdf"
        self._issued_params = (kind, _relevant(kind, params))
        self.task = Operation(make_report(str(self.store.path), self.store.operator, kind, params, str(out)), self)
        self.task.progressed.connect(self._on_progress)
        self.task.succeeded.connect(lambda result, task=self.task: self._on_done(task, result))
        self.task.failed.connect(lambda exc, tb, task=self.task: self._on_failed(task, exc, tb))
        self.progress.setValue(0)
        self.status.setText(self.tr("正在生成…"))
        self._set_busy(True)
        self.task.start()

    def cancel(self) -> None:
        if self.task is not None:
            self.task.cancel()

    def _on_progress(self, fraction: float, text: str) -> None:
        self.progress.setValue(int(fraction * 100))
        if text:
            self.status.setText(text)

    def _on_done(self, task: Operation, result: dict) -> None:
        if task is not self.task:
            return  # superseded by a newer request
        self.task = None
        self.output = Path(result["path"])
        self.preview.show_pdf(self.output)
        self.progress.setValue(100)
        self.status.setText(
            self.tr("已生成，共 {0} 页；数据指纹 {1}").format(len(self.preview.page_labels), result["hash"][:12])
        )
        self._set_busy(False)
        self.generated.emit(str(self.output))

    def _on_failed(self, task: Operation, exc: BaseException, tb: str) -> None:
        if task is not self.task:
            return
        self.task = None
        self._set_busy(False)
        self.progress.setValue(0)
        if isinstance(exc, Cancelled):
            self.status.setText(self.tr("已取消"))
        elif isinstance(exc, UserError):
            self.status.setText(str(exc))
            QMessageBox.warning(self, self.tr("无法生成"), str(exc))
        else:
            import logging

            logging.getLogger("ycdesk").error("报告生成失败\n%s", tb)
            self.status.setText(self.tr("生成失败：{0}（详情见日志）").format(exc))
            QMessageBox.critical(
                self, self.tr("生成失败"), self.tr("报告生成时出现程序错误，详情已写入日志。\n{0}").format(exc)
            )

    def issue(self) -> None:
        """签发 the report on show: it is built again from the same parameters by the
        register, kept in the workspace with its data and fingerprint."""
        if self.store is None or self._issued_params is None or self.task is not None:
            return
        kind, params = self._issued_params
        answer = QMessageBox.question(
            self,
            self.tr("签发"),
            self.tr(
                "签发后，这份报告（PDF、所用数据和数据指纹）将存入工作区，以后可原样重印；"
                "截至日前的数据如有改动，签发登记会标出。\n\n签发人：{0}。确定签发？"
            ).format(self.store.operator),
        )
        if answer != QMessageBox.Yes:
            return
        self.task = Operation(
            issue_report(str(self.store.path), self.store.operator, kind, params), self, changes={"issued_reports"}
        )
        self.task.progressed.connect(self._on_progress)
        self.task.succeeded.connect(lambda row, task=self.task: self._issued(task, row))
        self.task.failed.connect(lambda exc, tb, task=self.task: self._on_failed(task, exc, tb))
        self._set_busy(True)
        self.task.start()

    def _issued(self, task: Operation, row: dict) -> None:
        if task is not self.task:
            return
        self.task = None
        self._set_busy(False)
        self.progress.setValue(100)
        self.status.setText(
            self.tr("已签发：{0} {1}（数据指纹 {2}）").format(row["title"], row["period"], row["fingerprint"][:12])
        )
        self.right.setCurrentWidget(self.register)
        self.register.refresh()

    def _show_reprint(self, path: str) -> None:
        self.output = Path(path)
        self._issued_params = None  # a stored document: 签发 applies to a freshly generated one
        self.preview.show_pdf(self.output)
        self.right.setCurrentWidget(self.preview)
        self.status.setText(self.tr("已重印到 {0}").format(path))
        self._set_busy(False)

    def save_as(self) -> None:
        if self.output is None:
            return
        path = save_file(self, self.tr("另存为"), f"{self.kind.currentText()}.pdf", "PDF (*.pdf)")
        if path:
            shutil.copyfile(self.output, path)
            self.status.setText(self.tr("已保存到 {0}").format(path))


def _relevant(kind: str, params: dict) -> dict:
    """The parameters a report kind declares (what it is built from and the register keeps)."""
    from ycdesk.reports.kinds import kind as report_kind

    return {p.name: params.get(p.name, p.default) for p in report_kind(kind).parameters}


def _last_full_quarter() -> Period:
    """The quarter to report on by default: the one before today's, within the plan."""
    current = default_period()
    if current.quarter is None:
        return Period(current.year, 4)
    return Period(current.year, current.quarter - 1) if current.quarter > 1 else Period(current.year - 1, 4)
