"""Regression: PySide6 6.12.0's processEvents() decremented None's refcount on each call
(Python 3.11), so a long session — or a test run full of qtbot.waitUntil — aborted at exit
with "none_dealloc". pyproject.toml keeps that release out; this test notices if it returns."""

import sys

from PySide6.QtWidgets import QApplication


def test_process_events_keeps_reference_counts(qapp):
    before = sys.getrefcount(None)
    for _ in range(200):
        QApplication.processEvents()
    # Other code may take or drop a few references meanwhile; a leak of one per call would not hide.
    assert sys.getrefcount(None) > before - 50
