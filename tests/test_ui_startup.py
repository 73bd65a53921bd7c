"""What stands between a click and the first window: nothing the window does not need.

Start-up is measured by ``tests/bench/run_all.py`` (never timed here); these tests keep
what makes it fast from quietly coming undone — a module-level import of what only a menu
needs, or a shortcut set in the way that builds the Qt namespace's enums before the first
paint — and check the shortcuts and the menus filled when opened still work."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtGui import QKeySequence

ROOT = Path(__file__).resolve().parents[1]

# Loaded when first used, after the first paint (or never, if the user never asks).
NOT_BEFORE_PAINT = (
    "ycdesk.workspace",
    "ycdesk.changes",
    "ycdesk.environment",
    "ycdesk.export.tables",
    "ycdesk.imports.kinds",
    "ui.first_steps",
    "ui.dialogs.exchange_dialog",
    "ui.dialogs.help_dialog",
)

PROBE = """
import sys
sys.path.insert(0, sys.argv[1])
from ui.app import create_app
from ui.main_window import MainWindow
from ui.settings import Settings
app = create_app()
window = MainWindow(None, Settings())
loaded = [name for name in sys.argv[2:] if name in sys.modules]
print("LOADED", *loaded)
"""


def test_building_the_main_window_loads_nothing_only_a_menu_needs(tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "YCDESK_HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path)}
    out = subprocess.run(
        [sys.executable, "-c", PROBE, str(ROOT), *NOT_BEFORE_PAINT],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    line = next(line for line in out.stdout.splitlines() if line.startswith("LOADED"))
    assert line.split()[1:] == []


def test_the_window_shortcuts_are_set(main_window):
    def keys(action):
        return [k.toString(QKeySequence.PortableText) for k in action.shortcuts()]

    assert keys(main_window.new_action) == ["Ctrl+N"]
    assert keys(main_window.open_action) == ["Ctrl+O"]
    # Quit is the platform's (Ctrl+Q on X11 and Windows; nothing on the offscreen platform)
    quit_keys = QKeySequence(QKeySequence.Quit).toString(QKeySequence.PortableText)
    assert keys(main_window.quit_action) == ([quit_keys] if quit_keys else [])
    assert keys(main_window.import_action) == ["Ctrl+I"]
    assert keys(main_window.guide_action) == ["F1"]
    assert keys(main_window.undo_action) == ["Ctrl+Z"]
    assert keys(main_window.redo_action) == ["Ctrl+Y", "Ctrl+Shift+Z"]


def test_menus_filled_when_opened(main_window):
    from ycdesk.export.tables import TABLES
    from ycdesk.imports.kinds import IMPORT_KINDS

    main_window.export_menu.aboutToShow.emit()
    texts = [a.text() for a in main_window.export_menu.actions() if a.text()]
    assert texts[0] == main_window.export_view_action.text()
    assert len(texts) == 1 + len(TABLES)
    main_window.templates_menu.aboutToShow.emit()
    assert len(main_window.templates_menu.actions()) == len(IMPORT_KINDS)
    main_window.export_menu.aboutToShow.emit()  # opened again: rebuilt, not doubled
    assert len([a for a in main_window.export_menu.actions() if a.text()]) == 1 + len(TABLES)
