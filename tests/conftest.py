"""Shared fixtures. Qt runs offscreen; settings and data folders are per-test temp dirs."""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path, monkeypatch):
    # Never touch the developer's real workspace, log or settings.
    monkeypatch.setenv("YCDESK_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))


@pytest.fixture
def store(tmp_path):
    from ycdesk.store import Store

    s = Store(tmp_path / "test.ycdesk", operator="测试员")
    yield s
    s.close()


@pytest.fixture(scope="session")
def _seeded_template(tmp_path_factory):
    """Build the sample workspace once per session; tests get a private copy."""
    from ycdesk.seed import init_workspace
    from ycdesk.store import Store

    path = tmp_path_factory.mktemp("template") / "seeded.ycdesk"
    with Store(path, operator="测试员") as s:
        init_workspace(s)
        s.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@pytest.fixture
def seeded(tmp_path, _seeded_template):
    import shutil

    from ycdesk.store import Store

    path = tmp_path / "seeded.ycdesk"
    shutil.copy(_seeded_template, path)
    s = Store(path, operator="测试员")
    yield s
    s.close()


@pytest.fixture
def settings(tmp_path):
    """Settings in a temp ini file, so tests never share remembered state."""
    from PySide6.QtCore import QSettings

    from ui.settings import Settings

    return Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.IniFormat))


@pytest.fixture
def main_window(qtbot, seeded, settings):
    from ui.main_window import MainWindow

    window = MainWindow(seeded, settings)
    qtbot.addWidget(window)
    window.show()
    return window
