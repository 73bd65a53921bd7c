"""The one operation runner (ui.operations): a cancel midway leaves nothing half-written,
and a write refreshes only the tabs that show the tables it changed."""

import pytest
from PySide6.QtCore import QSettings

from ui.operations import Operation, OperationState, running
from ycdesk.errors import Cancelled


@pytest.fixture
def cancel_midway(monkeypatch):
    """The user presses 取消 while the work runs: at its second progress report (the first
    is its start), the cancel flag is set, as the button does, from inside the work, so the
    moment is the same on every run."""
    original = OperationState.progress
    seen = []

    def progress(self, fraction, text=""):
        seen.append(fraction)
        if len(seen) == 2:
            self.cancelled = True
        original(self, fraction, text)

    monkeypatch.setattr(OperationState, "progress", progress)
    return seen


def wait_failed(qtbot, operation):
    qtbot.waitUntil(lambda: operation.done, timeout=60_000)
    return operation.error


def test_an_operation_reports_progress_success_and_failure_on_the_ui_thread(qtbot):
    seen = []
    op = Operation(lambda state: state.progress(0.5, "一半") or 42)
    op.progressed.connect(lambda f, t: seen.append((f, t)))
    with qtbot.waitSignal(op.succeeded, timeout=10_000) as blocker:
        op.start()
    assert blocker.args == [42] and seen == [(0.5, "一半")] and op not in running()
    bad = Operation(lambda state: 1 / 0)
    with qtbot.waitSignal(bad.failed, timeout=10_000) as blocker:
        bad.start()
    assert isinstance(blocker.args[0], ZeroDivisionError) and "ZeroDivisionError" in blocker.args[1]


def test_cancelling_an_import_midway_writes_no_row(qtbot, seeded, tmp_path, cancel_midway):
    from tests.test_undo import findings_csv
    from ui.dialogs.import_wizard import changed_tables, run_import

    before = {
        t: seeded.scalar(f"SELECT COUNT(*) FROM {t}") for t in ("findings", "audits", "enterprises", "import_batches")
    }
    sheet = findings_csv(tmp_path / "f.csv", rows=200)
    op = Operation(
        run_import(str(seeded.path), "测试员", "findings", str(sheet), None, None, False, True),
        changes=changed_tables("findings"),
    )
    op.start()
    assert isinstance(wait_failed(qtbot, op), Cancelled)
    assert 0 < cancel_midway[1] < 1  # it was cancelled midway, not before it began or after it ended
    assert {t: seeded.scalar(f"SELECT COUNT(*) FROM {t}") for t in before} == before


def test_cancelling_an_export_midway_leaves_no_file(main_window, qtbot, tmp_path, cancel_midway):
    out = tmp_path / "问题.xlsx"
    op = main_window.export("findings", str(out))
    assert isinstance(wait_failed(qtbot, op), Cancelled)
    assert not out.exists() and list(tmp_path.glob("*.xlsx")) == [] and list(tmp_path.glob(".ycdesk-*")) == []
    assert "已取消导出" in main_window.statusBar().currentMessage()
    assert not hasattr(main_window, "export_finished")


def test_cancelling_a_report_midway_leaves_no_pdf(main_window, qtbot, cancel_midway):
    main_window.tabs.setCurrentIndex(3)
    tab = main_window.reports_tab
    tab.period.setCurrentIndex(tab.period.findData("2025Q4"))
    tab.generate_button.click()
    op = tab.task
    assert isinstance(wait_failed(qtbot, op), Cancelled)
    assert 0 < cancel_midway[1] < 1
    assert tab.status.text() == "已取消" and tab.output is None
    assert list(tab._tmp.iterdir()) == []  # no PDF, not even a partial one
    assert tab.generate_button.isEnabled()


def test_cancelling_a_backup_midway_leaves_no_backup_file(main_window, qtbot, cancel_midway):
    from ycdesk.backups import folder_for

    store = main_window.store
    folder = folder_for(store.path, store.ensure_workspace_id())
    op = main_window.backup()
    assert isinstance(wait_failed(qtbot, op), Cancelled)
    assert 0 < cancel_midway[1] < 1
    # (the daily backup taken after the window's first paint may be there; the manual one is not,
    # nor any temporary file of it)
    left = [p.name for p in folder.rglob("*") if "manual" in p.name or "tmp" in p.name]
    assert left == [] and all(b.reason != "manual" for b in store.backups())
    assert "已取消备份" in main_window.statusBar().currentMessage()


def test_closing_the_window_cancels_running_work_and_waits(qtbot, seeded, settings):
    from ui.main_window import MainWindow

    window = MainWindow(seeded, settings)
    qtbot.addWidget(window)
    stopped = []

    def work(state):  # runs until cancelled
        while True:
            try:
                state.progress(0.5)
            except Cancelled:
                stopped.append(True)
                raise

    op = Operation(work, window).start()
    qtbot.waitUntil(lambda: op in running(), timeout=10_000)
    window.close()
    assert stopped == [True]  # close returned only after the worker had stopped
    qtbot.waitUntil(lambda: op.done, timeout=10_000)
    assert isinstance(op.error, Cancelled)


def test_an_import_refreshes_only_the_tabs_showing_what_it_wrote(qtbot, seeded, tmp_path):
    """Findings (with their audits and enterprises): 危废考核 and 报告 reload, 指标 and
    重大工程 keep what they show."""
    from tests.test_undo import findings_csv
    from ui.dialogs.import_wizard import ImportWizard
    from ui.main_window import MainWindow
    from ui.settings import Settings

    window = MainWindow(seeded, Settings(QSettings(str(tmp_path / "s.ini"), QSettings.IniFormat)))
    qtbot.addWidget(window)
    window.show()
    reloads = {}
    for spec in window.tab_specs:
        tab = window.tab_for(spec.key)
        reloads[spec.key] = 0
        original = tab.set_store

        def counted(store, key=spec.key, original=original):
            reloads[key] += 1
            original(store)

        tab.set_store = counted
    wizard = ImportWizard(seeded, "findings", str(findings_csv(tmp_path / "f.csv")), window)
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitUntil(wizard.file_page.isComplete, timeout=30_000)
    wizard.next()
    qtbot.waitUntil(wizard.mapping_page.isComplete, timeout=30_000)
    wizard.next()
    qtbot.waitUntil(lambda: wizard.dry_page.result is not None, timeout=30_000)
    assert reloads == dict.fromkeys(reloads, 0)  # a dry run changes nothing
    wizard.next()
    qtbot.waitUntil(lambda: wizard.run_page.result is not None, timeout=30_000)
    assert wizard.run_page.result.new == 6
    assert reloads == {"indicators": 0, "projects": 0, "audits": 1, "reports": 1}
    assert window.audits_tab.model.rowCount() > 0


def test_garbage_the_ui_leaves_in_a_cycle_is_destroyed_on_the_ui_thread(qtbot):
    """Python's cycle collector runs on whichever thread allocates past its threshold, often a
    worker. A closed window leaves Qt objects only a reference cycle still holds (a model made
    without a parent, pyqtgraph's parentless ViewBoxMenu): freed there, their C++ side would be
    destroyed off the UI thread, racing its widget bookkeeping (a SIGABRT seen once in the full suite)."""
    import gc
    import threading

    from PySide6.QtCore import QObject

    from ui.operations import wait_all

    on_ui_thread = []

    class Stranded(QObject):
        def __del__(self):
            on_ui_thread.append(threading.current_thread() is threading.main_thread())

    allocations = 20 * gc.get_threshold()[0]
    op = Operation(lambda state: [[] for _ in range(allocations)])  # kept: they stay counted
    gc.collect()  # the next collection falls due only after ``threshold`` more allocations
    stranded = Stranded()
    stranded.cycle = stranded
    del stranded
    op.start()
    wait_all()  # the UI thread waits and allocates nothing: the worker's allocations make it due
    qtbot.waitUntil(lambda: bool(on_ui_thread), timeout=10_000)
    assert on_ui_thread == [True]
