"""While a workspace is opened (checked, and upgraded once if it is from an older version:
tens of seconds for a million findings), the window says so and shows the wait cursor;
afterwards both are gone, also when the file is refused."""

import shutil

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

import ycdesk.workspace
from ui.app import open_at_start


def _watching(monkeypatch, window):
    seen = []
    real = ycdesk.workspace.open_workspace

    def watched(*args, **kwargs):
        cursor = QApplication.overrideCursor()
        seen.append((window.statusBar().currentMessage(), cursor.shape() if cursor else None))
        return real(*args, **kwargs)

    monkeypatch.setattr(ycdesk.workspace, "open_workspace", watched)
    return seen


def test_opening_another_workspace_says_so_until_it_is_open(main_window, monkeypatch, tmp_path, _seeded_template):
    other = tmp_path / "另一个.ycdesk"
    shutil.copy(_seeded_template, other)
    seen = _watching(monkeypatch, main_window)
    main_window._switch_to(str(other))
    assert len(seen) == 1 and "正在打开工作区" in seen[0][0] and seen[0][1] == Qt.WaitCursor
    assert main_window.store.path == other
    assert QApplication.overrideCursor() is None
    assert "正在打开工作区" not in main_window.statusBar().currentMessage()


def test_a_refused_file_leaves_no_wait_cursor(main_window, monkeypatch, tmp_path):
    broken = tmp_path / "坏的.ycdesk"
    broken.write_bytes(b"not a database at all" * 100)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.No)
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: QMessageBox.Ok)
    monkeypatch.setattr(QMessageBox, "critical", lambda *a, **k: QMessageBox.Ok)
    store = main_window.store
    main_window._switch_to(str(broken))
    assert main_window.store is store
    assert QApplication.overrideCursor() is None
    assert "正在打开工作区" not in main_window.statusBar().currentMessage()


def test_the_first_workspace_is_opened_with_the_message_too(
    main_window, monkeypatch, settings, _seeded_template, tmp_path
):
    path = tmp_path / "w.ycdesk"
    shutil.copy(_seeded_template, path)
    seen = _watching(monkeypatch, main_window)
    store = open_at_start(str(path), settings, window=main_window)
    try:
        assert seen and "正在打开工作区" in seen[0][0] and seen[0][1] == Qt.WaitCursor
        assert QApplication.overrideCursor() is None
    finally:
        store.close()
