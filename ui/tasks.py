"""Long work off the UI thread, in the manner of Orange3's concurrent helpers.

A task is a plain function ``fn(state)`` that calls ``state.progress(fraction, text)`` and
checks ``state.cancelled``; it never touches a widget. Database work opens its own Store
on the workspace file, since sqlite3 connections belong to the thread that made them.
Results and errors come back to the UI thread through signals.
"""

from __future__ import annotations

import traceback

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal


class TaskState:
    def __init__(self, signals: "TaskSignals") -> None:
        self._signals = signals
        self.cancelled = False

    def progress(self, fraction: float, text: str = "") -> None:
        self._signals.progress.emit(float(fraction), text)


class TaskSignals(QObject):
    progress = Signal(float, str)
    done = Signal(object)
    failed = Signal(object, str)  # exception, formatted traceback


class _Runnable(QRunnable):
    def __init__(self, fn, signals: TaskSignals, state: TaskState) -> None:
        super().__init__()
        self.fn, self.signals, self.state = fn, signals, state

    def run(self) -> None:
        try:
            result = self.fn(self.state)
        except BaseException as exc:  # reported to the UI thread, which decides
            self.signals.failed.emit(exc, traceback.format_exc())
            return
        self.signals.done.emit(result)


class Task:
    """Start with :meth:`start`; a new task on the same owner cancels the old one."""

    def __init__(self, fn) -> None:
        self.signals = TaskSignals()
        self.state = TaskState(self.signals)
        self._runnable = _Runnable(fn, self.signals, self.state)
        self._runnable.setAutoDelete(False)

    def start(self) -> "Task":
        QThreadPool.globalInstance().start(self._runnable)
        return self

    def cancel(self) -> None:
        self.state.cancelled = True
