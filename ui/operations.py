"""One way to run work off the UI thread (after Anki's CollectionOp/QueryOp and Orange's
TaskState).

An :class:`Operation` runs ``work(state)`` on the thread pool. The work never touches a
widget: it reports through ``state.progress(fraction, text)`` (or ``state.counter(done,
total)``, the core's progress-callback shape), and either call raises
:class:`ycdesk.errors.Cancelled` once :meth:`Operation.cancel` was asked, so core work stops
where its progress callback is called and leaves nothing half-written. Database work opens
its own Store on the workspace file (sqlite3 connections belong to their thread).

Results come back on the UI thread as signals: ``progressed(fraction, text)``,
``succeeded(result)``, ``failed(exc, traceback)`` (a cancel arrives as ``failed`` with a
``Cancelled``), then ``finished``. A write operation says which tables it changed
(``changes``: table names, or a function of the result); once it succeeds the nearest
window up its ``parent`` chain with a ``tables_changed`` method is told, and that window
refreshes only the tabs showing those tables. Closing the main window calls
:func:`cancel_all` and :func:`wait_all`. Starting one moves Python's cycle collector to the
UI thread (:mod:`ui.garbage`), so that garbage the UI left is never destroyed on a worker.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable, Iterable

# Qt is reached as QtCore.Qt where it is used: the Qt namespace's first use builds its
# hundreds of enums (~45 ms), which must not happen before the window's first paint.
from PySide6 import QtCore
from PySide6.QtCore import QCoreApplication, QEventLoop, QObject, QRunnable, QThreadPool, Signal

from ui.garbage import collect_on_ui_thread
from ycdesk.errors import Cancelled, UserError

_RUNNING: set[Operation] = set()  # alive until they report: a worker may still emit


class OperationState:
    """What the work function sees: progress reporting and the cancel flag."""

    def __init__(self, operation: Operation) -> None:
        self._operation = operation
        self.cancelled = False

    def check(self) -> None:
        if self.cancelled:
            raise Cancelled()

    def progress(self, fraction: float, text: str = "") -> None:
        self.check()
        self._operation._progress.emit(float(fraction), text)

    def counter(self, done: int, total: int) -> None:
        """The core's ``progress(done, total)`` callback shape."""
        self.progress(done / max(total, 1), f"{done}/{total}")


class _Runnable(QRunnable):
    def __init__(self, operation: Operation) -> None:
        super().__init__()
        self.operation = operation

    def run(self) -> None:
        op = self.operation
        try:
            result = op.work(op.state)
        except BaseException as exc:  # reported to the UI thread, which decides
            op._failed.emit(exc, traceback.format_exc())
            return
        op._done.emit(result)


class Operation(QObject):
    progressed = Signal(float, str)
    succeeded = Signal(object)
    failed = Signal(object, str)  # exception (Cancelled for a cancel), formatted traceback
    finished = Signal()

    # Emitted from the worker; connected to slots of this object, so delivered on the UI thread.
    _progress = Signal(float, str)
    _done = Signal(object)
    _failed = Signal(object, str)

    def __init__(self, work: Callable, parent=None, *, changes: Iterable[str] | Callable = ()) -> None:
        # Owned by the application, not by ``parent`` (whose deletion must not delete an object
        # a worker still emits on) nor by Python: a garbage collection that happens to run on
        # a worker thread must never delete a QObject of the UI thread. It is deleted on the UI
        # thread (deleteLater) once it has reported.
        super().__init__(QCoreApplication.instance())
        self.work, self.owner, self.changes = work, parent, changes
        self.state = OperationState(self)
        self.result = None
        self.error: BaseException | None = None
        self.done = False
        self._runnable = _Runnable(self)
        self._runnable.setAutoDelete(False)
        self._progress.connect(self.progressed, QtCore.Qt.QueuedConnection)
        self._done.connect(self._on_done, QtCore.Qt.QueuedConnection)
        self._failed.connect(self._on_failed, QtCore.Qt.QueuedConnection)

    # -- chained set-up -------------------------------------------------------------------

    def on_success(self, fn: Callable) -> Operation:
        self.succeeded.connect(fn)
        return self

    def on_failure(self, fn: Callable) -> Operation:
        """``fn(exc)`` for a failure or a cancel (``isinstance(exc, Cancelled)``)."""
        self.failed.connect(lambda exc, _tb: fn(exc))
        return self

    def on_progress(self, fn: Callable) -> Operation:
        self.progressed.connect(fn)
        return self

    def with_dialog(self, text: str, cancel_text: str | None = None) -> Operation:
        """A window-modal progress dialog over ``parent`` while it runs; with
        ``cancel_text`` it has a button that cancels the operation."""
        from PySide6.QtWidgets import QProgressDialog

        dialog = QProgressDialog(text, cancel_text, 0, 100 if cancel_text else 0, self.owner)
        dialog.setWindowModality(QtCore.Qt.WindowModal)
        dialog.setMinimumDuration(0)
        if cancel_text:
            dialog.canceled.connect(self.cancel)
            self.progressed.connect(lambda fraction, _text: dialog.setValue(int(fraction * 100)))
        self.finished.connect(dialog.reset)
        self.dialog = dialog
        dialog.show()
        return self

    # -- running --------------------------------------------------------------------------

    def start(self) -> Operation:
        collect_on_ui_thread()  # from now on no cycle collection runs on a worker, this one included
        _RUNNING.add(self)
        QThreadPool.globalInstance().start(self._runnable)
        return self

    def cancel(self) -> None:
        self.state.cancelled = True

    @property
    def cancelled(self) -> bool:
        return self.state.cancelled

    def _on_done(self, result) -> None:
        self.result, self.done = result, True
        _RUNNING.discard(self)
        tables = self.changes(result) if callable(self.changes) else self.changes
        if tables:
            notify_changed(self.owner, set(tables))
        self.succeeded.emit(result)
        self.finished.emit()
        self.deleteLater()

    def _on_failed(self, exc, tb) -> None:
        self.error, self.done = exc, True
        _RUNNING.discard(self)
        self.failed.emit(exc, tb)
        self.finished.emit()
        self.deleteLater()


def notify_changed(widget, tables: set[str]) -> None:
    """Tell the nearest window up ``widget``'s parent chain (the main window) that ``tables``
    changed, so that it refreshes the tabs showing them."""
    while widget is not None:
        if hasattr(widget, "tables_changed"):
            widget.tables_changed(set(tables))
            return
        widget = widget.parent()


def report_failure(parent, exc: BaseException) -> None:
    """The usual answer to a failure: a cancel is quiet, a UserError a message, anything
    else the program error it is (re-raised for the exception hook, which logs and shows it)."""
    if isinstance(exc, Cancelled):
        return
    from ui.errors import show_user_error

    if isinstance(exc, UserError):
        show_user_error(parent, exc)
        return
    raise exc


def running() -> list[Operation]:
    return list(_RUNNING)


def cancel_all() -> None:
    for operation in list(_RUNNING):
        operation.cancel()


def finish(operation: Operation | None, *, cancel: bool = True) -> None:
    """Ask ``operation`` to cancel (unless ``cancel`` is False) and block until it has
    reported — its success or failure handlers have run — with user input held back. For a
    dialog closed while its work runs: afterwards nothing of it is still writing."""
    if operation is None or operation not in _RUNNING:
        return
    if cancel:
        operation.cancel()
    loop = QEventLoop()
    operation.finished.connect(loop.quit)
    loop.exec(QEventLoop.ExcludeUserInputEvents)  # reports arrive on this (the UI) thread


def wait_all(msecs: int = 10_000) -> bool:
    """Block until every worker has returned (or ``msecs`` passed); their reports then
    arrive through the event loop."""
    return QThreadPool.globalInstance().waitForDone(msecs)
