"""The 危废考核 tab: overdue panel, filters, lazy table, and a finding's whole life."""

from datetime import date

import pytest
from PySide6.QtCore import QDate

from ui.tabs.audits import editor as editor_module
from ui.tabs.audits.model import PAGE
from ycdesk import stats


@pytest.fixture
def tab(main_window):
    main_window.tabs.setCurrentIndex(2)
    return main_window.audits_tab


def test_panel_counts_overdue_with_ageing(tab):
    overdue = stats.due(tab.store, stats.Cut(date.today()), 7)["overdue"]
    assert f"逾期未整改 <b>{overdue}</b> 处" in tab.panel.text()
    assert ">90天" in tab.panel.text()


def test_table_loads_in_pages_and_filters(tab, qtbot):
    assert tab.model.rowCount() == PAGE  # only the first page until the user scrolls
    tab.table.scrollToBottom()
    qtbot.waitUntil(lambda: tab.model.rowCount() > PAGE)
    tab.year.setCurrentIndex(tab.year.findData(2021))
    tab.level.setCurrentIndex(tab.level.findData("区级"))
    qtbot.waitUntil(lambda: tab.model.rowCount() == 137)
    assert "137" in tab.count.text()
    tab.year.setCurrentIndex(0)
    tab.level.setCurrentIndex(0)
    tab.show_overdue.click()
    qtbot.waitUntil(lambda: all(tab.model.data(tab.model.index(r, 8)) == "逾期" for r in range(tab.model.rowCount())))
    assert tab.model.rowCount() == stats.due(tab.store, stats.Cut(date.today()), 7)["overdue"]
    tab.due.setCurrentIndex(0)
    tab.search.setText("渗滤液")
    tab.search.returnPressed.emit()
    qtbot.waitUntil(lambda: all("渗滤液" in tab.model.row(r)["description"] for r in range(tab.model.rowCount())))


def select_first(tab):
    tab.table.setCurrentIndex(tab.model.index(0, 0))
    return tab.model.row(0)


def fill(values, seen=None):
    """Stands in for TransitionDialog.exec: types ``values`` and presses 确定, as a user
    would. The dialog stays open on a refusal; ``seen`` collects the message it shows."""

    def exec_(dialog):
        if "rectified" in values:
            dialog.rectified.setDate(QDate.fromString(values["rectified"], "yyyy-MM-dd"))
        if "verifier" in values:
            dialog.verifier.setText(values["verifier"])
            dialog.verified.setDate(QDate.fromString(values["verified"], "yyyy-MM-dd"))
        if "reason" in values:
            dialog.reason.setText(values["reason"])
        dialog.ok_button.click()
        if seen is not None and not dialog.error.isHidden():
            seen.append(dialog.error.text())
        return dialog.result()

    return exec_


def visible_moves(tab):
    return {k for k, b in tab.editor.move_buttons.items() if not b.isHidden()}


def test_a_finding_through_its_whole_life(tab, qtbot, monkeypatch, tmp_path):
    tab.status.setCurrentIndex(tab.status.findData("待整改"))
    qtbot.waitUntil(lambda: tab.model.rowCount() > 0)
    finding = select_first(tab)
    assert visible_moves(tab) == {"start", "rectify"}
    tab.editor.move_buttons["start"].click()
    qtbot.waitUntil(lambda: tab.store.findings.get(finding["id"])["status"] == "整改中")
    assert visible_moves(tab) == {"rectify"}

    photo = tmp_path / "整改后照片.png"
    photo.write_bytes(b"\x89PNG fake image bytes")
    monkeypatch.setattr("ui.file_dialogs.QFileDialog.getOpenFileNames", lambda *a, **k: ([str(photo)], ""))
    tab.editor.add_file.click()
    qtbot.waitUntil(lambda: tab.editor.evidence_model.rowCount() == 1)
    assert tab.editor.evidence_model.record(0)["original_name"] == "整改后照片.png"

    today = date.today().isoformat()
    monkeypatch.setattr(editor_module.TransitionDialog, "exec", fill({"rectified": today}))
    tab.editor.move_buttons["rectify"].click()
    qtbot.waitUntil(lambda: tab.store.findings.get(finding["id"])["status"] == "已整改")
    assert visible_moves(tab) == {"close", "reopen"}

    messages = []
    monkeypatch.setattr(editor_module.TransitionDialog, "exec", fill({"verifier": "", "verified": today}, messages))
    tab.editor.move_buttons["close"].click()
    assert messages and "销号需要" in messages[-1]
    assert tab.store.findings.get(finding["id"])["status"] == "已整改"

    monkeypatch.setattr(editor_module.TransitionDialog, "exec", fill({"verifier": "陈某", "verified": today}))
    tab.editor.move_buttons["close"].click()
    qtbot.waitUntil(lambda: tab.store.findings.get(finding["id"])["status"] == "已销号")
    row = next(i for i in range(tab.model.rowCount()) if tab.model.row(i)["id"] == finding["id"])
    assert tab.model.data(tab.model.index(row, 7)) == "已销号"

    monkeypatch.setattr(editor_module.TransitionDialog, "exec", fill({"reason": ""}, messages))
    tab.editor.move_buttons["reopen"].click()
    assert "需要填写原因" in messages[-1]
    monkeypatch.setattr(editor_module.TransitionDialog, "exec", fill({"reason": "复查未通过"}))
    tab.editor.move_buttons["reopen"].click()
    qtbot.waitUntil(lambda: tab.store.findings.get(finding["id"])["status"] == "整改中")
    events = tab.editor.events_model.records
    assert [e["to_status"] for e in events] == ["整改中", "已整改", "已销号", "整改中"]
    assert events[-1]["reason"] == "复查未通过"


def test_enterprise_view_and_charts(tab, qtbot, tmp_path):
    tab.pages.setCurrentIndex(1)
    tab.enterprises.setCurrentIndex(tab.enterprise_model.index(0, 0))
    assert tab.enterprise_audits.rowCount() >= 1
    assert "重复出现的问题类别" in tab.enterprise_detail.text()
    tab.pages.setCurrentIndex(2)  # charts are built when their page is shown
    values = dict(zip(tab.found_chart.categories, tab.found_chart.values["发现问题"]))
    assert (values["2020市级"], values["2021市级"], values["2021区级"]) == (35, 24, 137)
    out = tmp_path / "c.png"
    tab.found_chart.export_png(str(out))
    assert out.stat().st_size > 1000


def test_due_soon_days_setting_changes_the_panel(tab, qtbot):
    tab.soon_days.setValue(60)
    tab.soon_days.editingFinished.emit()
    assert tab.store.findings.soon_days == 60
    assert "60天内到期" in tab.panel.text()


def test_scrolled_rows_are_kept_by_key_and_read_again(tab, monkeypatch):
    """Only the last pages are held as rows; a page scrolled back to is read again by key
    and shows the same findings, so memory does not grow with the rows scrolled through."""
    from ui.tabs.audits import model as model_module
    from ycdesk.findings import FindingFilter

    monkeypatch.setattr(model_module, "CACHED_PAGES", 1)
    while tab.model.canFetchMore():
        tab.model.fetchMore()
    everything = tab.store.findings.page(FindingFilter(as_of=tab.as_of), limit=100_000, order="due")
    assert tab.model.rowCount() == len(everything) > 2 * PAGE
    assert len(tab.model.pages) == 1
    for i in (0, PAGE + 3, len(everything) - 1, 1):
        assert tab.model.row(i)["id"] == everything[i]["id"]
        assert tab.model.data(tab.model.index(i, 5)) == everything[i]["description"]
    assert len(tab.model.pages) == 1
