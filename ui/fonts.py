"""Register the bundled CJK font so Chinese renders on machines without Chinese fonts."""

from __future__ import annotations

import logging

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from ycdesk.paths import font_path

log = logging.getLogger(__name__)


def install_font(app: QApplication) -> str | None:
    font_id = QFontDatabase.addApplicationFont(str(font_path()))
    if font_id < 0:
        log.error("bundled font could not be loaded: %s", font_path())
        return None
    family = QFontDatabase.applicationFontFamilies(font_id)[0]
    font = QFont(family)
    font.setPointSize(max(app.font().pointSize(), 10))
    app.setFont(font)
    return family
