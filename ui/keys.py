"""Shortcuts for actions made before the window's first paint."""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence


def with_keys(action: QAction, *keys) -> QAction:
    """``action`` with ``keys`` (standard keys or "Ctrl+I" texts) as its shortcuts.

    ``QAction.setShortcut`` (and the ``shortcut=`` keyword) resolves its overloads through
    ``Qt.Key``, and the Qt namespace's first use builds its hundreds of enums (~45 ms of
    start-up); ``setShortcuts`` with a list does not, and sets the same shortcut."""
    # A standard key the platform binds to nothing (Quit, offscreen) gives no shortcut.
    action.setShortcuts([sequence for sequence in map(QKeySequence, keys) if not sequence.isEmpty()])
    return action
