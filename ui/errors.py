"""Unexpected exceptions: logged with a traceback to the data folder, shown in a dialog."""

from __future__ import annotations

import logging
import sys
import traceback

from PySide6.QtWidgets import QApplication, QMessageBox

from ycdesk.errors import UserError
from ycdesk.paths import log_path

log = logging.getLogger("ycdesk")


class _RotatingLog(logging.Handler):
    """The rotating log file, opened at the first record. ``logging.handlers`` (with socket,
    pickle and queue) took 30 ms of a start-up that logs nothing before its first paint."""

    def __init__(self, path) -> None:
        super().__init__()
        self.path = path
        self.target = None

    def emit(self, record: logging.LogRecord) -> None:
        if self.target is None:
            from logging.handlers import RotatingFileHandler

            self.target = RotatingFileHandler(self.path, maxBytes=1_000_000, backupCount=3, encoding="utf-8")
            self.target.setFormatter(self.formatter)
        self.target.handle(record)

    def flush(self) -> None:
        if self.target is not None:
            self.target.flush()

    def close(self) -> None:
        if self.target is not None:
            self.target.close()
        super().close()


def setup_logging() -> None:
    handler = _RotatingLog(log_path())
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)


def show_user_error(parent, exc: UserError) -> None:
    QMessageBox.warning(parent, QApplication.translate("errors", "无法完成"), str(exc))


def excepthook(exc_type, exc, tb) -> None:
    from ycdesk.environment import environment_problem

    # A user-caused error, or the computer's (locked, disk full, read-only), that escaped
    # a handler still deserves a plain message rather than the crash dialog.
    problem = environment_problem(exc) if isinstance(exc, Exception) else None
    if problem is not None:
        show_user_error(QApplication.activeWindow(), problem)
        return
    text = "".join(traceback.format_exception(exc_type, exc, tb))
    log.error("未处理的异常\n%s", text)
    box = QMessageBox(QApplication.activeWindow())
    box.setIcon(QMessageBox.Critical)
    box.setWindowTitle(QApplication.translate("errors", "程序错误"))
    box.setText(
        # Not "数据未受影响": that is not known here. What is known: each write to the
        # workspace is one transaction, so nothing is left half-written.
        QApplication.translate(
            "errors",
            "程序出现了意外错误。工作区的每次写入都是完整的一步：出错的那一步要么已完成、要么完全没有写入，"
            "不会只写一半；可用 帮助 → 检查工作区 确认。详细信息已记录到：\n{0}",
        ).format(log_path())
    )
    box.setDetailedText(text)
    box.open()  # non-blocking: a hook must not spin a nested event loop


def install() -> None:
    setup_logging()
    sys.excepthook = excepthook
