"""Undo/redo for a tab: Ctrl+Z / Ctrl+Shift+Z act on that tab's own stack only."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QAction, QKeySequence, QUndoStack


def install_undo(widget, stack: QUndoStack) -> tuple[QAction, QAction]:
    undo = stack.createUndoAction(widget, QCoreApplication.translate("undo", "撤销"))
    redo = stack.createRedoAction(widget, QCoreApplication.translate("undo", "重做"))
    undo.setShortcut(QKeySequence.Undo)
    redo.setShortcut(QKeySequence.Redo)
    for action in (undo, redo):
        # Each tab keeps its own stack: the shortcut works while focus is inside the tab.
        action.setShortcutContext(Qt.WidgetWithChildrenShortcut)
        widget.addAction(action)
    return undo, redo
