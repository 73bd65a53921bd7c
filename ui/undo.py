"""One undo stack for the whole window, built on the core's changes (:mod:`ycdesk.changes`).

Every write made from the UI goes through :func:`run_change`: the core write runs, and
the span of history it wrote becomes a command on the window's stack. Undo and redo put
the records back from history, comparing values first, so an undo never removes later
work (it is refused with the reason, nothing changed) and the order of tabs or focus
does not matter. 编辑 → 撤销/重做 (Ctrl+Z, Ctrl+Y / Ctrl+Shift+Z) work from anywhere in
the window; a text field with focus keeps its own Ctrl+Z (its shortcut override wins
over a window shortcut, as in every Qt application).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QObject
from PySide6.QtGui import QAction, QKeySequence, QUndoCommand, QUndoStack
from PySide6.QtWidgets import QApplication, QLineEdit, QMessageBox

from ui.keys import with_keys
from ycdesk.errors import UserError

if TYPE_CHECKING:
    from ycdesk import changes


def _changes():
    # ycdesk.changes (and json with it) loads with the first edit, not before the first paint.
    from ycdesk import changes

    return changes


def tr(text: str) -> str:
    return QCoreApplication.translate("undo", text)


def window_of(widget):
    """The main window (the one with ``undo_stack``) a widget, or a dialog over it, belongs to."""
    while widget is not None:
        top = widget.window()
        if getattr(top, "undo_stack", None) is not None:
            return top
        widget = top.parentWidget()
    return None


def run_change(widget, label: str, fn: Callable[[], Any]) -> Any:
    """Run ``fn`` (a core write) and put it on the window's undo stack as ``label``.

    ``fn`` is the short core write itself: call run_change from a dialog's save, not
    around ``dialog.exec()``. It runs inside one transaction holding the write lock, so no
    other connection's work can fall inside the change (see ``ycdesk.changes.record``).
    Returns what ``fn`` returns; a UserError from ``fn`` propagates (nothing was written,
    nothing is pushed). With no main window (a tab tested alone) ``fn`` just runs."""
    window = window_of(widget)
    if window is None or window.store is None:
        return fn()
    result, span = _changes().record(window.store, fn)
    if span is not None:
        window.undo_stack.push(ChangeCommand(window, label, span))
        # Said where undo and redo are said: a save that closes its dialog otherwise
        # leaves no sign that it happened.
        window.statusBar().showMessage(tr("已完成：{0}（可用 Ctrl+Z 撤销）").format(label), 8000)
    return result


def push_import(widget, batch_id: str, label: str) -> None:
    """An import batch on the undo stack (``label`` like "导入 120 行（文件.xlsx）"); its
    undo is the import's safe undo (:mod:`ycdesk.imports.undo`)."""
    window = window_of(widget)
    if window is not None:
        window.undo_stack.push(ImportCommand(window, label, batch_id))


class ChangeCommand(QUndoCommand):
    """One core change. The first redo is the write itself, already done by run_change."""

    def __init__(self, window, label: str, span: changes.Span) -> None:
        super().__init__(label)
        self.window, self.span, self.done = window, span, True
        # Set by the module's undo()/redo(), which write before the stack moves: if the
        # write fails (refused, workspace locked) the stack's index stays where the data is.
        self.written = False

    def check_undo(self) -> None:
        _changes().check_undo(self.window.store, self.span)

    def check_redo(self) -> None:
        _changes().check_redo(self.window.store, self.span)

    def write_undo(self) -> None:
        _changes().undo_change(self.window.store, self.span)
        self.written = True

    def write_redo(self) -> None:
        _changes().redo_change(self.window.store, self.span)
        self.written = True

    def undo(self) -> None:
        _apply(self, _changes().undo_change, tr("已撤销：{0}"))

    def redo(self) -> None:
        if self.done:
            self.done = False
            return
        _apply(self, _changes().redo_change, tr("已重做：{0}"))


class ImportCommand(QUndoCommand):
    """An import batch. Undone with the import's own undo (refused if later work would be
    lost), off the UI thread as the batch list does; it cannot be redone — the file can be
    imported again — so it leaves the stack."""

    def __init__(self, window, label: str, batch_id: str) -> None:
        super().__init__(label)
        self.window, self.batch_id, self.done = window, batch_id, True

    def check_undo(self) -> None:
        from ycdesk.imports import UndoBlocked, plan_undo

        if self.undone_elsewhere():
            return  # undo() just takes it off the stack
        plan = plan_undo(self.window.store, self.batch_id)
        if plan.kept:
            raise UndoBlocked(plan.kept)

    def check_redo(self) -> None:
        raise UserError(tr("导入撤销后不能重做，请重新导入文件"))

    def undone_elsewhere(self) -> bool:
        """Undone already (文件 → 导入批次): nothing left to undo here."""
        from ycdesk.imports import batches

        return any(b["id"] == self.batch_id and b["undone_at"] for b in batches(self.window.store))

    def undo(self) -> None:
        from ui.operations import Operation, report_failure
        from ycdesk.imports import plan_undo

        self.setObsolete(True)
        window, label = self.window, self.text()
        if self.undone_elsewhere():
            window.statusBar().showMessage(tr("“{0}”已在导入批次中撤销").format(label), 10_000)
            return
        plan = plan_undo(window.store, self.batch_id)
        window.statusBar().showMessage(tr("正在撤销：{0}…").format(label))
        operation = Operation(
            batch_undo_work(window.store, plan, False), window, changes={c["table_name"] for c in plan.changes}
        )
        operation.on_success(lambda _count: window.statusBar().showMessage(tr("已撤销：{0}").format(label), 10_000))
        operation.on_failure(
            lambda exc: _refused(window, exc) if isinstance(exc, UserError) else report_failure(window, exc)
        )
        operation.start()

    def redo(self) -> None:
        self.done = False


def batch_undo_work(store, plan, keep: bool):
    """An import batch's undo as an operation's work, on its own Store (it backs the
    workspace up first: seconds on a large one)."""
    from ycdesk.imports import apply_undo

    path, operator = str(store.path), store.operator

    def work(state):
        from ycdesk.store import Store

        with Store(path, operator=operator) as own:
            return apply_undo(own, plan, keep_changed=keep)

    return work


def _apply(command, action, message: str) -> None:
    window = command.window
    if command.written:  # the write was made (and succeeded) before the stack moved
        command.written = False
    else:  # the stack moved without undo()/redo() below (QUndoStack driven directly)
        try:
            action(window.store, getattr(command, "span", None))
        except Exception as exc:
            problem = _user_problem(exc)
            command.setObsolete(True)  # the stack moved: drop the step rather than misstate it
            _refused(window, problem)
            return
    window.statusBar().showMessage(message.format(command.text()), 10_000)
    refresh = getattr(window, "refresh_tabs", None)
    if refresh is not None:
        refresh()


def _user_problem(exc: Exception) -> UserError:
    """A refusal, or the computer's problem (workspace locked by another writer, disk full)
    as its Chinese message; anything else is a bug and propagates."""
    from ycdesk.environment import environment_problem

    problem = environment_problem(exc)
    if problem is None:
        raise exc
    return problem


def _refused(window, exc: UserError) -> None:
    window.statusBar().showMessage(tr("未撤销：{0}").format(str(exc).splitlines()[0]), 10_000)
    QMessageBox.warning(window, tr("无法撤销"), str(exc))


def undo(window) -> None:
    """编辑 → 撤销: checked first, so a refusal leaves the stack and the data as they were."""
    stack = window.undo_stack
    if not stack.canUndo():
        return
    try:  # a change is written here; the stack moves only once it succeeded
        command = stack.command(stack.index() - 1)
        command.check_undo()
        if hasattr(command, "write_undo"):
            command.write_undo()
    except Exception as exc:
        _refused(window, _user_problem(exc))
        return
    stack.undo()


def redo(window) -> None:
    stack = window.undo_stack
    if not stack.canRedo():
        return
    try:
        command = stack.command(stack.index())
        command.check_redo()
        if hasattr(command, "write_redo"):
            command.write_redo()
    except Exception as exc:
        exc = _user_problem(exc)
        window.statusBar().showMessage(tr("未重做：{0}").format(str(exc).splitlines()[0]), 10_000)
        QMessageBox.warning(window, tr("无法重做"), str(exc))
        return
    stack.redo()


def install_edit_menu(window) -> QUndoStack:
    """The window's stack and its 编辑 menu: 撤销/重做 naming the action."""
    stack = QUndoStack(window)
    window.undo_stack = stack
    menu = window.menuBar().addMenu(tr("编辑(&E)"))
    window.undo_action = with_keys(QAction(tr("撤销(&U)"), window), QKeySequence.Undo)
    window.redo_action = with_keys(QAction(tr("重做(&R)"), window), "Ctrl+Y", "Ctrl+Shift+Z")
    window.undo_action.triggered.connect(lambda: undo(window))
    window.redo_action.triggered.connect(lambda: redo(window))
    for action in (window.undo_action, window.redo_action):
        # Window-wide (QAction's default context, Qt.WindowShortcut), not tied to the focused
        # tab; a focused text field still takes its own Ctrl+Z.
        menu.addAction(action)
        window.addAction(action)

    def update(*_args) -> None:
        if not shiboken6.isValid(stack):  # the window is being destroyed
            return
        window.undo_action.setEnabled(stack.canUndo())
        window.redo_action.setEnabled(stack.canRedo())
        window.undo_action.setText(tr("撤销 {0}(&U)").format(stack.undoText()) if stack.canUndo() else tr("撤销(&U)"))
        window.redo_action.setText(tr("重做 {0}(&R)").format(stack.redoText()) if stack.canRedo() else tr("重做(&R)"))

    for signal in (
        stack.indexChanged,
        stack.canUndoChanged,
        stack.canRedoChanged,
        stack.undoTextChanged,
        stack.redoTextChanged,
    ):
        signal.connect(update)
    update()
    window.edit_menu = menu
    window._empty_field_undo = _EmptyFieldUndo(window)
    # Installed once the window is on screen: an application-wide filter sees every event,
    # and each new kind of event it is handed builds that event class's Python type (with
    # the Qt namespace's enums, ~45 ms) — work that must not come before the first paint.
    window.when_painted(lambda: QApplication.instance().installEventFilter(window._empty_field_undo))
    return stack


class _EmptyFieldUndo(QObject):
    """Ctrl+Z in a text field with nothing of its own to undo (an empty search box) goes to
    the window's 撤销. Qt's line edit claims the undo keys whenever it has focus, so
    without this the window's undo seemed dead while the cursor sat in a search box; a
    field with typing to undo still undoes that first, as a user expects."""

    def eventFilter(self, obj, event) -> bool:
        if event.type() != QEvent.ShortcutOverride or not isinstance(obj, QLineEdit):
            return False
        if obj.window() is not self.parent():
            return False
        if event.matches(QKeySequence.Undo) and not obj.isUndoAvailable():
            return True  # not accepted by the field: the window's shortcut runs
        redo = event.matches(QKeySequence.Redo) or event.keyCombination() == QKeySequence("Ctrl+Y")[0]
        return bool(redo and not obj.isRedoAvailable())
