"""One undo stack for the window (issue 18): 编辑 → 撤销/重做 from anywhere, naming the action,
with a status-bar message; refused (and nothing changed) when later work would be lost."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QMessageBox

from tests import test_ui_projects
from tests.test_ui_projects import fill_and_save, select_project
from tests.test_undo import findings_csv
from ui.tabs.indicators import tab as indicators_module
from ui.tabs.projects import tab as projects_module

tab = test_ui_projects.tab  # the 重大工程 tab at 2025, as its own tests use it


@pytest.fixture(autouse=True)
def warnings(monkeypatch):
    """Message boxes recorded instead of shown (a modal box would wait for a click)."""
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a: shown.append(text))
    monkeypatch.setattr(QMessageBox, "information", lambda parent, title, text, *a: shown.append(text))
    return shown


def live(store, project_id):
    return {r["id"]: r["amount_yuan"] for r in store.projects.investments(project_id)}


def ctrl(window, qtbot, key, modifiers=Qt.ControlModifier):
    """A key press that reaches the window the way a user's does: to the focused widget."""
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window and window.on_screen)  # as for a user
    target = QApplication.focusWidget() or window
    qtbot.keyClick(target, key, modifiers)


def test_issue_scenario_ctrl_z_restores_the_deletion_and_keeps_project_2s_entry(main_window, tab, qtbot, monkeypatch):
    p2 = select_project(tab, 2)
    monkeypatch.setattr(projects_module.InvestmentDialog, "exec", fill_and_save("2025Q4", "5"))
    tab.add_progress()
    after_add = live(tab.store, p2["id"])
    assert len(after_add) == len(tab.store.projects.investments(p2["id"]))
    p3 = select_project(tab, 3)
    before_delete = live(tab.store, p3["id"])
    assert before_delete, "project 3 has progress records in the sample"
    tab.progress_table.setCurrentIndex(tab.progress_model.index(0, 0))
    victim = tab.progress_model.record(0)
    from ui.dialogs.reason_dialog import ReasonDialog

    def give_reason(dialog):
        dialog.reason.setText("录错")
        dialog.ok_button.click()
        return dialog.result()

    monkeypatch.setattr(ReasonDialog, "exec", give_reason)
    tab.delete_progress()
    assert victim["id"] not in live(tab.store, p3["id"])
    assert main_window.undo_action.text().startswith("撤销 删除“")

    main_window.tabs.setFocus()  # focus outside the tab: the shortcut still works
    ctrl(main_window, qtbot, Qt.Key_Z)

    qtbot.waitUntil(lambda: live(tab.store, p3["id"]) == before_delete)
    assert live(tab.store, p2["id"]) == after_add  # project 2's entry is still there
    assert main_window.statusBar().currentMessage().startswith("已撤销：删除“")
    qtbot.waitUntil(lambda: tab.progress_model.rowCount() == len(before_delete))  # the tab shows it
    assert main_window.undo_action.text().startswith("撤销 填报“")
    assert main_window.redo_action.text().startswith("重做 删除“")

    ctrl(main_window, qtbot, Qt.Key_Y)
    qtbot.waitUntil(lambda: victim["id"] not in live(tab.store, p3["id"]))
    assert main_window.statusBar().currentMessage().startswith("已重做：删除“")


def test_undo_of_a_delete_on_indicators(main_window, qtbot, monkeypatch):
    main_window.tabs.setCurrentIndex(0)
    tab = main_window.indicators_tab
    ind = tab.store.indicators.by_code("FYP14-03")
    tab.table.setCurrentIndex(tab.model.index(tab.model.find(ind["id"]), 1))
    count = tab.obs_model.rowCount()
    assert count > 0
    tab.obs_table.setCurrentIndex(tab.obs_model.index(0, 0))
    record = tab.obs_model.record(0)
    monkeypatch.setattr(indicators_module.QMessageBox, "question", lambda *a, **k: QMessageBox.Yes)
    tab.delete_observation()
    qtbot.waitUntil(lambda: tab.obs_model.rowCount() == count - 1)
    assert main_window.undo_action.isEnabled()  # 删除 no longer clears the stack

    main_window.undo_action.trigger()

    qtbot.waitUntil(lambda: tab.obs_model.rowCount() == count)
    assert tab.store.get("observations", record["id"])["period"] == record["period"]
    assert "已撤销：删除" in main_window.statusBar().currentMessage()


def test_undo_refused_when_later_work_would_be_lost_nothing_changes(main_window, tab, qtbot, monkeypatch, warnings):
    p2 = select_project(tab, 2)
    monkeypatch.setattr(projects_module.InvestmentDialog, "exec", fill_and_save("2025Q4", "5"))
    tab.add_progress()
    added = next(i for i, amount in live(tab.store, p2["id"]).items() if amount == 50_000)
    # Later work on the same record, made outside the stack (another window, the CLI).
    tab.store.projects.update_investment(added, "2025Q4", 60_000)
    history = len(tab.store.history())

    main_window.undo_action.trigger()

    assert warnings and "无法撤销" in warnings[0] and "投资进展“2025Q4”" in warnings[0]
    assert tab.store.get("investments", added)["amount_yuan"] == 60_000
    assert len(tab.store.history()) == history
    assert main_window.undo_stack.canUndo()  # still there, still named
    assert main_window.statusBar().currentMessage().startswith("未撤销：")


def test_a_focused_text_field_keeps_its_own_ctrl_z(main_window, tab, qtbot, monkeypatch):
    select_project(tab, 2)
    monkeypatch.setattr(projects_module.InvestmentDialog, "exec", fill_and_save("2025Q4", "5"))
    tab.add_progress()
    depth = main_window.undo_stack.index()
    tab.search.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is tab.search)
    qtbot.keyClicks(tab.search, "ab")
    assert isinstance(QApplication.focusWidget(), QLineEdit)

    ctrl(main_window, qtbot, Qt.Key_Z)

    assert tab.search.text() == ""  # the field undid its typing
    assert main_window.undo_stack.index() == depth  # the data change was not undone


def test_ctrl_z_in_a_field_with_nothing_to_undo_undoes_the_window(main_window, tab, qtbot, monkeypatch):
    select_project(tab, 2)
    monkeypatch.setattr(projects_module.InvestmentDialog, "exec", fill_and_save("2025Q4", "5"))
    tab.add_progress()
    depth = main_window.undo_stack.index()
    tab.search.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is tab.search)
    assert tab.search.text() == "" and not tab.search.isUndoAvailable()

    ctrl(main_window, qtbot, Qt.Key_Z)  # the cursor in an empty search box

    assert main_window.undo_stack.index() == depth - 1
    assert QApplication.focusWidget() is tab.search


def test_switching_workspace_clears_the_stack(main_window, tab, qtbot, monkeypatch, tmp_path):
    from ycdesk.store import Store

    select_project(tab, 2)
    monkeypatch.setattr(projects_module.InvestmentDialog, "exec", fill_and_save("2025Q4", "5"))
    tab.add_progress()
    assert main_window.undo_stack.canUndo()
    main_window.set_store(Store(tmp_path / "other.ycdesk", operator="测试员"))
    assert not main_window.undo_stack.canUndo()
    assert main_window.undo_action.text() == "撤销(&U)" and not main_window.undo_action.isEnabled()


def test_edit_menu_names_the_actions(main_window, tab, monkeypatch):
    menus = [a.text() for a in main_window.menuBar().actions()]
    assert menus.index("编辑(&E)") == menus.index("文件(&F)") + 1
    assert main_window.undo_action.shortcut().toString() == "Ctrl+Z"
    assert [s.toString() for s in main_window.redo_action.shortcuts()] == ["Ctrl+Y", "Ctrl+Shift+Z"]
    select_project(tab, 2)
    monkeypatch.setattr(projects_module.InvestmentDialog, "exec", fill_and_save("2025Q4", "5"))
    tab.add_progress()
    assert main_window.undo_action.text().startswith("撤销 填报“")


def test_an_import_batch_is_undone_from_the_edit_menu(main_window, qtbot, tmp_path):
    from ui.undo import push_import
    from ycdesk.imports import batches, import_file

    store = main_window.store
    live = "SELECT COUNT(*) FROM findings WHERE description GLOB '问题[0-5]' AND deleted_at IS NULL"
    result = import_file(store, "findings", findings_csv(tmp_path / "f.csv"))
    push_import(main_window, result.batch_id, "导入 6 行（f.csv）")
    assert store.scalar(live) == 6
    assert main_window.undo_action.text() == "撤销 导入 6 行（f.csv）(&U)"

    main_window.undo_action.trigger()

    qtbot.waitUntil(lambda: main_window.statusBar().currentMessage() == "已撤销：导入 6 行（f.csv）", timeout=30_000)
    assert store.scalar(live) == 0
    assert [b["undone_at"] is not None for b in batches(store) if b["id"] == result.batch_id] == [True]
    assert not main_window.undo_stack.canRedo()  # an undone import is imported again, not redone


def test_an_import_undone_in_the_batch_list_leaves_the_stack_quietly(main_window, tmp_path, warnings):
    from ui.undo import push_import
    from ycdesk.imports import import_file, undo_batch

    store = main_window.store
    result = import_file(store, "findings", findings_csv(tmp_path / "f.csv"))
    push_import(main_window, result.batch_id, "导入 6 行（f.csv）")
    undo_batch(store, result.batch_id)

    main_window.undo_action.trigger()

    assert not warnings
    assert not main_window.undo_stack.canUndo()
    assert "已在导入批次中撤销" in main_window.statusBar().currentMessage()


def history_row(view, action):
    row = next(i for i, h in enumerate(view.model.records) if h["action"] == action)
    view.table.setCurrentIndex(view.model.index(row, 0))
    return view.model.records[row]


def test_restore_a_deleted_record_from_history(main_window, tab, qtbot, monkeypatch, qtmodeltester):
    p3 = select_project(tab, 3)
    before = live(tab.store, p3["id"])
    victim = tab.store.projects.investments(p3["id"])[0]
    tab.store.projects.delete_investment(victim["id"], "录错")  # e.g. deleted last week, off the stack
    tab.refresh()
    qtmodeltester.check(tab.history.model, force_py=True)
    deletion = history_row(tab.history, "soft_delete")
    assert deletion["action_label"] == "删除" and deletion["table_label"] == "投资进展"
    assert deletion["record"] == victim["period"]
    assert tab.history.restore_button.isEnabled()
    asked = []
    monkeypatch.setattr(
        "ui.history.QMessageBox.question", lambda parent, title, text: asked.append(text) or QMessageBox.Yes
    )

    tab.history.restore_button.click()

    assert "恢复已删除的投资进展" in asked[0]
    qtbot.waitUntil(lambda: live(tab.store, p3["id"]) == before)
    qtbot.waitUntil(lambda: tab.progress_model.rowCount() == len(before))
    assert main_window.undo_action.text().startswith("撤销 恢复投资进展“")
    assert main_window.statusBar().currentMessage().startswith("已恢复投资进展")
    main_window.undo_action.trigger()  # the restore is undoable like any change
    qtbot.waitUntil(lambda: victim["id"] not in live(tab.store, p3["id"]))


def test_restore_an_edit_from_history_shows_what_goes_back(main_window, qtbot, monkeypatch):
    main_window.tabs.setCurrentIndex(0)
    tab = main_window.indicators_tab
    ind = tab.store.indicators.by_code("FYP14-03")
    obs = tab.store.indicators.add_observation(ind["id"], "2025Q3", 93.6)
    tab.store.indicators.update_observation(obs, 94.1)
    tab.table.setCurrentIndex(tab.model.index(tab.model.find(ind["id"]), 1))
    edit = history_row(tab.history, "update")
    assert edit["when"][:2] == "20" and "T" not in edit["when"]  # a local time, not ISO
    assert "值：93.6 → 94.1" in edit["change"]
    assert "updated_at" not in edit["change"] and "operator" not in edit["change"]
    insert = history_row(tab.history, "insert")
    assert not tab.history.restore_button.isEnabled()  # nothing before a record's creation
    assert "期间：2025Q3" in insert["change"]
    history_row(tab.history, "update")
    asked = []
    monkeypatch.setattr(
        "ui.history.QMessageBox.question", lambda parent, title, text: asked.append(text) or QMessageBox.Yes
    )

    tab.history.restore_button.click()

    assert "值：94.1 → 93.6" in asked[0]
    qtbot.waitUntil(lambda: tab.store.get("observations", obs)["value"] == 93.6)


def test_a_lifecycle_move_is_undone_from_the_window(main_window, qtbot):
    main_window.tabs.setCurrentIndex(2)
    audits = main_window.audits_tab
    audits.status.setCurrentIndex(audits.status.findData("待整改"))
    qtbot.waitUntil(lambda: audits.model.rowCount() > 0)
    audits.table.setCurrentIndex(audits.model.index(0, 0))
    finding = audits.model.row(0)
    audits.editor.move_buttons["start"].click()
    qtbot.waitUntil(lambda: audits.store.findings.get(finding["id"])["status"] == "整改中")
    assert main_window.undo_action.text().startswith("撤销 问题“")

    main_window.undo_action.trigger()

    assert audits.store.findings.get(finding["id"])["status"] == "待整改"
    assert main_window.statusBar().currentMessage().endswith("改为整改中")


def test_run_change_without_a_main_window_just_runs(qtbot, seeded):
    from PySide6.QtWidgets import QWidget

    from ui.undo import run_change

    alone = QWidget()
    qtbot.addWidget(alone)
    p2 = seeded.scalar("SELECT id FROM projects WHERE seq = 2")
    added = run_change(alone, "填报", lambda: seeded.projects.add_investment(p2, "2025Q4", 1000))
    assert seeded.get("investments", added)["amount_yuan"] == 1000


def test_run_change_from_a_dialog_over_the_window_lands_on_its_stack(main_window, qtbot):
    from PySide6.QtWidgets import QDialog

    from ui.undo import run_change

    dialog = QDialog(main_window)  # e.g. an editing dialog of another tab
    qtbot.addWidget(dialog)
    store = main_window.store
    p2 = store.scalar("SELECT id FROM projects WHERE seq = 2")
    added = run_change(dialog, "填报测试", lambda: store.projects.add_investment(p2, "2025Q4", 1000))
    assert main_window.undo_action.text() == "撤销 填报测试(&U)"
    main_window.undo_action.trigger()
    assert added not in {r["id"] for r in store.projects.investments(p2)}
