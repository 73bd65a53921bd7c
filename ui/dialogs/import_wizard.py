"""The import wizard: file and sheet → detected header and mapping → dry run → import → undo.

Nothing is read on the UI thread: listing the sheets, reading the preview, the dry run and
the import and its undo all run as operations (see ui.operations) — the last three on
their own Store —
while the page shows that it is busy. The sheet is read once, for the preview; the dry run
and the import use that read (``ImportWizard.sheet_read``, a core ``SheetRead``) unless
the file changed on disk in between, when they read it again and say so. A file the reader refuses (over a limit, damaged,
a folder …) shows the reader's Chinese reason on the page, and the wizard stays usable.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWizard,
    QWizardPage,
)

from ui.file_dialogs import open_file, save_file
from ui.operations import Operation
from ycdesk.errors import Cancelled, UserError
from ycdesk.imports import SheetRead, detect, import_file, list_sheets, saved_mapping, undo_batch
from ycdesk.imports.kinds import IMPORT_KINDS

IGNORE = "（忽略此列）"


def run_import(
    db_path: str,
    operator: str,
    kind: str,
    path: str,
    sheet,
    mapping: dict,
    dry_run: bool,
    valid_only: bool,
    read: SheetRead | None = None,
):
    """The import as an operation's work; ``read`` is the preview's read of the sheet, used
    unless it is of another file or sheet (or the file changed since: then read again)."""
    from ycdesk.store import Store

    if read is not None and not read.is_for(path, sheet):
        read = None

    def job(state):  # a cancel raises Cancelled from the progress call: the import rolls back
        with Store(db_path, operator=operator) as store:
            return import_file(
                store,
                kind,
                path,
                sheet=sheet,
                mapping=mapping,
                dry_run=dry_run,
                valid_only=valid_only,
                progress=state.counter,
                read=read,
            )

    return job


def changed_tables(kind: str):
    """What an import of ``kind`` changed, for the window to refresh: its tables if it wrote."""
    return lambda result: IMPORT_KINDS[kind].tables if result.written else ()


class FilePage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle(self.tr("选择文件"))
        self.setSubTitle(self.tr("支持 xlsx、xlsm、xls 和 csv（UTF-8 或 GBK）。也可以把文件拖到主窗口上。"))
        self.kind = QComboBox()
        for key, kind in IMPORT_KINDS.items():
            self.kind.addItem(kind.label, key)
        self.path = QLineEdit()
        browse = QPushButton(self.tr("浏览(&W)…"))  # Alt+B is the wizard's 上一步
        browse.clicked.connect(self.browse)
        self.sheet = QComboBox()
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.busy = _busy_bar()
        self.task = None
        self.loading = False
        row = QHBoxLayout()
        row.addWidget(self.path)
        row.addWidget(browse)
        form = QFormLayout(self)
        form.addRow(self.tr("导入类型(&K)："), self.kind)
        file_label = QLabel(self.tr("文件(&F)："))  # a row of widgets gets no buddy by itself
        file_label.setBuddy(self.path)
        form.addRow(file_label, row)
        form.addRow(self.tr("工作表(&S)："), self.sheet)
        form.addRow(self.busy)
        form.addRow(self.message)
        self.path.textChanged.connect(self.load_sheets)

    def browse(self) -> None:
        path = open_file(self, self.tr("选择要导入的文件"), "表格 (*.xlsx *.xlsm *.xls *.csv);;所有文件 (*)")
        if path:
            self.path.setText(path)

    def load_sheets(self) -> None:
        """List the file's sheets in the background; a newer path supersedes the task."""
        self.sheet.clear()
        self.message.clear()
        path = self.path.text().strip()
        if self.task is not None:
            self.task.cancel()
            self.task = None
        if not path:
            self._loaded()
            return
        self.loading = True
        self.busy.show()
        self.message.setText(self.tr("正在读取文件…"))
        task = self.task = Operation(lambda state: list_sheets(path), self)
        task.succeeded.connect(lambda names: self._sheets(task, names))
        task.failed.connect(lambda exc, tb: self._failed(task, exc, tb))
        task.start()
        self.completeChanged.emit()

    def _sheets(self, task, names) -> None:
        if task is not self.task:
            return  # an older path's answer
        self.message.clear()
        self.sheet.addItems(names)
        self._loaded()

    def _failed(self, task, exc, tb) -> None:
        if task is not self.task:
            return
        self.message.setText(_reason(self, exc, tb))
        self._loaded()

    def _loaded(self) -> None:
        self.task = None
        self.loading = False
        self.busy.hide()
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return not self.loading and self.sheet.count() > 0


class MappingPage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle(self.tr("表头与列对应"))
        self.setSubTitle(self.tr("已自动识别表头所在行和各列含义；不对的可以改，改过的对应关系下次自动沿用。"))
        self.info = QLabel()
        self.info.setWordWrap(True)
        self.preview = QTableWidget()
        self.mapping = QTableWidget(0, 2)
        self.mapping.setHorizontalHeaderLabels([self.tr("表中的列"), self.tr("对应到")])
        self.mapping.horizontalHeader().setStretchLastSection(True)
        self.busy = _busy_bar()
        layout = QVBoxLayout(self)
        layout.addWidget(self.info)
        layout.addWidget(self.busy)
        layout.addWidget(self.preview, 2)
        layout.addWidget(self.mapping, 3)
        self.ok = False
        self.task = None

    def initializePage(self) -> None:
        """Read the sheet and find its header in the background; show them when done."""
        self.ok = False
        kind, path, sheet = self.w.kind(), self.w.path(), self.w.sheet()
        saved = self.w.saved_mapping(kind)
        self.preview.setRowCount(0)
        self.mapping.setRowCount(0)
        self.info.setText(self.tr("正在读取工作表…"))
        self.busy.show()
        # Back here for the same file and sheet: the read made last time, if still current.
        held = self.w.sheet_read if self.w.sheet_read is not None and self.w.sheet_read.is_for(path, sheet) else None
        self.w.sheet_read = None  # never two sheets' rows in memory at once

        def job(state):
            read = held if held is not None else SheetRead(path, sheet)
            if held is not None:
                held.refresh()
            rows = read.rows
            try:
                detected = detect(kind, rows, saved)
            except UserError as exc:  # no header found: still worth showing the rows
                return read, rows[:15], None, None, exc
            return read, rows[:15], list(rows[detected[0]]), detected, None

        if self.task is not None:
            self.task.cancel()
        task = self.task = Operation(job, self)
        task.succeeded.connect(lambda result: self._show(task, kind, *result))
        task.failed.connect(lambda exc, tb: self._failed(task, exc, tb))
        task.start()
        self.completeChanged.emit()

    def _failed(self, task, exc, tb) -> None:
        if task is not self.task:
            return
        self.task = None
        self.busy.hide()
        self.info.setText(_reason(self, exc, tb))
        self.completeChanged.emit()

    def _show(self, task, kind, read, shown, header, detected, problem) -> None:
        if task is not self.task:
            return  # the page was left and entered again since
        self.task = None
        self.w.sheet_read = read  # for the dry run and the import
        self.busy.hide()
        if detected is None:
            self.info.setText(str(problem))
            header_row, columns = None, {}
        else:
            header_row, columns, ignored = detected
            self.info.setText(
                self.tr("表头在第 {0} 行；识别 {1} 列，忽略 {2} 列。").format(
                    header_row + 1, len(columns), len(ignored)
                )
            )
            self.ok = True
        width = max((len(r) for r in shown), default=0)
        self.preview.setRowCount(len(shown))
        self.preview.setColumnCount(width)
        for r, row in enumerate(shown):
            for c, value in enumerate(row):
                if isinstance(value, float) and value.is_integer():
                    value = int(value)
                item = QTableWidgetItem("" if value is None else str(value))
                if r == header_row:
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                self.preview.setItem(r, c, item)
        self.mapping.setRowCount(0)
        if header_row is None:
            return
        targets = [IGNORE, *[f.header for f in IMPORT_KINDS[kind].fields]]
        by_col = {c: f.header for c, (f, _u) in columns.items()}
        for c, cell in enumerate(header):
            text = "" if cell is None else str(cell).strip()
            if not text:
                continue
            r = self.mapping.rowCount()
            self.mapping.insertRow(r)
            self.mapping.setItem(r, 0, QTableWidgetItem(text))
            combo = QComboBox()
            combo.addItems(targets)
            combo.setCurrentText(by_col.get(c, IGNORE))
            self.mapping.setCellWidget(r, 1, combo)
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self.task is None and self.mapping.rowCount() > 0

    def user_mapping(self) -> dict[str, str]:
        out = {}
        for r in range(self.mapping.rowCount()):
            target = self.mapping.cellWidget(r, 1).currentText()
            out[self.mapping.item(r, 0).text()] = "" if target == IGNORE else target
        return out


def _busy_bar() -> QProgressBar:
    """An indeterminate bar shown while a background read runs."""
    bar = QProgressBar()
    bar.setRange(0, 0)
    bar.setTextVisible(False)
    bar.hide()
    return bar


def _reason(widget, exc, tb) -> str:
    """What the page says when a background read fails: the reader's own Chinese message
    for a file it refuses; a program error is logged with its traceback."""
    if isinstance(exc, UserError):
        return str(exc)
    import logging

    logging.getLogger("ycdesk").error("读取表格失败\n%s", tb)
    return widget.tr("读取时出现程序错误（详情见日志）：{0}").format(exc)


class RunPage(QWizardPage):
    """Runs the import (dry or real) in the background and shows counts and rejected rows."""

    def __init__(self, wizard: ImportWizard, dry_run: bool) -> None:
        super().__init__()
        self.w, self.dry_run = wizard, dry_run
        self.setTitle(self.tr("试运行：检查结果") if dry_run else self.tr("导入"))
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.progress = QProgressBar()
        self.cancel = QPushButton(self.tr("取消"))
        self.cancel.clicked.connect(lambda: self.task and self.task.cancel())
        self.errors = QTableWidget(0, 4)
        self.errors.setHorizontalHeaderLabels([self.tr("工作表"), self.tr("行"), self.tr("列"), self.tr("原因")])
        self.errors.horizontalHeader().setStretchLastSection(True)
        self.valid_only = QComboBox()
        self.valid_only.addItem(self.tr("全部有效才导入（有被拒绝的行则什么都不写）"), False)
        self.valid_only.addItem(self.tr("只导入有效行，跳过被拒绝的行"), True)
        self.undo = QPushButton(self.tr("撤销本次导入(&U)"))
        self.undo.clicked.connect(self.undo_import)
        self.undo.setVisible(False)
        self.export_rejected = QPushButton(self.tr("导出被拒绝的行(&R)…"))
        self.export_rejected.setToolTip(self.tr("原样导出被拒绝的行，另加“原因”列；改正后可再导入"))
        self.export_rejected.clicked.connect(self.save_rejected)
        self.export_rejected.setVisible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        row = QHBoxLayout()
        row.addWidget(self.progress)
        row.addWidget(self.cancel)
        layout.addLayout(row)
        if dry_run:
            layout.addWidget(self.valid_only)
        layout.addWidget(self.errors)
        buttons = QHBoxLayout()
        buttons.addWidget(self.export_rejected)
        buttons.addWidget(self.undo)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.task = None
        self.result = None

    def initializePage(self) -> None:
        self.result = None
        self.undone = False
        self.undo.setVisible(False)
        self.export_rejected.setVisible(False)
        self.summary.setText(self.tr("正在检查…") if self.dry_run else self.tr("正在导入…"))
        self.progress.setValue(0)
        self.errors.setRowCount(0)
        store = self.w.store
        valid_only = self.w.dry_page.valid_only.currentData()
        kind = self.w.kind()
        self.task = Operation(
            run_import(
                str(store.path),
                store.operator,
                kind,
                self.w.path(),
                self.w.sheet(),
                self.w.mapping_page.user_mapping(),
                self.dry_run,
                valid_only,
                self.w.sheet_read,
            ),
            self,
            changes=() if self.dry_run else changed_tables(kind),
        )
        self.task.progressed.connect(lambda f, _t: self.progress.setValue(int(f * 100)))
        self.task.succeeded.connect(self.done)
        self.task.failed.connect(self.failed)
        self.cancel.setEnabled(True)
        self.task.start()
        self.completeChanged.emit()

    def done(self, result) -> None:
        self.result, self.task = result, None
        self.cancel.setEnabled(False)
        self.progress.setValue(100)
        text = result.summary()
        if self.dry_run:
            text = self.tr("试运行（未写入）：") + text
        elif result.written:
            text = self.tr("已导入：") + text
            self.undo.setVisible(True)
            self.w.imported = True
        else:
            text = self.tr("有被拒绝的行，未写入任何内容：") + text
        if result.reread:
            text = self.tr("文件在上一步之后被修改过，已按修改后的内容重新读取。") + text
        if result.written:
            self.w.sheet_read = None  # nothing reads the sheet after the import: free its rows
        self.summary.setText(text)
        self.errors.setRowCount(len(result.errors))
        for r, e in enumerate(result.errors):
            for c, value in enumerate((e.sheet, e.row, e.column, e.reason)):
                self.errors.setItem(r, c, QTableWidgetItem(str(value)))
        self.export_rejected.setVisible(bool(result.errors))
        self.completeChanged.emit()

    def save_rejected(self) -> None:
        """The rejected rows as they were, with 原因 (the CLI's --rejected, same writer)."""
        from ycdesk.imports import write_rejected

        if self.result is None or not self.result.errors:
            return
        path = save_file(
            self, self.tr("导出被拒绝的行"), self.tr("被拒绝的行.xlsx"), "Excel 工作簿 (*.xlsx);;CSV 文件 (*.csv)"
        )
        if not path:
            return
        try:
            write_rejected(self.result, path)
        except (UserError, OSError) as exc:
            QMessageBox.warning(self, self.tr("无法导出"), str(exc))
            return
        self.summary.setText(self.summary.text() + self.tr("\n被拒绝的行已导出到 {0}").format(path))
        self.rejected_saved = path

    def failed(self, exc, tb) -> None:
        self.task = None
        self.cancel.setEnabled(False)
        if isinstance(exc, Cancelled):
            self.summary.setText(self.tr("已取消，未写入任何内容"))
        elif isinstance(exc, UserError):
            self.summary.setText(str(exc))
        else:
            import logging

            logging.getLogger("ycdesk").error("导入失败\n%s", tb)
            self.summary.setText(self.tr("导入时出现程序错误（详情见日志）：{0}").format(exc))
        self.completeChanged.emit()

    def undo_import(self) -> None:
        """Undo the batch just imported, as an operation on its own Store (it takes a
        backup first, which takes a while on a large workspace)."""
        if self.result is None or not self.result.batch_id or self.task is not None:
            return
        from ycdesk.store import Store

        store, batch, kind = self.w.store, self.result.batch_id, self.w.kind()

        def work(state):
            with Store(str(store.path), operator=store.operator) as own:
                return undo_batch(own, batch)

        def undone(count) -> None:
            self.task = None
            self.summary.setText(self.tr("已撤销本次导入，恢复 {0} 处改动").format(count))
            self.undo.setVisible(False)
            self.undone = True  # nothing left for 编辑 → 撤销 to undo

        def refused(exc) -> None:
            self.task = None
            self.undo.setEnabled(True)
            if not isinstance(exc, UserError):
                raise exc
            QMessageBox.warning(self, self.tr("无法撤销"), str(exc))

        self.undo.setEnabled(False)
        self.summary.setText(self.tr("正在撤销…"))
        self.task = Operation(work, self, changes=IMPORT_KINDS[kind].tables).on_success(undone).on_failure(refused)
        self.task.start()

    def isComplete(self) -> bool:
        return self.result is not None


class ImportWizard(QWizard):
    def __init__(self, store, kind: str = "findings", path: str | None = None, parent=None) -> None:
        super().__init__(parent)
        self.store = store
        self.imported = False
        self.sheet_read: SheetRead | None = None  # the preview's read, reused by the dry run and import
        self.setWindowTitle(self.tr("导入向导"))
        self.file_page = FilePage(self)
        self.mapping_page = MappingPage(self)
        self.dry_page = RunPage(self, dry_run=True)
        self.run_page = RunPage(self, dry_run=False)
        for page in (self.file_page, self.mapping_page, self.dry_page, self.run_page):
            self.addPage(page)
        self.file_page.kind.setCurrentIndex(max(self.file_page.kind.findData(kind), 0))
        if path:
            self.file_page.path.setText(path)
        self.resize(900, 640)

    def reject(self) -> None:
        """取消, Esc or closing the window: a running read, check or import is cancelled and
        waited for — the import is one transaction, so a cancel writes nothing; if it had
        already committed, batch() still has it for 编辑 → 撤销. An undo under way finishes."""
        from ui.operations import finish

        for page in (self.file_page, self.mapping_page, self.dry_page, self.run_page):
            undoing = page is self.run_page and self.run_page.result is not None
            finish(getattr(page, "task", None), cancel=not undoing)
        self.sheet_read = None  # the sheet's rows are not needed any more
        super().reject()

    def kind(self) -> str:
        return self.file_page.kind.currentData()

    def batch(self) -> tuple[str, str] | None:
        """(batch id, 编辑 → 撤销 label) of what this wizard imported and kept, or None."""
        result = self.run_page.result
        if result is None or not result.batch_id or getattr(self.run_page, "undone", False):
            return None
        from pathlib import Path

        return result.batch_id, self.tr("导入 {0} 行（{1}）").format(
            result.new + result.updated, Path(self.path()).name
        )

    def path(self) -> str:
        return self.file_page.path.text().strip()

    def sheet(self) -> str:
        return self.file_page.sheet.currentText()

    def saved_mapping(self, kind: str) -> dict:
        return saved_mapping(self.store, kind)
