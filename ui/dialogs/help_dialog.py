"""帮助 → 使用说明 (the guide shipped in resources/help, read offline) and 快捷键 (read
from the window's own actions, so the list is never out of date with the menus)."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QMenu,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ycdesk.paths import resources_dir

GUIDE = "使用说明.md"


def guide_path():
    return resources_dir() / "help" / GUIDE


def _closing_buttons(dialog: QDialog) -> QDialogButtonBox:
    buttons = QDialogButtonBox(QDialogButtonBox.Close)
    buttons.button(QDialogButtonBox.Close).setText(dialog.tr("关闭(&C)"))
    buttons.rejected.connect(dialog.reject)
    return buttons


class GuideDialog(QDialog):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("使用说明"))
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(False)  # offline: nothing is fetched from anywhere
        path = guide_path()
        if path.exists():
            self.browser.setMarkdown(path.read_text(encoding="utf-8"))
        else:  # a broken installation: say where the guide should be instead of an empty page
            self.browser.setPlainText(self.tr("找不到使用说明文件：{0}").format(path))
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(_closing_buttons(self))
        self.resize(640, 560)


def plain(text: str) -> str:
    """A menu text as a person reads it: no mnemonic marker, no trailing ellipsis."""
    text = re.sub(r"\(&\w\)", "", text)  # Chinese style: 导入(&I)
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").removesuffix("…").strip()


def shortcut_rows(window) -> list[tuple[str, str, str]]:
    """(操作, 快捷键, 位置) for every action of ``window`` that has a shortcut: the menus'
    (with their path), then the window's, then each page's own (in tab order, named by page)."""
    rows, seen = [], set()

    def walk(menu: QMenu, path: str) -> None:
        for action in menu.actions():
            if action.menu():
                walk(action.menu(), f"{path} → {plain(action.text())}")
            else:
                add(action, path)

    def add(action: QAction, where: str) -> bool:
        keys = [k for k in action.shortcuts() if not k.isEmpty()]
        if not keys or id(action) in seen or not action.text():
            return False
        seen.add(id(action))
        rows.append((plain(action.text()), "，".join(k.toString(QKeySequence.NativeText) for k in keys), where))
        return True

    for top in window.menuBar().actions():
        if top.menu():
            walk(top.menu(), plain(top.text()))
    local = []
    for action in window.findChildren(QAction):
        if action.parent() is window:
            add(action, window.tr("窗口"))
        else:
            local.append(action)
    start = len(rows)
    order = {}
    for action in local:
        pages = page_path(action, window)
        if add(action, page_label(action, pages, window)):
            order[len(rows) - 1] = [i for i, _name in pages]
    rows[start:] = [rows[i] for i in sorted(range(start, len(rows)), key=lambda i: order.get(i, []))]
    return rows


def page_path(action: QAction, window) -> list[tuple[int, str]]:
    """The tabs around the widget ``action`` belongs to, outermost first: [(2, 危废考核), (1, 企业)]."""
    pages, widget = [], action.parent() if isinstance(action.parent(), QWidget) else None
    while widget is not None and widget is not window:
        parent = widget.parentWidget()
        if isinstance(parent, QStackedWidget) and isinstance(parent.parentWidget(), QTabWidget):
            tabs = parent.parentWidget()
            pages.append((tabs.indexOf(widget), plain(tabs.tabText(tabs.indexOf(widget)))))
        widget = parent
    return pages[::-1]


def page_label(action: QAction, pages, window) -> str:
    """Where a page's own shortcut works (危废考核 → 企业), not just "the current page": the
    same Ins/F2/Del appear on several. One tied to a table works while that table (named by its
    accessible name) has the focus."""
    where = " → ".join(name for _i, name in pages) or window.tr("当前页面")
    if isinstance(action.parent(), QWidget) and action.shortcutContext() == Qt.WidgetShortcut:
        table = action.parent().accessibleName() or window.tr("表格")
        return window.tr("{0}（光标在{1}中时）").format(where, table)
    return where


class ShortcutsDialog(QDialog):
    def __init__(self, window) -> None:
        super().__init__(window)
        self.setWindowTitle(self.tr("快捷键"))
        rows = shortcut_rows(window)
        self.table = QTableWidget(len(rows), 3)
        self.table.setHorizontalHeaderLabels([self.tr("操作"), self.tr("快捷键"), self.tr("位置")])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.NoEditTriggers)
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(_closing_buttons(self))
        self.resize(640, 520)  # the 位置 of a page's own key (危废考核 → 企业（…）) fits
