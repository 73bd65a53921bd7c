"""Python's cycle collector, run on the UI thread only (as pyqtgraph's GarbageCollector and
Anki's do).

The collector runs on whichever thread allocates past its threshold, and that is often an
operation's worker (``ui.operations``). What it frees is destroyed on that thread, and a
closed window leaves Qt objects that only a reference cycle still holds: a model made without
a parent, pyqtgraph's parentless ViewBoxMenu, a startup dialog and the operation that points
back at it. Destroying a QWidget off the UI thread races the UI thread's own widget
bookkeeping (the full suite aborted once, SIGABRT, while a restore ran in the background).
So automatic collection is switched off, and a timer on the UI thread collects with Python's
own thresholds: the oldest generation that is due, once the youngest is.
"""

from __future__ import annotations

import gc

import shiboken6
from PySide6.QtCore import QCoreApplication, QTimer

INTERVAL_MS = 500  # how long cyclic garbage may wait; reference counting frees the rest at once

_timer: QTimer | None = None


def collect_on_ui_thread() -> None:
    """Switch the collector to the UI thread. Call on the UI thread, with the application
    made, before any work runs on another thread (idempotent)."""
    global _timer
    if _timer is not None and shiboken6.isValid(_timer):  # (not deleted with an earlier application)
        return
    _timer = QTimer(QCoreApplication.instance())
    _timer.timeout.connect(collect_if_due)
    gc.disable()
    _timer.start(INTERVAL_MS)


def collect_if_due() -> int:
    """One collection, if the allocations since the last one call for it (as CPython decides,
    without its guard against rescanning a large old generation); returns what it found."""
    counts, thresholds = gc.get_count(), gc.get_threshold()
    if not thresholds[0] or counts[0] <= thresholds[0]:  # a threshold of 0 means: never
        return 0
    generation = next(g for g in (2, 1, 0) if g == 0 or counts[g] > thresholds[g])
    return gc.collect(generation)
