"""Start the application: Qt app, bundled font, exception hook, workspace, main window."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication

from ui import errors
from ui.fonts import install_font
from ui.garbage import collect_on_ui_thread
from ui.main_window import MainWindow
from ui.settings import APPLICATION, ORGANIZATION, Settings
from ycdesk.errors import UserError
from ycdesk.paths import default_workspace


def create_app(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    collect_on_ui_thread()  # before any thread: cyclic garbage holding Qt objects dies on this one
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


def open_at_start(db: str | None, settings: Settings, operator: str | None = None, window=None):
    """The workspace to start on, or None if the user chose to quit. Without --db, the one
    used last (if it is still there); the very first start asks who is working and whether
    to begin on demo data (:mod:`ui.dialogs.first_run`), then builds the default one. A file that cannot be opened never ends the app: the user is shown
    why and offered a restore, another workspace or a new one. ``window``: where to say
    that it is being opened (see ui.opening)."""
    from ui.dialogs.recovery import StartupProblemDialog
    from ycdesk.workspace import WorkspaceProblem, open_workspace

    operator = operator or settings.get("operator") or None
    last = settings.get("workspace/last")
    if last and not Path(last).exists():
        last = None
    target = db or last or None
    try:
        if target is None and not default_workspace().exists():
            return first_start_at(settings)
        from ui.opening import opening

        with opening(window):  # the message and wait cursor, not over the dialogs around
            return open_workspace(target, operator)
    except WorkspaceProblem as exc:
        dialog = StartupProblemDialog(exc, operator)
        dialog.exec()
        return dialog.store  # None when the user chose to quit
    except UserError as exc:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.critical(None, "ycdesk", str(exc))
        return None
    except Exception as exc:
        # Locked, a read-only folder it cannot even read: a message, not a crash.
        from ycdesk.environment import environment_problem

        problem = environment_problem(exc)
        if problem is None:
            raise
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.critical(None, "ycdesk", str(problem))
        return None


def first_start_at(settings: Settings):
    """No workspace yet: the first-run dialog asks operator, unit and demo or blank, then
    creates the default workspace (None: the user quit, nothing was created)."""
    from ui.dialogs.first_run import first_start

    return first_start(settings)


def run(db: str | None = None, operator: str | None = None) -> int:
    app = create_app()
    errors.install()
    settings = Settings()
    # The window is painted first and the workspace opened (migrated, seeded on a first
    # start, or the recovery choices for a file that cannot be opened) right after: nothing
    # but the window stands between a click and a window.
    window = MainWindow(None, settings)
    window.show()

    def open_it() -> None:
        store = open_at_start(db, settings, operator, window)
        if store is None:
            app.exit(2)
            return
        window.set_store(store)

    window.when_painted(open_it)
    return app.exec()
