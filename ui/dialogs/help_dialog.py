"""帮助 → 使用说明 (the guide shipped in resources/help, read offline) and 快捷键 (read
from the window's own actions, so the list is never out of date with the menus)."""

from __future__ import annotations

import re

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QMenu,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
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
    (with their path), then the window's and its tabs' own."""
    rows, seen = [], set()

    def walk(menu: QMenu, path: str) -> None:
        for action in menu.actions():
            if action.menu():
                walk(action.menu(), f"{path} → {plain(action.text())}")
            else:
                add(action, path)

    def add(action: QAction, where: str) -> None:
        keys = [k for k in action.shortcuts() if not k.isEmpty()]
        if not keys or id(action) in seen or not action.text():
            return
        seen.add(id(action))
        rows.append((plain(action.text()), "，".join(k.toString(QKeySequence.NativeText) for k in keys), where))

    for top in window.menuBar().actions():
        if top.menu():
            walk(top.menu(), plain(top.text()))
    for action in window.findChildren(QAction):
        add(action, window.tr("窗口") if action.parent() is window else window.tr("当前页面"))
    return rows


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
        self.resize(560, 480)
