"""The main window: the registered tabs over one workspace, menus, status bar, remembered layout."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QMenu, QMessageBox, QTabWidget, QVBoxLayout, QWidget

from ui import mnemonics
from ui.errors import show_user_error
from ui.file_dialogs import open_file, save_file
from ui.keys import with_keys
from ui.operations import Operation, cancel_all, report_failure, wait_all
from ui.settings import Settings
from ui.tabs import registry
from ycdesk import __version__
from ycdesk.errors import Cancelled, UserError

WORKSPACE_FILTER = "ycdesk 工作区 (*.ycdesk *.db);;所有文件 (*)"


class MainWindow(QMainWindow):
    def __init__(self, store, settings: Settings | None = None) -> None:
        super().__init__()
        self.settings = settings or Settings()
        self.store = None
        self.setWindowTitle(self.tr("越城区生态环境“十四五”规划工作台"))
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        # The tabs declared in ui.tabs.registry, in order. A tab's module is loaded when the
        # tab is first shown, and the first one only after the window's first paint.
        self.tab_specs = list(registry.TABS)
        self._built: dict[str, QWidget] = {}  # by TabSpec.key
        for spec in self.tab_specs:
            holder = QWidget()  # the tab itself goes in here when first shown
            QVBoxLayout(holder).setContentsMargins(0, 0, 0, 0)
            self.tabs.addTab(holder, spec.title)
        self.setCentralWidget(self.tabs)
        self.setAcceptDrops(True)  # a spreadsheet dropped on the window opens the import wizard
        self.create_actions()
        self.create_menus()
        self.create_status_bar()
        if store is not None:  # None: the workspace is opened after the first paint (ui.app.run)
            self.set_store(store)
        self.read_settings()
        self.tabs.currentChanged.connect(self.tab)

    @property
    def exchange(self):
        """文件 → 交换 (made when first used: nothing before the first paint needs it)."""
        if "_exchange" not in self.__dict__:
            from ui.dialogs.exchange_dialog import Exchange

            self._exchange = Exchange(self)
        return self._exchange

    def __getattr__(self, name: str):
        # ``window.indicators_tab``, ``window.audits_tab`` …: the tab of that registry key.
        specs = self.__dict__.get("tab_specs", ())
        if name.endswith("_tab") and any(s.key == name[:-4] for s in specs):
            return self.tab_for(name[:-4])
        raise AttributeError(name)

    def tab(self, index: int) -> QWidget:
        """The tab at ``index``, built (and given the workspace) on first use."""
        spec = self.tab_specs[index]
        if spec.key not in self._built:
            widget = spec.build()
            self._built[spec.key] = widget
            self.tabs.widget(index).layout().addWidget(widget)
            if hasattr(widget, "restore_state"):  # remembered widths, sort, filters (per workspace)
                widget.restore_state(self.settings)
            if self.store is not None:
                widget.set_store(self.store)
        return self._built[spec.key]

    def tab_for(self, key: str) -> QWidget:
        return self.tab(next(i for i, s in enumerate(self.tab_specs) if s.key == key))

    def current_spec(self) -> registry.TabSpec:
        return self.tab_specs[self.tabs.currentIndex()]

    def tables_changed(self, tables: set[str]) -> None:
        """An operation changed ``tables``: the built tabs that show any of them reload;
        the others keep what they show (a tab not built yet reads fresh when it is)."""
        if self.store is None:
            return
        for spec in self.tab_specs:
            if spec.key in self._built and spec.tables & tables:
                self._built[spec.key].set_store(self.store)

    def paintEvent(self, event) -> None:
        super().paintEvent(event)
        # Nothing but the window before its first paint: the visible tab is built, and
        # the daily backup taken, from the event loop right after it.
        if not getattr(self, "_painted", False):
            self._painted = True
            QTimer.singleShot(0, self._after_first_paint)

    on_screen = False  # True once the window has been painted and the work after it begun

    def when_painted(self, callback) -> None:
        """Run ``callback`` from the event loop once the window has first been painted
        (at once, if it has been already)."""
        if self.on_screen:
            callback()
            return
        self._when_painted = [*getattr(self, "_when_painted", []), callback]

    def _after_first_paint(self) -> None:
        self.on_screen = True
        for callback in getattr(self, "_when_painted", []):
            callback()
        self._when_painted = []
        if self.store is not None:
            self.tab(self.tabs.currentIndex())
            self._backup_if_due()

    def _backup_if_due(self) -> None:
        if self.store is None or self.store.readonly or getattr(self, "_backed_up", None) is self.store:
            return
        self._backed_up = self.store
        try:
            self.store.backup_if_due()  # daily copy; rotation keeps recent, daily, weekly, monthly ones
        except UserError as exc:  # e.g. a full disk: the workspace still opens
            self.statusBar().showMessage(str(exc), 10_000)

    # -- construction (after the Qt application example) -------------------------------

    def create_actions(self) -> None:
        self.new_action = with_keys(
            QAction(self.tr("新建工作区(&N)…"), self, triggered=self.new_workspace), QKeySequence.New
        )
        self.open_action = with_keys(
            QAction(self.tr("打开工作区(&O)…"), self, triggered=self.open_workspace), QKeySequence.Open
        )
        self.backup_action = QAction(self.tr("备份工作区(&B)"), self, triggered=self.backup)
        self.restore_action = QAction(self.tr("从备份恢复(&R)…"), self, triggered=self.restore_from_backup)
        self.quit_action = with_keys(QAction(self.tr("退出(&Q)"), self, triggered=self.close), QKeySequence.Quit)
        self.about_action = QAction(self.tr("关于 ycdesk(&A)"), self, triggered=self.about)
        self.check_action = QAction(self.tr("检查工作区(&C)…"), self, triggered=self.check_workspace)
        self.import_action = with_keys(
            QAction(self.tr("导入(&I)…"), self, triggered=lambda: self.import_file()), "Ctrl+I"
        )
        self.batches_action = QAction(self.tr("导入批次(&H)…"), self, triggered=self.show_batches)
        # 导出表格 → 当前视图; the menu's other entries are made when it is opened.
        self.export_view_action = QAction(self.tr("当前视图(&V)…"), self, triggered=self.export_current_view)
        self.operator_action = QAction(self.tr("操作人姓名(&P)…"), self, triggered=self.ask_operator)
        self.tab_actions = []  # Ctrl+n and Alt+n show the n-th tab
        for i, spec in enumerate(self.tab_specs[:9]):
            action = QAction(spec.title, self)
            action.setShortcuts([QKeySequence(f"Ctrl+{i + 1}"), QKeySequence(f"Alt+{i + 1}")])
            action.triggered.connect(lambda checked=False, i=i: self.tabs.setCurrentIndex(i))
            self.addAction(action)
            self.tab_actions.append(action)

    def create_menus(self) -> None:
        file_menu = self.menuBar().addMenu(self.tr("文件(&F)"))
        file_menu.addAction(self.new_action)
        file_menu.addAction(self.open_action)
        file_menu.addSeparator()
        file_menu.addAction(self.import_action)
        file_menu.addAction(self.batches_action)
        self.export_menu = file_menu.addMenu(self.tr("导出表格(&E)"))
        self.export_menu.aboutToShow.connect(self.fill_export_menu)  # filled when opened
        exchange_menu = file_menu.addMenu(self.tr("交换(&X)"))
        exchange_menu.addAction(self.tr("导出交换包(&E)…"), lambda: self.exchange.export_package())
        exchange_menu.addAction(self.tr("导入交换包(&I)…"), lambda: self.exchange.import_package())
        exchange_menu.addAction(self.tr("报送情况(&S)…"), lambda: self.exchange.show_status())
        file_menu.addAction(self.backup_action)
        file_menu.addAction(self.restore_action)
        file_menu.addAction(self.operator_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        self.create_edit_menu()
        help_menu = self.menuBar().addMenu(self.tr("帮助(&H)"))
        help_menu.addAction(self.check_action)
        help_menu.addAction(self.about_action)
        self.add_first_steps_menus(file_menu, help_menu)

    def add_first_steps_menus(self, file_menu, help_menu) -> None:
        """文件 → 导入模板 (one per import kind) and 删除演示数据; 帮助 → 使用说明 and 快捷键."""
        # Their modules (the import kinds, the help dialogs) load when first used: none of
        # it is needed before the window's first paint.
        self.templates_menu = QMenu(self.tr("导入模板(&T)"), file_menu)
        self.templates_menu.aboutToShow.connect(self.fill_templates_menu)
        after_batches = file_menu.actions()[file_menu.actions().index(self.batches_action) + 1]
        file_menu.insertMenu(after_batches, self.templates_menu)
        self.remove_demo_action = QAction(
            self.tr("删除演示数据(&D)…"), self, triggered=lambda: _first_steps().remove_demo_data(self)
        )
        file_menu.insertAction(self.operator_action, self.remove_demo_action)
        self.guide_action = with_keys(
            QAction(self.tr("使用说明(&U)"), self, triggered=lambda: _help_dialogs().GuideDialog(self).exec()),
            QKeySequence.HelpContents,
        )
        self.shortcuts_action = QAction(
            self.tr("快捷键(&K)"), self, triggered=lambda: _help_dialogs().ShortcutsDialog(self).exec()
        )
        help_menu.insertAction(self.check_action, self.guide_action)
        help_menu.insertAction(self.check_action, self.shortcuts_action)
        help_menu.insertSeparator(self.check_action)
        for i, action in enumerate(self.tab_actions):  # named, so 快捷键 can list them
            action.setText(self.tr("转到“{0}”页").format(self.tabs.tabText(i)))

    def fill_templates_menu(self) -> None:
        """文件 → 导入模板: one entry per registered import kind (rebuilt when opened)."""
        from ycdesk.imports.kinds import IMPORT_KINDS

        self.templates_menu.clear()
        letters = mnemonics.assign(list(IMPORT_KINDS))
        for key, kind in IMPORT_KINDS.items():
            self.templates_menu.addAction(
                mnemonics.with_mnemonic(self.tr("{0}模板…").format(kind.label), letters[key]),
                lambda key=key: _first_steps().save_template(self, key),
            )

    def create_edit_menu(self) -> None:
        """编辑: 撤销/重做 over one window-wide stack of core changes (see ui.undo)."""
        from ui.undo import install_edit_menu

        install_edit_menu(self)

    def refresh_tabs(self) -> None:
        """After an undo or redo: every built tab shows the data as it now is."""
        for tab in self._built.values():
            if hasattr(tab, "refresh"):
                tab.refresh()

    def create_status_bar(self) -> None:
        self.workspace_label = QLabel()
        self.operator_label = QLabel()
        self.statusBar().addWidget(self.workspace_label, 1)
        self.statusBar().addPermanentWidget(self.operator_label)

    # -- workspace --------------------------------------------------------------------

    def set_store(self, store) -> None:
        if self.store is not None and self.store is not store:
            self.store.close()
        if self.store is not store:
            self.undo_stack.clear()  # its changes belong to the workspace they were made in
        self.store = store
        for tab in self._built.values():  # a new workspace: every built tab reloads
            tab.set_store(store)
        title = self.tr("越城区生态环境“十四五”规划工作台")
        if store.readonly:
            # Opened read-only (the file or its folder cannot be written): say so and why.
            self.workspace_label.setText(self.tr("工作区：{0}（只读：{1}）").format(store.path, store.readonly_reason))
            self.setWindowTitle(self.tr("{0} — 只读").format(title))
        else:
            self.workspace_label.setText(
                self.tr("工作区：{0}").format(store.path)
                + (
                    self.tr("（{0}的工作区，只能填报本镇街的数据）").format(store.role.township)
                    if store.role.is_township
                    else ""
                )
            )
            self.setWindowTitle(title)
        self.import_action.setEnabled(not store.readonly)
        if getattr(self, "_painted", False):  # else both wait for the first paint
            self.tab(self.tabs.currentIndex())
            self._backup_if_due()
        self.operator_label.setText(self.tr("操作人：{0}").format(store.operator))
        self.settings.set("workspace/last", str(store.path))

    def _switch_to(self, path: str, operator: str | None = None) -> None:
        from ui.opening import opening
        from ycdesk.workspace import WorkspaceProblem, open_workspace

        operator = operator or (self.store.operator if self.store else None)
        try:
            with opening(self):
                store = open_workspace(path, operator)
        except WorkspaceProblem as exc:  # damaged, empty or foreign: offer its newest good backup
            if (
                exc.backup is not None
                and QMessageBox.question(
                    self, self.tr("无法打开工作区"), self.tr("{0}\n\n现在从这个备份恢复吗？").format(exc)
                )
                == QMessageBox.Yes
            ):
                self._restore(exc.backup.path, Path(path), operator)
            else:
                show_user_error(self, exc)
            return
        except UserError as exc:
            show_user_error(self, exc)
            return
        self.set_store(store)
        self.statusBar().showMessage(self.tr("已打开 {0}").format(path), 5000)

    def new_workspace(self) -> None:
        path = save_file(self, self.tr("新建工作区"), "新工作区.ycdesk", WORKSPACE_FILTER)
        if not path:
            return
        if Path(path).exists():
            show_user_error(self, UserError(self.tr("文件已存在，请换一个文件名：{0}").format(path)))
            return
        from ui.dialogs.recovery import run_behind_busy_dialog
        from ycdesk.workspace import create_workspace

        operator = self.store.operator if self.store else None
        run_behind_busy_dialog(
            self,
            self.tr("正在新建工作区…"),
            lambda: create_workspace(path, operator),
            lambda created: self._switch_to(str(created)),
        )

    def open_workspace(self) -> None:
        path = open_file(self, self.tr("打开工作区"), WORKSPACE_FILTER)
        if path:
            self._switch_to(path)

    def fill_export_menu(self) -> None:
        """文件 → 导出表格: each tab's export tables in tab order, then any other
        registered export table (rebuilt when opened, so a newly registered one shows)."""
        from ycdesk.export.tables import TABLES

        menu = self.export_menu
        menu.clear()
        # First: what the current tab shows, with its filter, search and order.
        menu.addAction(self.export_view_action)
        menu.addSeparator()
        sections: list[list[str]] = []
        listed: set[str] = set()
        for spec in self.tab_specs:
            sections.append([n for n in spec.exports if n in TABLES and n not in listed])
            listed.update(sections[-1])
        sections.append([n for n in TABLES if n not in listed])  # the tables no tab claims
        letters = mnemonics.assign([n for section in sections for n in section], taken={"V"})  # V: 当前视图
        for section in [s for s in sections if s]:
            if not menu.actions()[-1].isSeparator():  # one between sections
                menu.addSeparator()
            for name in section:
                text = mnemonics.with_mnemonic(TABLES[name].title, letters[name])
                menu.addAction(text, lambda name=name: self.export(name))

    def export_current_view(self) -> None:
        tab = self._built.get(self.tab_specs[self.tabs.currentIndex()].key)
        if tab is None or not hasattr(tab, "export_view"):
            self.statusBar().showMessage(self.tr("此页没有可导出的列表，请从“导出表格”中选择整张表"), 8000)
            return
        tab.export_view()

    def export(self, table: str, path: str | None = None) -> Operation | None:
        """Export off the UI thread (a large table takes a while), with a cancellable
        progress dialog; a cancelled export leaves no file."""
        from ycdesk.export.tables import TABLES

        if path is None:
            default = f"{TABLES[table].title}.xlsx"
            path = save_file(
                self, self.tr("导出表格"), default, "Excel 工作簿 (*.xlsx);;CSV 文件 (*.csv);;PDF 文件 (*.pdf)"
            )
        if not path:
            return None
        from ui.export_view import run_export

        def write(store, path, progress):
            from ycdesk.export import export_table  # not at start-up: only an export needs it

            return export_table(store, table, path, progress)

        def done(count) -> None:
            self.statusBar().showMessage(self.tr("已导出 {0} 行到 {1}").format(count, path), 8000)
            self.export_finished = path

        return run_export(self, self.store, TABLES[table].title, path, write, on_done=done)

    # -- import -------------------------------------------------------------------------

    SPREADSHEETS = (".xlsx", ".xlsm", ".xls", ".csv")

    def import_file(self, path: str | None = None) -> None:
        from ui.dialogs.import_wizard import ImportWizard

        # The import (and its undo) reports the tables it wrote: the tabs showing them reload.
        wizard = ImportWizard(self.store, self.current_spec().import_kind, path, self)
        wizard.exec()
        batch = wizard.batch()
        wizard.deleteLater()  # not kept alive (with its sheet's rows) as the window's child
        if batch:
            from ui.undo import push_import

            push_import(self, *batch)  # 编辑 → 撤销 undoes the batch (safely)

    def show_batches(self) -> None:
        from ui.dialogs.batches_dialog import BatchesDialog

        dialog = BatchesDialog(self.store, self)
        dialog.exec()  # an undo reports the tables it changed
        dialog.deleteLater()

    def _dropped_file(self, event) -> str | None:
        urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
        for url in urls:
            if url.isLocalFile() and url.toLocalFile().lower().endswith(self.SPREADSHEETS):
                return url.toLocalFile()
        return None

    def dragEnterEvent(self, event) -> None:
        if self._dropped_file(event):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        path = self._dropped_file(event)
        if path:
            event.acceptProposedAction()
            self.import_file(path)

    def ask_operator(self) -> None:
        """The name every change is recorded under (history, observations, progress)."""
        from PySide6.QtWidgets import QInputDialog

        name, ok = QInputDialog.getText(
            self, self.tr("操作人"), self.tr("姓名（记入修改记录）："), text=self.store.operator
        )
        name = name.strip()
        if ok and name:
            self.store.operator = name
            self.settings.set("operator", name)
            self.operator_label.setText(self.tr("操作人：{0}").format(name))

    def backup(self) -> Operation:
        """Off the UI thread (a large workspace takes seconds), cancellable: a cancelled
        backup leaves no file. The copy uses its own connections, so only the id is read
        here. A damaged workspace is refused."""
        from datetime import datetime

        from ycdesk.backups import write

        path, workspace_id = self.store.path, self.store.ensure_workspace_id()

        def done(backup) -> None:
            self.statusBar().showMessage(self.tr("已备份到 {0}").format(backup.path), 8000)
            self.backup_finished = backup

        def failed(exc) -> None:
            if isinstance(exc, Cancelled):
                self.statusBar().showMessage(self.tr("已取消备份"), 8000)
            report_failure(self, exc)

        self._backup_operation = (
            Operation(
                lambda state: write(path, workspace_id, "manual", datetime.now().astimezone(), progress=state.counter),
                self,
            )
            .on_success(done)
            .on_failure(failed)
        )
        return self._backup_operation.with_dialog(self.tr("正在备份…"), self.tr("取消")).start()

    def restore_from_backup(self) -> None:
        """Pick a backup, close the workspace, restore off the UI thread, reopen."""
        from ui.dialogs.recovery import RestoreDialog

        dialog = RestoreDialog(self.store.path, self.store.workspace_id, self)
        dialog.exec()
        if dialog.chosen is None:  # set only when the user confirmed a backup
            return
        wait_all()  # no worker still has the file open
        closing, self.store = self.store, None  # nothing (a deferred first paint) uses it now
        closing.close()
        self._restore(dialog.chosen.path, closing.path, closing.operator)

    def _restore(self, backup: Path, path: Path, operator: str) -> None:
        """Restore ``backup`` over ``path`` off the UI thread, then open ``path``."""
        from ui.dialogs.recovery import restore_job, run_behind_busy_dialog

        def reopen(result) -> None:
            self._switch_to(str(path), operator)
            if result is not None:
                self.statusBar().showMessage(self.tr("已从备份恢复；原工作区已另存为 {0}").format(result.kept), 10_000)
            self.restore_finished = result

        def failed(exc) -> None:
            reopen(None)
            if not isinstance(exc, UserError):
                raise exc
            show_user_error(self, exc)

        run_behind_busy_dialog(self, self.tr("正在从备份恢复…"), restore_job(backup, path), reopen, failed)

    def check_workspace(self) -> None:
        """帮助 → 检查工作区: the same checks as ``ycdesk check``, in the background."""
        from ui.dialogs.check_dialog import CheckDialog

        self.check_dialog = CheckDialog(self.store.path, self)
        self.check_dialog.open()

    def about(self) -> None:
        QMessageBox.about(
            self,
            self.tr("关于 ycdesk"),
            self.tr(
                "<b>ycdesk {0}</b><p>越城区生态环境保护“十四五”规划离线工作台。</p>"
                "<p>字体：文泉驿微米黑（Apache-2.0），随程序分发。</p>"
            ).format(__version__),
        )

    # -- settings ---------------------------------------------------------------------

    def read_settings(self) -> None:
        geometry = self.settings.get("window/geometry")
        if geometry:
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 760)
        self.fit_to_screen()
        state = self.settings.get("window/state")
        if state:
            self.restoreState(state)
        self.tabs.setCurrentIndex(min(self.settings.get("window/tab"), self.tabs.count() - 1))

    # Title bar and borders, which the window manager adds and Qt learns only once the
    # window is shown: kept free so that the whole frame fits the usable area.
    FRAME_MARGINS = (16, 40)

    def fit_to_screen(self) -> None:
        """Keep the window inside its screen's usable area (a 1366×768 laptop leaves about
        1366×728 above the taskbar): the old default was taller than that, and a size
        saved on a larger monitor would be too."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is None:
            return
        area = screen.availableGeometry()
        width = min(self.width(), area.width() - self.FRAME_MARGINS[0])
        height = min(self.height(), area.height() - self.FRAME_MARGINS[1])
        if (width, height) != (self.width(), self.height()):
            self.resize(width, height)
        if not area.contains(self.geometry()):
            self.move(
                area.left() + (area.width() - width - self.FRAME_MARGINS[0]) // 2,
                area.top() + (area.height() - height - self.FRAME_MARGINS[1]) // 2,
            )

    def closeEvent(self, event) -> None:
        # Every running operation (reports, imports, exports, backups) is asked to stop and
        # waited for, so no worker is still writing when the workspace closes.
        cancel_all()
        wait_all()
        self.settings.set("window/geometry", self.saveGeometry())
        self.settings.set("window/state", self.saveState())
        self.settings.set("window/tab", self.tabs.currentIndex())
        for tab in self._built.values():
            if hasattr(tab, "save_state"):
                tab.save_state(self.settings)
        if self.store is not None:
            self.store.close()
            self.store = None
        super().closeEvent(event)


def _first_steps():
    from ui import first_steps

    return first_steps


def _help_dialogs():
    from ui.dialogs import help_dialog

    return help_dialog
