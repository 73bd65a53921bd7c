"""Keyboard mnemonics (Alt+letter) never clash: within each menu, within each dialog, and
on each page of the main window together with the menu bar (添加佐证(&F) once took Alt+F
from 文件(&F))."""

from __future__ import annotations

import re
from collections import defaultdict

import pytest
from PySide6.QtWidgets import QAbstractButton, QGroupBox, QLabel, QMenu, QStackedWidget, QTabWidget, QWidget
from test_ui_fit import blank  # noqa: F401  (fixture: plan only, no demo data)

MNEMONIC = re.compile(r"&([^&\s])")


def letter(text: str) -> str | None:
    found = MNEMONIC.search(text.replace("&&", ""))
    return found.group(1).upper() if found else None


def clashes(named: list[tuple[str, str]]) -> dict[str, list[str]]:
    """{letter: texts} for letters used more than once."""
    seen = defaultdict(list)
    for text, where in named:
        key = letter(text)
        if key:
            seen[key].append(f"{where}:{text}")
    return {k: v for k, v in seen.items() if len(v) > 1}


def menu_levels(menu: QMenu, path: str):
    menu.aboutToShow.emit()  # menus filled when opened (导出表格, 导入模板) fill now
    yield path, [(a.text(), path) for a in menu.actions() if a.text()]
    for action in menu.actions():
        if action.menu():
            yield from menu_levels(action.menu(), f"{path}/{action.text()}")


def widget_texts(root: QWidget, where: str) -> list[tuple[str, str]]:
    """What carries a mnemonic inside ``root``: buttons, labels with a buddy, group boxes,
    tab titles. A page of a tab widget other than the current one is skipped: its
    mnemonics are not active while it is hidden."""
    out = []

    def visit(widget: QWidget) -> None:
        if not widget.isVisibleTo(root) and widget is not root:
            return  # hidden (another wizard page, a button not offered now): not active
        if isinstance(widget, QAbstractButton):
            out.append((widget.text(), where))
        elif isinstance(widget, QLabel) and widget.buddy() is not None:
            out.append((widget.text(), where))
        elif isinstance(widget, QGroupBox):
            out.append((widget.title(), where))
        if isinstance(widget, QTabWidget):
            out.extend((widget.tabText(i), where) for i in range(widget.count()))
        if isinstance(widget, QStackedWidget):  # also a tab widget's pages
            if widget.currentWidget() is not None:
                visit(widget.currentWidget())
            return
        for child in widget.findChildren(QWidget, options=_direct()):
            visit(child)

    visit(root)
    return out


def _direct():
    from PySide6.QtCore import Qt

    return Qt.FindDirectChildrenOnly


def test_no_clash_inside_any_menu(main_window):
    for i in range(4):
        main_window.tab(i)  # tab actions and menus all exist
    bar = [(a.text(), "菜单栏") for a in main_window.menuBar().actions()]
    problems = [clashes(bar)]
    for top in main_window.menuBar().actions():
        for _path, named in menu_levels(top.menu(), top.text()):
            problems.append(clashes(named))
    assert [p for p in problems if p] == []


def test_every_menu_entry_has_a_mnemonic(main_window):
    # 文件 → 导入批次 and the per-table entries of 导出表格 once had none: Alt+F then
    # reached them only with the arrow keys.
    main_window.export_menu.aboutToShow.emit()  # the export menu as a user opens it
    missing = [
        f"{path}/{text}"
        for top in main_window.menuBar().actions()
        for path, named in menu_levels(top.menu(), top.text())
        for text, _where in named
        if letter(text) is None
    ]
    assert missing == []
    entries = [a.text() for a in main_window.export_menu.actions()]
    assert "导入批次(&H)…" in [a.text() for a in main_window.menuBar().actions()[0].menu().actions()]
    assert "考核问题(&F)" in entries and "投资进展(&M)" in entries


def test_no_clash_on_any_page_with_the_menu_bar(main_window, qtbot):
    assert page_clashes(main_window, qtbot) == ""


def test_no_clash_on_the_pages_of_an_empty_workspace(qtbot, blank, settings):  # noqa: F811
    from ui.main_window import MainWindow

    window = MainWindow(blank, settings)  # the empty pages show their 导入/下载模板 hint
    qtbot.addWidget(window)
    window.show()
    assert page_clashes(window, qtbot) == ""


def page_clashes(main_window, qtbot) -> str:
    bar = [(a.text(), "菜单栏") for a in main_window.menuBar().actions()]
    if "编辑(&E)" not in [text for text, _where in bar]:
        bar.append(("编辑(&E)", "菜单栏"))  # the 编辑 menu (i18 undo) takes Alt+E too
    problems = []
    for i in range(main_window.tabs.count()):
        main_window.tabs.setCurrentIndex(i)
        page = main_window.tab(i)
        inner = [w for w in page.findChildren(QTabWidget)]
        # Every combination of sub-pages a user can bring up, one inner tab widget at a time.
        for tabs in [None, *inner]:
            for sub in range(tabs.count() if tabs else 1):
                if tabs:
                    tabs.setCurrentIndex(sub)
                qtbot.waitUntil(page.isVisible)  # a page built into a shown window is shown later
                found = clashes(bar + widget_texts(page, main_window.tabs.tabText(i)))
                if found:
                    problems.append(found)
    unique = {repr(sorted(p.items())) for p in problems}
    return "\n".join(sorted(unique))


def _dialogs(window, store, tmp_path):
    """Every dialog of the app that can be built without a user's answer."""
    from ui.dialogs.batches_dialog import BatchesDialog
    from ui.dialogs.exchange_dialog import StatusDialog
    from ui.dialogs.first_run import FirstRunDialog
    from ui.dialogs.help_dialog import GuideDialog, ShortcutsDialog
    from ui.dialogs.import_wizard import ImportWizard
    from ui.dialogs.investment_dialog import InvestmentDialog
    from ui.dialogs.observation_dialog import ObservationDialog
    from ui.dialogs.profile_dialog import ProfileDialog
    from ui.dialogs.recovery import RestoreDialog, StartupProblemDialog
    from ui.tabs.audits.editor import TransitionDialog
    from ui.tabs.indicators.tab import PeriodReasonDialog
    from ui.tabs.projects.initiatives import NoteDialog
    from ycdesk.workspace import WorkspaceProblem

    indicator = store.indicators.by_code("FYP14-03")
    project = store.projects.list()[0]
    yield "首次使用", FirstRunDialog(window)
    yield "使用说明", GuideDialog(window)
    yield "快捷键", ShortcutsDialog(window)
    yield "观测值", ObservationDialog(store, indicator, parent=window)
    yield "投资进展", InvestmentDialog(store, project, parent=window)
    yield "年度计划", ProfileDialog(store, project, window)
    yield "导入批次", BatchesDialog(store, window)
    yield "报送情况", StatusDialog(store, window)
    yield "从备份恢复", RestoreDialog(store.path, store.workspace_id, window)
    yield "无法打开", StartupProblemDialog(WorkspaceProblem("损坏", tmp_path / "x.ycdesk", "empty"), "测试员", window)
    for to, reopen in (("已整改", False), ("已销号", False), ("整改中", True)):
        yield f"状态改为{to}", TransitionDialog(to, reopen, window)
    yield "季度原因", PeriodReasonDialog("锁定", True, window)
    yield "改革进展", NoteDialog({"kind": "改革", "name": "测试"}, window)
    wizard = ImportWizard(store, "findings", None, window)
    yield "导入向导", wizard  # its first page with the buttons it shows there
    for page_id in wizard.pageIds()[1:]:
        yield f"导入向导第{page_id}页", wizard.page(page_id)


@pytest.fixture
def chinese_qt(qapp):
    """Qt's own buttons in Chinese, as the app installs them (确定, 取消(&C)…)."""
    from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator

    translator = QTranslator()
    translator.load(
        QLocale(QLocale.Chinese, QLocale.China), "qtbase", "_", QLibraryInfo.path(QLibraryInfo.TranslationsPath)
    )
    qapp.installTranslator(translator)
    yield
    qapp.removeTranslator(translator)


def test_no_clash_in_any_dialog(chinese_qt, main_window, qtbot, tmp_path):
    problems = {}
    for name, dialog in _dialogs(main_window, main_window.store, tmp_path):
        if dialog.parent() is None or dialog.isWindow():
            qtbot.addWidget(dialog)
        dialog.show()
        found = clashes(widget_texts(dialog, name))
        if found:
            problems[name] = found
        dialog.close()
    assert problems == {}
