"""The GUI side of issue #14: 帮助 → 检查工作区 in the background, a read-only workspace
opened read-only with the reason shown, honest error dialogs, undo that keeps later work."""

import sqlite3

import pytest
from PySide6.QtWidgets import QMessageBox

from ui.main_window import MainWindow
from ycdesk.store import Store


def test_check_from_the_help_menu_lists_nothing_for_a_clean_workspace(main_window, qtbot):
    help_menu = [a for a in main_window.menuBar().actions() if "帮助" in a.text()][0].menu()
    assert main_window.check_action in help_menu.actions()
    main_window.check_action.trigger()
    dialog = main_window.check_dialog
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=30_000)
    assert dialog.report.ok and "检查通过" in dialog.summary.text()
    assert dialog.problems.count() == 0
    dialog.close()


def test_check_dialog_lists_a_tampered_history_row(main_window, seeded, qtbot):
    seq = seeded.scalar("SELECT seq FROM history ORDER BY seq LIMIT 1 OFFSET 20")
    with sqlite3.connect(seeded.path) as conn:
        conn.execute("UPDATE history SET at = '2020-01-01T00:00:00+08:00' WHERE seq = ?", (seq,))
        conn.execute("DROP TRIGGER history_audits_delete")
    main_window.check_workspace()
    dialog = main_window.check_dialog
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=30_000)
    items = [dialog.problems.item(i).text() for i in range(dialog.problems.count())]
    assert any(f"第 {seq} 条修改记录" in text for text in items)
    assert any("history_audits_delete" in text for text in items)
    assert "发现 2 个问题" in dialog.summary.text()
    dialog.close()


def test_readonly_workspace_opens_readonly_with_the_reason(qtbot, seeded, settings, tmp_path):
    seeded.close()
    store = Store(seeded.path, operator="测试员", readonly=True)
    window = MainWindow(store, settings)
    qtbot.addWidget(window)
    window.show()
    assert "只读" in window.windowTitle()
    assert "只读：以只读方式打开" in window.workspace_label.text()
    assert not window.import_action.isEnabled()
    assert not (tmp_path / "backups").exists()  # no scheduled backup written from a read-only start


def test_crash_dialog_does_not_claim_the_data_is_untouched(qtbot, monkeypatch):
    from ui import errors

    shown = []
    monkeypatch.setattr(QMessageBox, "open", lambda self: shown.append(self.text()))
    try:
        raise RuntimeError("示例故障")
    except RuntimeError as exc:
        errors.excepthook(type(exc), exc, exc.__traceback__)
    assert shown and "数据未受影响" not in shown[0] and "检查工作区" in shown[0]


def test_locked_workspace_error_is_a_message_not_a_crash(qtbot, monkeypatch):
    from ui import errors

    warned, crashed = [], []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: warned.append(text))
    monkeypatch.setattr(QMessageBox, "open", lambda self: crashed.append(self.text()))
    exc = sqlite3.OperationalError("database is locked")
    errors.excepthook(type(exc), exc, None)
    assert warned and "正被其他程序或窗口写入" in warned[0] and not crashed


@pytest.mark.parametrize("answer", [QMessageBox.No, QMessageBox.Yes])
def test_batches_dialog_asks_before_keeping_later_work(qtbot, tmp_path, monkeypatch, answer):
    from tests.test_undo import findings_csv
    from ui.dialogs.batches_dialog import BatchesDialog
    from ycdesk.imports import import_file
    from ycdesk.seed import load_plan

    store = Store(tmp_path / "w.ycdesk", operator="审核员")
    load_plan(store)
    import_file(store, "findings", findings_csv(tmp_path / "f.csv"))
    moved = store.scalar("SELECT id FROM findings WHERE description = '问题0'")
    store.findings.transition(moved, "整改中")
    asked, told = [], []
    monkeypatch.setattr(QMessageBox, "question", lambda parent, title, text, *a: asked.append(text) or answer)
    monkeypatch.setattr(QMessageBox, "information", lambda parent, title, text: told.append(text))
    dialog = BatchesDialog(store)
    qtbot.addWidget(dialog)
    dialog.table.setCurrentIndex(dialog.model.index(0, 0))
    dialog.undo_selected()
    assert asked and "问题“问题0”" in asked[0]
    if answer == QMessageBox.No:
        assert store.scalar("SELECT COUNT(*) FROM findings") == 6 and not dialog.changed
    else:
        qtbot.waitUntil(lambda: dialog.changed, timeout=30_000)  # the undo runs as an operation
        remaining = store.scalar("SELECT COUNT(*) FROM findings")
        assert remaining == 1 and store.get("findings", moved)["status"] == "整改中"
        assert dialog.changed and "保留了 3 条" in told[0]  # the finding, its audit, its enterprise
    store.close()
