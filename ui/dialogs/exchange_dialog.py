"""文件 → 交换: export and import exchange packages, and at the district the 报送情况 view
(each township × quarter) with enrolment and revocation.

Package work runs off the UI thread (``ui.operations``): each job opens its own Store on the
workspace file and calls the core (:mod:`ycdesk.exchange`), which does the SQLite session
work in a child process. An import is first run as a dry run; its summary is shown and
the user confirms before anything is written.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from ui.errors import show_user_error
from ui.file_dialogs import open_file, save_file
from ui.operations import Operation
from ycdesk.errors import UserError

PACKAGE_FILTER = "ycdesk 交换包 (*.ycx);;所有文件 (*)"
MISSING = QColor("#f8d7da")  # a quarter with no package received


class Exchange(QObject):
    """The 交换 menu's actions for one main window. ``finished`` carries the outcome."""

    finished = Signal(object)

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self._task = None

    # -- running a core call off the UI thread -----------------------------------------

    def _run(self, fn, done, changes=()) -> None:
        """``fn(store)`` on a worker with its own Store; ``changes`` as for an Operation
        (the tables a write changed, so that the window refreshes only the tabs showing them)."""
        db, operator = str(self.window.store.path), self.window.store.operator

        def job(state):
            from ycdesk.store import Store

            with Store(db, operator=operator) as store:
                return fn(store)

        task = Operation(job, self.window, changes=changes)
        task.succeeded.connect(done)
        task.failed.connect(self._failed)
        self._task = task  # kept alive until it reports
        self.window.statusBar().showMessage(self.tr("正在处理交换包…"))
        task.start()

    def _failed(self, exc, tb) -> None:
        self.window.statusBar().clearMessage()
        if isinstance(exc, UserError):
            show_user_error(self.window, exc)
            self.finished.emit(exc)
            return
        raise exc

    # -- export ------------------------------------------------------------------------

    def export_package(self, path: str | None = None, township: str | None = None) -> None:
        from ycdesk.exchange import enrolment

        store = self.window.store
        if not store.role.is_township and township is None:
            names = [p["name"] for p in enrolment.enrolled(store) if not p["revoked_at"]]
            if not names:
                show_user_error(self.window, UserError(self.tr("还没有登记任何镇街，请先在“报送情况”中办理登记")))
                return
            township, ok = QInputDialog.getItem(
                self.window, self.tr("导出交换包"), self.tr("发给哪个镇街："), names, 0, False
            )
            if not ok:
                return
        if path is None:
            default = f"{township or store.role.township}.ycx"
            path = save_file(self.window, self.tr("导出交换包"), default, PACKAGE_FILTER)
            if not path:
                return

        def done(result):
            self.window.statusBar().showMessage(
                self.tr("已导出第{0}号交换包 {1}：{2} 条改动，佐证文件 {3} 个").format(
                    result["seq"], result["file"], result["rows"], result["files"]
                ),
                10_000,
            )
            self.finished.emit(result)

        from ycdesk.exchange.packages import export_package

        self._run(lambda s: export_package(s, path, township), done)

    # -- import (dry run first) ----------------------------------------------------------

    def import_package(self, path: str | None = None) -> None:
        if path is None:
            path = open_file(self.window, self.tr("导入交换包"), PACKAGE_FILTER)
            if not path:
                return
        from ycdesk.exchange.packages import import_package

        def previewed(outcome):
            self.window.statusBar().clearMessage()
            if outcome.already:
                QMessageBox.information(self.window, self.tr("导入交换包"), outcome.summary())
                self.finished.emit(outcome)
                return
            from ycdesk.exchange.packages import table_name

            text = outcome.summary()
            if outcome.conflicts:
                text += (
                    "\n\n"
                    + self.tr("冲突（按填报范围保留一方，另一方记入修改记录）：")
                    + "\n"
                    + "\n".join(
                        f"{table_name(c['table'])} {c['row_id'][:8]} {'、'.join(c['columns'])}"
                        for c in outcome.conflicts[:10]
                    )
                )
            answer = QMessageBox.question(
                self.window, self.tr("导入交换包（试运行结果）"), text + "\n\n" + self.tr("确定导入吗？")
            )
            if answer != QMessageBox.Yes:
                self.finished.emit(None)
                return
            # The core says which tables the package wrote: only the tabs showing them reload.
            self._run(lambda s: import_package(s, path), applied, changes=lambda outcome: outcome.changed_tables)

        def applied(outcome):
            self.window.statusBar().showMessage(outcome.summary(), 10_000)
            self.finished.emit(outcome)

        self._run(lambda s: import_package(s, path, dry_run=True), previewed)

    def show_status(self) -> StatusDialog:
        dialog = StatusDialog(self.window.store, self.window)
        dialog.show()
        return dialog


class StatusDialog(QDialog):
    """报送情况: each enrolled township × quarter, the last package received, its rows and
    conflicts; quarters with nothing received are highlighted. Enrol and revoke here."""

    def __init__(self, store, parent=None) -> None:
        super().__init__(parent)
        self.store = store
        self.setWindowTitle(self.tr("报送情况"))
        self.resize(900, 480)
        self.table = QTableWidget()
        self.table.setEditTriggers(QTableWidget.NoEditTriggers)
        self.note = QLabel()
        enrol = QPushButton(self.tr("登记镇街（签发密钥）…"), clicked=lambda: self.enrol())
        revoke = QPushButton(self.tr("撤销登记…"), clicked=lambda: self.revoke())
        buttons = QHBoxLayout()
        for b in (enrol, revoke):
            buttons.addWidget(b)
        buttons.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.Close, rejected=self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(self.note)
        layout.addLayout(buttons)
        layout.addWidget(close)
        enrol.setEnabled(not store.role.is_township)
        revoke.setEnabled(not store.role.is_township)
        self.refresh()

    def refresh(self) -> None:
        from ycdesk.exchange.packages import status

        data = status(self.store)
        peers = data["peers"]
        quarters = data["quarters"]
        self.table.clear()
        self.table.setRowCount(len(peers))
        self.table.setColumnCount(len(quarters) + 1)
        self.table.setHorizontalHeaderLabels([self.tr("最近收到"), *quarters])
        self.table.setVerticalHeaderLabels(
            [p["name"] + (self.tr("（已撤销）") if p["revoked_at"] else "") for p in peers]
        )
        missing = 0
        for r, p in enumerate(peers):
            self.table.setItem(r, 0, QTableWidgetItem((p["last_received"] or "—")[:16].replace("T", " ")))
            for c, q in enumerate(quarters, 1):
                got = p["quarters"][q]
                if got is None:
                    item = QTableWidgetItem(self.tr("未报送"))
                    if q in p["missing"] and not p["revoked_at"]:
                        item.setBackground(QBrush(MISSING))
                        missing += 1
                else:
                    item = QTableWidgetItem(
                        self.tr("第{0}号 {1} 条，冲突 {2} 处").format(got["seq"], got["rows"], got["conflicts"])
                    )
                item.setData(Qt.UserRole, got)
                self.table.setItem(r, c, item)
        self.missing = missing
        self.note.setText(
            self.tr("共 {0} 个镇街登记；{1} 处季度未报送（红色）").format(len(peers), missing)
            if not self.store.role.is_township
            else self.tr("本工作区为{0}").format(self.store.role.township)
        )

    def enrol(self, township: str | None = None, path: str | None = None) -> None:
        from ycdesk.exchange import enrolment

        if township is None:
            township, ok = QInputDialog.getItem(
                self, self.tr("登记镇街"), self.tr("镇街："), self.store.townships.names(), 0, False
            )
            if not ok:
                return
        if path is None:
            path = save_file(self, self.tr("保存登记密钥"), f"{township}.key", "登记密钥 (*.key)")
            if not path:
                return
        try:
            enrolment.enroll(self.store, township, path)
        except UserError as exc:
            show_user_error(self, exc)
            return
        QMessageBox.information(
            self,
            self.tr("登记镇街"),
            self.tr(
                "已签发{0}的登记密钥：{1}\n请当面交给镇街，用它新建镇街工作区；密钥等同于密码，丢失请撤销后重新登记。"
            ).format(township, path),
        )
        self.refresh()

    def revoke(self, township: str | None = None) -> None:
        from ycdesk.exchange import enrolment

        if township is None:
            names = [p["name"] for p in enrolment.enrolled(self.store) if not p["revoked_at"]]
            if not names:
                return
            township, ok = QInputDialog.getItem(self, self.tr("撤销登记"), self.tr("镇街："), names, 0, False)
            if not ok:
                return
        try:
            enrolment.revoke(self.store, township)
        except UserError as exc:
            show_user_error(self, exc)
            return
        self.refresh()
