"""The 重大工程 tab driven like a user: filter, select, add progress, undo, charts."""

import json

import pytest
from PySide6.QtCore import Qt

from ui.tabs.projects import tab as tab_module
from ui.tabs.projects.model import GROUP, PROJECT, TOTAL


@pytest.fixture
def tab(main_window):
    main_window.tabs.setCurrentIndex(1)
    t = main_window.projects_tab
    t.period.setCurrentIndex(t.period.findData("2025"))
    return t


def rows_of(tab, kind):
    return [r for r in tab.model.rows if r["kind"] == kind]


def test_grouped_table_with_subtotals_and_exact_grand_total(tab, qtmodeltester):
    qtmodeltester.check(tab.model, force_py=True)
    assert len(rows_of(tab, PROJECT)) == 29 and len(rows_of(tab, GROUP)) == 7
    total = rows_of(tab, TOTAL)[0]
    assert tab.model._text(total, "total_yuan") == "443.55"
    assert tab.model._text(total, "fyp_yuan") == "239.29"
    water = next(r for r in rows_of(tab, GROUP) if r["domain"] == "治水")
    assert (water["count"], tab.model._text(water, "total_yuan"), tab.model._text(water, "fyp_yuan")) == (
        10,
        "94.43",
        "34.67",
    )
    assert "443.55" in tab.totals.text() and "239.29" in tab.totals.text()


def test_filter_by_domain_changes_subtotals_and_totals(tab, qtbot):
    tab.domain.setCurrentIndex(tab.domain.findData("治水"))
    qtbot.waitUntil(lambda: len(rows_of(tab, PROJECT)) == 10)
    assert [r["domain"] for r in rows_of(tab, GROUP)] == ["治水"]
    assert "94.43" in tab.totals.text() and "34.67" in tab.totals.text()
    assert tab.bars.series_values["总投资"] == [pytest.approx(94.43)]
    tab.unit.setText("浙江滨海新区开发投资有限公司")
    qtbot.waitUntil(lambda: len(rows_of(tab, PROJECT)) == 3)
    assert "14.13" in tab.totals.text()  # 5.26 + 6.23 + 2.64


def select_project(tab, seq):
    row = next(i for i, r in enumerate(tab.model.rows) if r["kind"] == PROJECT and r["seq"] == seq)
    tab.table.setCurrentIndex(tab.model.index(row, 1))
    return tab.model.rows[row]


def fill_and_save(period, amount, asked=None):
    """Stands in for InvestmentDialog.exec. A double-counting warning (a quarter over the
    year's annual figure, as in the sample's 2025) is answered 仍要保存 and kept in ``asked``."""

    def exec_(dialog):
        dialog.confirm_overlap = lambda message: (asked if asked is not None else []).append(message) or True
        dialog.period.setText(period)
        dialog.amount.setText(amount)
        dialog.save()
        return dialog.result()

    return exec_


def test_add_progress_updates_table_chart_and_can_be_undone(tab, qtbot, monkeypatch):
    project = select_project(tab, 16)  # 滨海新区污水收集管网建设项目, 0.25 亿元
    before_rows = tab.progress_model.rowCount()
    before_done = tab.curve.completed.yData[-1]
    asked = []  # the project has an annual 2025 figure: the dialog warns, the user confirms
    monkeypatch.setattr(tab_module.InvestmentDialog, "exec", fill_and_save("2025Q4", "10", asked))
    tab.add_progress()
    assert len(asked) == 1 and "2025年全年完成投资" in asked[0] and "重复计算" in asked[0]
    qtbot.waitUntil(lambda: tab.progress_model.rowCount() == before_rows + 1)
    assert tab.curve.completed.yData[-1] == pytest.approx(before_done + 0.001)
    assert tab.selected_project()["id"] == project["id"]
    assert tab.history_model.records[0]["action_label"] == "新增"
    tab.window().undo_action.trigger()
    qtbot.waitUntil(lambda: tab.progress_model.rowCount() == before_rows)
    tab.window().redo_action.trigger()
    qtbot.waitUntil(lambda: tab.progress_model.rowCount() == before_rows + 1)


def test_refused_progress_shows_a_message_and_writes_nothing(tab, qtbot, monkeypatch):
    select_project(tab, 26)  # 0.03 亿元 in total
    messages = []
    monkeypatch.setattr(tab_module.InvestmentDialog, "exec", fill_and_save("2024Q4", "500"))
    monkeypatch.setattr(
        "ui.dialogs.investment_dialog.QMessageBox.warning", lambda parent, title, text: messages.append(text)
    )
    count = tab.store.scalar("SELECT COUNT(*) FROM investments")
    tab.add_progress()
    assert messages and "新桥江渔业资源增殖放游项目" in messages[0] and "超过总投资" in messages[0]
    assert tab.store.scalar("SELECT COUNT(*) FROM investments") == count


def test_lagging_rows_are_marked(tab):
    lagging = [r for r in rows_of(tab, PROJECT) if r["lagging"]]
    assert {r["seq"] for r in lagging} == {3, 10, 24}
    index = tab.model.index(tab.model.project_row(lagging[0]["id"]), 11)
    assert tab.model.data(index) == "滞后"
    assert tab.model.data(index, Qt.BackgroundRole) is not None


def test_chart_exports_png(tab, tmp_path):
    out = tmp_path / "bars.png"
    tab.bars.export_png(str(out))
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_initiative_note(tab, qtbot, monkeypatch):
    view = tab.initiatives
    view.table.setCurrentIndex(view.model.index(0, 2))

    def exec_(dialog):
        dialog.period.setText("2024Q2")
        dialog.note.setPlainText("完成试点方案")
        dialog.status.setCurrentIndex(dialog.status.findData("推进中"))
        return True

    monkeypatch.setattr("ui.tabs.projects.initiatives.NoteDialog.exec", exec_)
    view.add_note()
    qtbot.waitUntil(lambda: view.notes_model.rowCount() == 1)
    assert view.model.record(0)["status"] == "推进中"


def test_planned_profile_edited_per_year(tab, qtbot, monkeypatch):
    from ui.dialogs import profile_dialog

    select_project(tab, 10)  # 2021–2024, 11.5 亿元

    def exec_(dialog):
        values = {2021: "1.5", 2022: "10", 2023: "0", 2024: "0"}
        for year, edit in dialog.edits.items():
            edit.setText(values[year])
        dialog.save()
        return dialog.result()

    monkeypatch.setattr(profile_dialog.ProfileDialog, "exec", exec_)
    tab.edit_profile()
    from ycdesk.progress import Progress

    project = next(p for p in tab.store.projects.list() if p["seq"] == 10)
    assert Progress(tab.store).profiles()[project["id"]] == {2021: 150_000_000, 2022: 1_000_000_000, 2023: 0, 2024: 0}


def test_deleting_progress_asks_why_refuses_no_reason_and_keeps_it(tab, monkeypatch):
    """删除 on 投资进展 asks for a reason like every other deletion: none given, nothing is
    deleted and the dialog says why; the reason given is kept on the row and in history."""
    from ui.dialogs.reason_dialog import ReasonDialog

    project = select_project(tab, 3)
    tab.progress_table.setCurrentIndex(tab.progress_model.index(0, 0))
    victim = tab.progress_model.record(0)
    refusals = []

    def answer(dialog):
        dialog.show()
        dialog.ok_button.click()  # no reason typed
        refusals.append(dialog.error.text())
        # the dialog grew for the message: nothing above it squeezed
        assert dialog.height() >= dialog.sizeHint().height()
        dialog.reason.setText("与年度数重复")
        dialog.ok_button.click()
        return dialog.result()

    monkeypatch.setattr(ReasonDialog, "exec", answer)
    tab.delete_progress()
    assert refusals == ["删除投资进展需要填写原因"]
    assert victim["id"] not in {r["id"] for r in tab.store.projects.investments(project["id"])}
    row = tab.store.get("investments", victim["id"], include_deleted=True)
    assert row["deleted_reason"] == "与年度数重复"
    last = tab.store.history("investments", victim["id"])[-1]
    assert json.loads(last["new"])["deleted_reason"] == "与年度数重复"


def test_progress_delete_without_a_reason_changes_nothing(seeded):
    from ycdesk.errors import UserError

    record = next(r for p in seeded.projects.list() for r in seeded.projects.investments(p["id"]))
    with pytest.raises(UserError, match="需要填写原因"):
        seeded.projects.delete_investment(record["id"], "  ")
    assert seeded.get("investments", record["id"])["deleted_at"] is None
