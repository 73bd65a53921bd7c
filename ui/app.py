"""Start the application: Qt app, bundled font, exception hook, workspace, main window."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication, QMessageBox

from ui import errors
from ui.fonts import install_font
from ui.main_window import MainWindow
from ui.settings import APPLICATION, ORGANIZATION, Settings
from ycdesk.errors import UserError


def create_app(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName("ycdesk")
    install_font(app)
    _install_qt_translations(app)
    return app


def _install_qt_translations(app: QApplication) -> None:
    """Qt's own dialogs (wizard buttons, file and print dialogs) in Chinese."""
    from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator

    translator = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.TranslationsPath)
    if translator.load(QLocale(QLocale.Chinese, QLocale.China), "qtbase", "_", folder):
        app.installTranslator(translator)
        app._qt_translator = translator  # keep it alive as long as the app


def run(db: str | None = None, operator: str | None = None) -> int:
    app = create_app()
    errors.install()
    settings = Settings()
    # The window is painted first and the workspace opened (migrated, seeded on a first
    # start) right after: nothing but the window stands between a click and a window.
    window = MainWindow(None, settings)
    window.show()

    def open_it() -> None:
        from ycdesk.workspace import open_workspace

        try:
            # Without --db, reopen the workspace used last (if it is still there); the
            # first start builds the default one from the embedded sample data.
            last = settings.get("workspace/last")
            if last and not Path(last).exists():
                last = None
            store = open_workspace(db or last or None, operator or settings.get("operator") or None)
        except UserError as exc:
            QMessageBox.critical(window, "ycdesk", str(exc))
            app.exit(2)
            return
        window.set_store(store)

    window.when_painted(open_it)
    return app.exec()


def self_test_window(store, folder) -> list[str]:
    """For ``ycdesk --self-test``: the main window opens offscreen; returns its tab titles."""
    import os

    from PySide6.QtCore import QSettings

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = create_app()
    window = MainWindow(store, Settings(QSettings(str(folder / "settings.ini"), QSettings.IniFormat)))
    window.show()
    app.processEvents()
    tabs = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    window.close()
    return tabs
