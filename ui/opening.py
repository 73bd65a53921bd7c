"""What the window shows while a workspace is opened.

Opening checks the file (``quick_check``, about 10 ms per MB: 6 s for a million findings)
and upgrades a file from an older version once (a million findings: tens of seconds), on
the GUI thread, since the connection belongs to it. Without a word and the wait cursor
the painted but frozen window looks hung, and a hung-looking window gets killed.
"""

from __future__ import annotations

from contextlib import contextmanager


@contextmanager
def opening(window):
    """Around opening a workspace for ``window`` (None: nothing to show it in)."""
    if window is None:
        yield
        return
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    status = window.statusBar()
    text = window.tr("正在打开工作区：检查文件，旧版本的文件会升级一次（数据多时需要几十秒）…")
    status.showMessage(text)
    status.repaint()  # now: the opening holds the event loop until it is done
    QApplication.setOverrideCursor(Qt.WaitCursor)
    try:
        yield
    finally:
        QApplication.restoreOverrideCursor()
        if status.currentMessage() == text:
            status.clearMessage()
