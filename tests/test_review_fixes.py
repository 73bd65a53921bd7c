"""Regressions for defects a review found in main (stale plans, lost updates, REAL rounding,
and UI state left behind); each test failed before its fix."""

from __future__ import annotations

import openpyxl
import pytest

from ycdesk import changes
from ycdesk.errors import UserError
from ycdesk.store import Store


def percent_indicator(store):
    return next(i for i in store.indicators.list() if i.get("unit") == "%")


def import_one_observation(store, tmp_path, value, period="2021Q1"):
    from ycdesk.imports import import_file

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["指标名称", "期间", "值", "范围"])
    ws.append([percent_indicator(store)["name"], period, value, "全区"])
    path = tmp_path / "obs.xlsx"
    wb.save(path)
    result = import_file(store, "observations", str(path))
    oid = store.scalar(
        "SELECT id FROM observations WHERE period = ? AND scope = '全区' AND deleted_at IS NULL", (period,)
    )
    return result.batch_id, oid


# 1. An import's undo planned on the UI thread, applied after the backup: re-planned under the lock.


@pytest.mark.parametrize("keep_changed", [False, True])
def test_import_undo_with_a_stale_plan_keeps_an_edit_made_meanwhile(seeded, tmp_path, keep_changed):
    from ycdesk.imports import apply_undo, plan_undo

    batch_id, oid = import_one_observation(seeded, tmp_path, 80)
    plan = plan_undo(seeded, batch_id)  # confirmed by the user: nothing to keep
    assert not plan.kept
    # While the worker backs the workspace up, the user corrects the value in the 指标 tab.
    changes.record(seeded, lambda: seeded.indicators.update_observation(oid, "85", note="核实后更正"))
    with Store(seeded.path, operator="测试员") as own, pytest.raises(UserError):
        apply_undo(own, plan, keep_changed=keep_changed)
    assert seeded.get("observations", oid)["value"] == 85
    assert seeded.get("observations", oid)["deleted_at"] is None
    assert plan_undo(seeded, batch_id).batch["undone_at"] is None  # the batch is not marked undone


def test_import_undo_foreign_key_failure_is_a_chinese_user_error(seeded, tmp_path, monkeypatch):
    import sqlite3

    from ycdesk.imports import apply_undo, plan_undo
    from ycdesk.imports import undo as import_undo

    batch_id, oid = import_one_observation(seeded, tmp_path, 80)
    plan = plan_undo(seeded, batch_id)

    def fail(*_args):
        raise sqlite3.IntegrityError("FOREIGN KEY constraint failed")

    monkeypatch.setattr(import_undo, "_write_undo", fail)
    with pytest.raises(UserError, match="无法撤销该批次"):
        apply_undo(seeded, plan)
    assert seeded.get("observations", oid) is not None


# 2. Undo/redo/restore check under the write lock: another connection's write just before
# the lock is taken is seen, not overwritten.


def _other_writes_before_the_lock(store, monkeypatch, oid, values):
    original = store.begin

    def begin():
        other = Store(store.path, operator="镇街报送")
        with other.transaction():
            other.update("observations", oid, values)
        other.close()
        monkeypatch.setattr(store, "begin", original)
        return original()

    monkeypatch.setattr(store, "begin", begin)


def test_undo_does_not_overwrite_a_write_that_landed_before_its_lock(seeded, monkeypatch):
    obs = seeded.indicators.observations(percent_indicator(seeded)["id"])[0]
    _r, span = changes.record(seeded, lambda: seeded.indicators.update_observation(obs["id"], "50"))
    _other_writes_before_the_lock(seeded, monkeypatch, obs["id"], {"value": 60.0, "note": "镇街报送更正"})
    with pytest.raises(UserError, match="之后又被改动过"):
        changes.undo_change(seeded, span)
    now = seeded.get("observations", obs["id"])
    assert (now["value"], now["note"]) == (60.0, "镇街报送更正")


def test_restore_does_not_overwrite_a_write_that_landed_before_its_lock(seeded, monkeypatch):
    obs = seeded.indicators.observations(percent_indicator(seeded)["id"])[0]
    changes.record(seeded, lambda: seeded.indicators.update_observation(obs["id"], "50"))
    seq = seeded.history("observations", obs["id"])[-1]["seq"]
    # The other connection writes exactly the version being restored: nothing left to do.
    state = changes.version(seeded, seq)["state"]
    _other_writes_before_the_lock(
        seeded, monkeypatch, obs["id"], {k: state[k] for k in ("value", "source", "operator")}
    )
    before = changes.mark(seeded) + 1  # the other connection's write
    with pytest.raises(UserError, match="已经是这个版本"):
        changes.restore_version(seeded, seq)
    assert changes.mark(seeded) == before  # no second write over it


# 3. REALs beyond 15 significant digits: history rounds them; undo compares as SQLite formats.


def test_undo_of_an_edit_to_an_imported_float_is_not_refused(seeded, tmp_path):
    _batch, oid = import_one_observation(seeded, tmp_path, 2 / 3 * 100)
    stored = seeded.get("observations", oid)["value"]
    _r, span = changes.record(seeded, lambda: seeded.indicators.update_observation(oid, repr(stored), note="补充来源"))
    changes.undo_change(seeded, span)
    assert seeded.get("observations", oid)["note"] is None
    assert seeded.get("observations", oid)["value"] == stored


def test_undo_and_restore_keep_a_float_at_full_precision(seeded):
    ind = percent_indicator(seeded)
    oid, add = changes.record(seeded, lambda: seeded.indicators.add_observation(ind["id"], "2024", "66.66666666666667"))
    _r, edit = changes.record(
        seeded, lambda: seeded.indicators.update_observation(oid, "66.66666666666667", note="补充说明")
    )
    changes.undo_change(seeded, edit)
    assert seeded.get("observations", oid)["value"] == 66.66666666666667  # not history's 66.6666666666667
    changes.undo_change(seeded, add)
    assert seeded.get("observations", oid, include_deleted=True)["deleted_at"] is not None
    changes.redo_change(seeded, add)
    changes.redo_change(seeded, edit)
    seq = seeded.history("observations", oid)[-1]["seq"]
    changes.restore_version(seeded, seq)  # 修改记录 → 恢复到这次修改之前
    assert seeded.get("observations", oid)["note"] is None
    assert seeded.get("observations", oid)["value"] == 66.66666666666667


# --- the window ---------------------------------------------------------------------------


@pytest.fixture
def warnings(monkeypatch):
    """Message boxes recorded instead of shown (a modal box would wait for a click)."""
    from PySide6.QtWidgets import QMessageBox

    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a: shown.append(text))
    monkeypatch.setattr(QMessageBox, "information", lambda parent, title, text, *a: shown.append(text))
    return shown


def show_tab(window, key):
    window.tabs.setCurrentIndex(next(i for i, s in enumerate(window.tab_specs) if s.key == key))


# 6. A locked workspace during 撤销: a message, and the stack stays where the data is.


def test_undo_while_another_writer_holds_the_workspace_keeps_the_stack_in_step(main_window, warnings):
    import sqlite3

    from ui.undo import redo, run_change, undo

    store = main_window.store
    obs = store.indicators.observations(percent_indicator(store)["id"])[0]
    run_change(main_window, "修改", lambda: store.indicators.update_observation(obs["id"], "55"))
    store.conn.execute("PRAGMA busy_timeout = 50")
    other = sqlite3.connect(str(store.path), isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # a background import / another window writing
    undo(main_window)
    assert "工作区正被其他程序或窗口写入" in warnings[-1]
    assert main_window.undo_stack.index() == 1 and main_window.undo_stack.canUndo()
    assert store.get("observations", obs["id"])["value"] == 55
    other.execute("COMMIT")
    other.close()
    redo(main_window)  # nothing to redo: the undo did not happen
    undo(main_window)
    assert store.get("observations", obs["id"])["value"] == obs["value"]
    assert main_window.undo_stack.index() == 0
    redo(main_window)
    assert store.get("observations", obs["id"])["value"] == 55


# 4. Closing the import wizard while it imports: cancelled and waited for, or kept for 撤销.


def findings_workbook(path, rows):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["单位名称", "年度", "级别", "问题类别", "存在问题", "整改情况", "整改时限"])
    for i in range(rows):
        ws.append(["示例壬企业（演示）", 2024, "区级", "识别标志", f"标志缺失{i}", "未整改", "2024-10-31"])
    wb.save(path)
    return str(path)


def test_closing_the_wizard_while_importing_leaves_nothing_unaccounted(main_window, qtbot, tmp_path):
    from ui.dialogs.import_wizard import ImportWizard
    from ui.operations import running

    store, rows = main_window.store, 3000
    path = findings_workbook(tmp_path / "many.xlsx", rows)
    before = store.scalar("SELECT COUNT(*) FROM findings")
    wizard = ImportWizard(store, "findings", path, main_window)
    wizard.show()
    qtbot.waitUntil(wizard.file_page.isComplete, timeout=60_000)
    wizard.next()
    qtbot.waitUntil(wizard.mapping_page.isComplete, timeout=60_000)
    wizard.next()
    qtbot.waitUntil(lambda: wizard.dry_page.result is not None, timeout=120_000)
    wizard.next()  # 导入 starts in the background
    assert wizard.run_page.task is not None
    wizard.reject()  # 取消 / Esc / the window closed while 正在导入…
    batch, new = wizard.batch(), store.scalar("SELECT COUNT(*) FROM findings") - before
    qtbot.waitUntil(lambda: not running(), timeout=120_000)
    # Nothing written, or written and on hand for 编辑 → 撤销 — never written behind the user's back.
    assert (new, batch) == (0, None) or (new == rows and batch is not None)
    assert store.scalar("SELECT COUNT(*) FROM findings") - before == new


# 7. A closed wizard / batch list is deleted, and lets go of the sheet's rows.


def test_closed_import_wizard_and_batch_list_are_deleted(main_window, qtbot, tmp_path, monkeypatch):
    from PySide6.QtCore import QCoreApplication, QEvent

    from ui.dialogs.batches_dialog import BatchesDialog
    from ui.dialogs.import_wizard import ImportWizard

    path = findings_workbook(tmp_path / "few.xlsx", 20)
    show_tab(main_window, "audits")  # its import is of findings
    seen = []

    def look_then_close(wizard):
        wizard.show()
        qtbot.waitUntil(wizard.file_page.isComplete, timeout=60_000)
        wizard.next()
        qtbot.waitUntil(wizard.mapping_page.isComplete, timeout=60_000)
        assert wizard.sheet_read is not None
        wizard.reject()
        seen.append(wizard.sheet_read)
        return 0

    monkeypatch.setattr(ImportWizard, "exec", look_then_close)
    monkeypatch.setattr(BatchesDialog, "exec", lambda dialog: dialog.reject() or 0)
    main_window.import_file(path)
    main_window.show_batches()
    QCoreApplication.sendPostedEvents(None, QEvent.DeferredDelete)
    assert seen == [None]  # the preview's rows let go of
    assert main_window.findChildren(ImportWizard) == []
    assert main_window.findChildren(BatchesDialog) == []


# 5. 报告 after switching workspace: the old report is gone, 签发 cannot register it.


def test_switching_workspace_clears_the_report_on_show(main_window, qtbot, tmp_path):
    from PySide6.QtWidgets import QLabel

    from ycdesk.workspace import create_workspace

    tab = main_window.reports_tab
    show_tab(main_window, "reports")
    with qtbot.waitSignal(tab.generated, timeout=60_000):
        tab.generate_button.click()
    assert tab.issue_button.isEnabled() and tab.preview.page_labels
    other = tmp_path / "other.ycdesk"
    create_workspace(str(other), "测试员", demo=False)
    main_window.set_store(Store(other, operator="测试员"))
    assert tab.output is None and tab._issued_params is None
    assert not tab.issue_button.isEnabled() and not tab.save_button.isEnabled()
    assert tab.generate_button.isEnabled()
    assert tab.preview.page_labels == []
    assert not any(label.isVisible() for label in tab.preview.findChildren(QLabel))  # no old page on view
    tab.issue()  # nothing to sign off
    assert main_window.store.query("SELECT * FROM issued_reports") == []


def test_switching_workspace_while_a_report_is_made_cancels_it(main_window, qtbot, tmp_path):
    from ycdesk.workspace import create_workspace

    tab = main_window.reports_tab
    show_tab(main_window, "reports")
    tab.generate_button.click()
    running_task = tab.task
    assert running_task is not None
    other = tmp_path / "other.ycdesk"
    create_workspace(str(other), "测试员", demo=False)
    main_window.set_store(Store(other, operator="测试员"))
    assert running_task.cancelled and tab.task is None
    assert tab.generate_button.isEnabled() and not tab.cancel_button.isEnabled()


# 8. Data changed in the same workspace: the tabs keep the filters, search, sort and choices on show.


def test_tables_changed_keeps_the_findings_view_on_show(main_window):
    from PySide6.QtCore import Qt

    tab = main_window.audits_tab
    show_tab(main_window, "audits")
    tab.status.setCurrentIndex(tab.status.findData("整改中"))
    tab.search.setText("标志")
    tab.apply_filter()
    tab.table.horizontalHeader().setSortIndicator(0, Qt.AscendingOrder)
    view = (tab.status.currentText(), tab.search.text(), tab.model.order, tab.count.text())
    main_window.tables_changed({"findings"})  # an import or an undo just finished
    assert (tab.status.currentText(), tab.search.text(), tab.model.order, tab.count.text()) == view


def test_tables_changed_keeps_the_report_choices(main_window):
    tab = main_window.reports_tab
    show_tab(main_window, "reports")
    tab.scope.setCurrentIndex(2)
    tab.period.setCurrentIndex(tab.period.findData("2025Q2"))
    tab.audit.setCurrentIndex(tab.audit.count() - 1)
    chosen = (tab.scope.currentText(), tab.period.currentData(), tab.audit.currentData())
    main_window.tables_changed({"findings", "townships", "audits", "observations"})
    assert (tab.scope.currentText(), tab.period.currentData(), tab.audit.currentData()) == chosen


# 9. A "NaN" cell sorts (as text) instead of raising.


def test_sort_value_of_nan_and_infinity_sorts_as_text():
    from decimal import Decimal

    from ui.models.base import sort_value

    values = ["NaN", Decimal("NaN"), float("nan"), 3, "10", "9", "abc", Decimal("2.5"), "inf", "5%"]
    ordered = sorted(values, key=sort_value)
    assert ordered[:5] == [Decimal("2.5"), 3, "5%", "9", "10"]
    assert all(sort_value(v)[0] == 1 for v in ordered[5:])
