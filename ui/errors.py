"""Unexpected exceptions: logged with a traceback to the data folder, shown in a dialog."""

from __future__ import annotations

import logging
import sys
import traceback
from logging.handlers import RotatingFileHandler

from PySide6.QtWidgets import QApplication, QMessageBox

from ycdesk.errors import UserError
from ycdesk.paths import log_path

log = logging.getLogger("ycdesk")


def setup_logging() -> None:
    handler = RotatingFileHandler(log_path(), maxBytes=1_000_000, backupCount=3, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)


def show_user_error(parent, exc: UserError) -> None:
    QMessageBox.warning(parent, QApplication.translate("errors", "无法完成"), str(exc))


def excepthook(exc_type, exc, tb) -> None:
    if issubclass(exc_type, UserError):
        # A user-caused error that escaped a handler still deserves a plain message.
        show_user_error(QApplication.activeWindow(), exc)
        return
    text = "".join(traceback.format_exception(exc_type, exc, tb))
    log.error("未处理的异常\n%s", text)
    box = QMessageBox(QApplication.activeWindow())
    box.setIcon(QMessageBox.Critical)
    box.setWindowTitle(QApplication.translate("errors", "程序错误"))
    box.setText(
        QApplication.translate("errors", "程序出现了意外错误，数据未受影响。详细信息已记录到：\n{0}").format(
            log_path()
        )
    )
    box.setDetailedText(text)
    box.open()  # non-blocking: a hook must not spin a nested event loop


def install() -> None:
    setup_logging()
    sys.excepthook = excepthook
