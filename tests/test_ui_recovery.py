"""文件 → 从备份恢复, and starting on a workspace that cannot be opened (issue #14)."""

import hashlib
import shutil

from PySide6.QtWidgets import QFileDialog, QMessageBox

from ui.app import open_at_start
from ui.dialogs.recovery import RestoreDialog, StartupProblemDialog
from ycdesk.store import Store


def test_restore_from_the_menu_runs_in_the_background_and_reopens(main_window, qtbot, monkeypatch):
    window = main_window
    before = window.store
    # The daily backup is taken once the window has first been painted.
    qtbot.waitUntil(lambda: getattr(window, "_backed_up", None) is before, timeout=30_000)
    tid = before.townships.id_for("北海街道")
    before.backup(reason="manual")
    before.update("townships", tid, {"name": "改名街道"})
    offered = []

    def choose_newest(dialog):
        offered.append([dialog.table.item(r, 1).text() for r in range(dialog.table.rowCount())])
        dialog.table.selectRow(0)
        dialog.confirm()
        return dialog.result()

    monkeypatch.setattr(RestoreDialog, "exec", choose_newest)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.Yes)
    window.restore_action.trigger()
    qtbot.waitUntil(lambda: getattr(window, "restore_finished", None) is not None, timeout=30_000)
    assert offered == [["手动备份", "每日自动备份"]]  # newest first; the daily one came when the window opened
    assert window.store is not before
    names = window.store.townships.names()
    assert "北海街道" in names and "改名街道" not in names
    kept = [b for b in window.store.backups() if b.reason == "before-restore"]
    assert len(kept) == 1 and str(kept[0].path) in window.statusBar().currentMessage()


def test_restore_is_not_started_without_confirmation(main_window, monkeypatch):
    window = main_window
    window.store.backup(reason="manual")

    def decline(dialog):
        dialog.confirm()
        return dialog.result()

    monkeypatch.setattr(RestoreDialog, "exec", decline)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.No)
    store = window.store
    window.restore_from_backup()
    assert window.store is store and store.scalar("SELECT 1") == 1  # still open, nothing restored


def _damaged_with_backup(tmp_path, template):
    path = tmp_path / "w.ycdesk"
    shutil.copy(template, path)
    with Store(path) as store:
        store.backup(reason="manual")
        names = store.townships.names()
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path, names


def test_starting_on_a_damaged_workspace_offers_the_newest_backup(
    qtbot, tmp_path, _seeded_template, settings, monkeypatch
):
    path, names = _damaged_with_backup(tmp_path, _seeded_template)
    shown = []

    def restore_newest(dialog):
        shown.append(dialog.reason.text())
        assert dialog.restore_button.isEnabled()
        dialog.restore_button.click()
        qtbot.waitUntil(lambda: dialog.store is not None, timeout=30_000)
        return dialog.result()

    monkeypatch.setattr(StartupProblemDialog, "exec", restore_newest)
    store = open_at_start(str(path), settings)
    try:
        assert "不完整" in shown[0] and "最近的完好备份" in shown[0]
        assert store.path == path and store.townships.names() == names
    finally:
        store.close()


def test_starting_on_an_empty_file_offers_another_workspace(qtbot, tmp_path, _seeded_template, settings, monkeypatch):
    empty = tmp_path / "empty.ycdesk"
    empty.write_bytes(b"")
    foreign = tmp_path / "other.db"
    import sqlite3

    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE notes (body TEXT)")
    conn.commit()
    conn.close()
    good = tmp_path / "good.ycdesk"
    shutil.copy(_seeded_template, good)
    picks = [str(foreign), str(good)]
    reasons = []

    def open_others(dialog):
        reasons.append((dialog.reason.text(), dialog.restore_button.isEnabled()))
        monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (picks.pop(0), ""))
        dialog.open_button.click()
        reasons.append((dialog.reason.text(), dialog.restore_button.isEnabled()))
        dialog.open_button.click()
        return dialog.result()

    monkeypatch.setattr(StartupProblemDialog, "exec", open_others)
    store = open_at_start(str(empty), settings)
    try:
        assert "0 字节" in reasons[0][0] and not reasons[0][1]
        assert "其他程序的 SQLite 数据库" in reasons[1][0]
        assert store.path == good
    finally:
        store.close()
    assert empty.read_bytes() == b""


def test_starting_on_a_foreign_file_and_quitting_changes_nothing(qtbot, tmp_path, settings, monkeypatch):
    import sqlite3

    foreign = tmp_path / "other.ycdesk"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE notes (body TEXT)")
    conn.commit()
    conn.close()
    before = hashlib.sha256(foreign.read_bytes()).hexdigest()
    monkeypatch.setattr(StartupProblemDialog, "exec", lambda dialog: dialog.reject())
    assert open_at_start(str(foreign), settings) is None
    assert hashlib.sha256(foreign.read_bytes()).hexdigest() == before


def test_a_new_workspace_can_be_made_from_the_startup_dialog(qtbot, tmp_path, settings, monkeypatch):
    empty = tmp_path / "empty.ycdesk"
    empty.write_bytes(b"")
    target = tmp_path / "新工作区.ycdesk"

    def make_new(dialog):
        monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
        dialog.new_button.click()
        qtbot.waitUntil(lambda: dialog.store is not None, timeout=60_000)
        return dialog.result()

    monkeypatch.setattr(StartupProblemDialog, "exec", make_new)
    store = open_at_start(str(empty), settings)
    try:
        assert store.path == target and store.workspace_id
        assert store.scalar("SELECT COUNT(*) FROM projects") == 29
    finally:
        store.close()


def test_the_very_first_start_opens_the_embedded_default(qtbot, tmp_path, settings):
    from test_ui_first_run import answer_first_run

    from ycdesk.paths import default_workspace

    assert not default_workspace().exists()
    answer_first_run("测试员", "越城分局")  # the first-run dialog asks before anything is created
    store = open_at_start(None, settings)
    try:
        assert store.path == default_workspace() and store.scalar("SELECT COUNT(*) FROM projects") == 29
    finally:
        store.close()


def test_opening_a_damaged_workspace_from_the_menu_offers_its_backup(
    main_window, qtbot, tmp_path, _seeded_template, monkeypatch
):
    (tmp_path / "other").mkdir()
    path, names = _damaged_with_backup(tmp_path / "other", _seeded_template)
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda parent, title, text: asked.append(text) or QMessageBox.Yes)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    main_window.open_workspace()
    qtbot.waitUntil(lambda: getattr(main_window, "restore_finished", None) is not None, timeout=30_000)
    assert "不完整" in asked[0] and "最近的完好备份" in asked[0]
    assert main_window.store.path == path and main_window.store.townships.names() == names


def test_backup_and_new_workspace_from_the_menu_run_in_the_background(main_window, qtbot, tmp_path, monkeypatch):
    window = main_window
    window.backup_action.trigger()
    qtbot.waitUntil(lambda: getattr(window, "backup_finished", None) is not None, timeout=30_000)
    assert window.backup_finished.ok and window.backup_finished.path in [b.path for b in window.store.backups()]
    target = tmp_path / "新建.ycdesk"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    window.new_action.trigger()
    qtbot.waitUntil(lambda: window.store.path == target, timeout=60_000)
    assert window.store.workspace_id and window.store.scalar("SELECT COUNT(*) FROM projects") == 29
