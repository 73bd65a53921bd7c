"""Editing in place on the 危废考核 and 重大工程 tabs: findings, audits and enterprises added,
corrected, deleted and restored through dialogs that keep what was typed on a refusal;
evidence opened under its own name, saved out and removed with a reason; project 状态;
the investment year/quarter warning. Every write is on the window's undo stack."""

import re
from datetime import date, timedelta

import pytest
from PySide6.QtCore import QDate
from PySide6.QtWidgets import QLabel, QMessageBox, QPushButton

from ui.dialogs import investment_dialog as investment_module
from ui.tabs.audits import actions as actions_module
from ui.tabs.audits import editor as editor_module
from ui.tabs.audits.dialogs import DeletedDialog
from ycdesk.findings import FindingFilter


@pytest.fixture(autouse=True)
def _no_evidence_copies_left():
    """Opened evidence copies live in the process's temporary folder until exit; other
    tests check that folder is empty, so these tests remove it when done."""
    yield
    from ycdesk import tempdir

    tempdir.cleanup()


@pytest.fixture
def tab(main_window):
    main_window.tabs.setCurrentIndex(2)
    return main_window.audits_tab


def select_open_finding(tab, qtbot):
    """Select an open finding whose audit has an inspection date; returns it."""
    tab.status.setCurrentIndex(tab.status.findData("待整改"))
    qtbot.waitUntil(lambda: tab.model.rowCount() > 0)
    row = next(r for r in range(tab.model.rowCount()) if tab.model.row(r)["audit_date"])
    tab.table.setCurrentIndex(tab.model.index(row, 0))
    return tab.model.row(row)


def drive(monkeypatch, cls, *steps):
    """Stand in for ``cls.exec``: each step fills the dialog and presses its OK button, as a
    user would, then checks it. Returns the dialogs seen (the last step decides the result)."""
    seen = []

    def exec_(dialog):
        seen.append(dialog)
        for step in steps:
            step(dialog)
            dialog.ok_button.click()
        return dialog.result()

    monkeypatch.setattr(cls, "exec", exec_)
    return seen


def refused(dialog) -> str:
    """The dialog is still open (not accepted) and shows a reason; returns it."""
    assert dialog.result() == 0 and not dialog.error.isHidden()
    return dialog.error.text()


def mnemonics(widget) -> list[str]:
    texts = [w.text() for w in widget.findChildren(QLabel)] + [
        b.text() for b in widget.findChildren(QPushButton) if b.isVisibleTo(widget)
    ]
    return [m.upper() for t in texts for m in re.findall(r"&(\w)", t)]


def test_add_a_finding_refused_then_saved_and_undone(tab, main_window, qtbot, monkeypatch):
    current = select_open_finding(tab, qtbot)
    store = tab.store
    before = store.findings.count(FindingFilter())
    deadline = (date.fromisoformat(current["audit_date"]) + timedelta(days=30)).isoformat()
    messages = []

    def too_early(d):
        assert d.audit.currentData() == current["audit_id"]  # the selected finding's audit
        d.category.setCurrentIndex(d.category.findData("贮存设施"))
        d.description.setPlainText("贮存间未设置危废识别标志")
        d.responsible.setText("王某")
        d.deadline.setText("2000-01-01")

    def check_refused(d):
        messages.append(refused(d))
        assert d.description.toPlainText() == "贮存间未设置危废识别标志"  # kept, not retyped
        assert d.responsible.text() == "王某"
        assert store.findings.count(FindingFilter()) == before  # nothing written
        d.deadline.setText(deadline)

    seen = drive(monkeypatch, actions_module.FindingDialog, too_early, check_refused)
    tab.edit_actions.new_finding.trigger()
    assert messages == [f"整改期限2000-01-01早于检查日期{current['audit_date']}"]
    assert seen[0].result() == 1
    new_id = seen[0].result_value
    assert store.findings.get(new_id)["deadline"] == deadline
    assert store.findings.count(FindingFilter()) == before + 1
    assert tab.editor.finding["id"] == new_id

    assert main_window.undo_stack.undoText() == "新增问题"
    main_window.undo_action.trigger()
    assert store.findings.count(FindingFilter()) == before


def test_edit_a_finding_keeps_input_on_refusal(tab, qtbot, monkeypatch):
    current = select_open_finding(tab, qtbot)
    store = tab.store
    messages = []

    def bad_date(d):
        d.responsible.setText("李某")
        d.deadline.setText("2025-13-01")

    def fix(d):
        messages.append(refused(d))
        assert d.responsible.text() == "李某"
        assert store.findings.get(current["id"])["responsible"] == current["responsible"]
        d.deadline.setText("")

    drive(monkeypatch, actions_module.FindingDialog, bad_date, fix)
    tab.table.setFocus()
    tab.edit_actions.edit_finding.trigger()
    assert messages == ["整改期限“2025-13-01”应写作 YYYY-MM-DD"]
    after = store.findings.get(current["id"])
    assert (after["responsible"], after["deadline"]) == ("李某", None)
    changes = [h["change"] for h in tab.editor.history.model.records]
    assert any("责任人" in c and "李某" in c for c in changes)


def test_delete_a_finding_with_reason_and_restore_it(tab, main_window, qtbot, monkeypatch):
    current = select_open_finding(tab, qtbot)
    store = tab.store
    before = store.findings.count(FindingFilter())
    messages = []
    drive(
        monkeypatch,
        actions_module.ReasonDialog,
        lambda d: None,
        lambda d: (messages.append(refused(d)), d.reason.setText("重复录入")),
    )
    tab.edit_actions.delete_finding.trigger()
    assert messages == ["删除问题需要填写原因"]
    assert store.findings.count(FindingFilter()) == before - 1
    assert all(tab.model.row(r)["id"] != current["id"] for r in range(tab.model.rowCount()))

    dialog = DeletedDialog(store, tab)
    qtbot.addWidget(dialog)
    assert dialog.models["findings"].record(0)["deleted_reason"] == "重复录入"
    dialog.tables["findings"].setCurrentIndex(dialog.models["findings"].index(0, 0))
    dialog.ok_button.click()
    assert store.findings.count(FindingFilter()) == before
    assert dialog.models["findings"].rowCount() == 0 or dialog.models["findings"].record(0)["id"] != current["id"]
    assert main_window.undo_stack.undoText() == "恢复问题"


def test_delete_is_undone_from_the_edit_menu(tab, main_window, qtbot, monkeypatch):
    current = select_open_finding(tab, qtbot)
    drive(monkeypatch, actions_module.ReasonDialog, lambda d: d.reason.setText("录错"))
    tab.edit_actions.delete_finding.trigger()
    assert tab.store.findings.deleted()[0]["id"] == current["id"]
    main_window.undo_action.trigger()
    assert tab.store.findings.get(current["id"])["description"] == current["description"]


def test_audit_and_enterprise_are_corrected_from_the_enterprise_page(tab, qtbot, monkeypatch):
    tab.pages.setCurrentIndex(1)
    tab.enterprises.setCurrentIndex(tab.enterprise_model.index(0, 0))
    enterprise = tab.enterprise_model.record(0)
    tab.enterprise_audits_view.setCurrentIndex(tab.enterprise_audits.index(0, 0))
    audit = tab.enterprise_audits.record(0)
    messages = []

    def score(text):
        return lambda d: d.score.setText(text)

    drive(
        monkeypatch,
        actions_module.AuditDialog,
        score("120"),
        lambda d: (messages.append(refused(d)), d.score.setText("92")),
    )
    tab.edit_actions.edit_audit_of.trigger()
    assert messages == ["考核得分应在0到100之间，收到120"]
    assert tab.store.audits.get_audit(audit["id"])["score"] == 92

    messages.clear()
    drive(
        monkeypatch,
        actions_module.EnterpriseDialog,
        lambda d: d.name.setText(" "),
        lambda d: (messages.append(refused(d)), d.name.setText("更正后的企业名称")),
    )
    tab.edit_actions.edit_enterprise.trigger()
    assert messages == ["企业名称不能为空"]
    assert tab.store.get("enterprises", enterprise["id"])["name"] == "更正后的企业名称"
    assert "更正后的企业名称" in [
        tab.enterprise_model.record(r)["name"] for r in range(tab.enterprise_model.rowCount())
    ]

    messages.clear()
    drive(
        monkeypatch,
        actions_module.ReasonDialog,
        lambda d: d.reason.setText("已关停"),
        lambda d: messages.append(refused(d)),
    )
    tab.enterprises.setCurrentIndex(
        tab.enterprise_model.index(
            next(
                r
                for r in range(tab.enterprise_model.rowCount())
                if tab.enterprise_model.record(r)["id"] == enterprise["id"]
            ),
            0,
        )
    )
    tab.edit_actions.delete_enterprise.trigger()
    assert "请先删除这些考核" in messages[0]


def test_add_enterprise_and_audit_then_a_finding_for_it(tab, qtbot, monkeypatch):
    year = date.today().year - 1
    drive(monkeypatch, actions_module.EnterpriseDialog, lambda d: d.name.setText("新登记危废企业"))
    tab.pages.setCurrentIndex(1)
    tab.edit_actions.new_enterprise.trigger()
    ent = next(e for e in tab.store.audits.enterprises() if e["name"] == "新登记危废企业")
    assert tab.enterprise.findData(ent["id"]) > 0  # the 企业 filter lists it at once
    messages = []

    def audit_fields(d):
        d.enterprise.setCurrentIndex(d.enterprise.findData(ent["id"]))
        d.year.setValue(year)
        d.audit_date.setText(f"{year + 1}-01-05")

    drive(
        monkeypatch,
        actions_module.AuditDialog,
        audit_fields,
        lambda d: (messages.append(refused(d)), d.audit_date.setText(f"{year}-05-06")),
    )
    tab.edit_actions.new_audit.trigger()
    assert messages == [f"检查日期{year + 1}-01-05不在考核年度{year}年内"]
    audit = tab.store.audits.audits_of(ent["id"])[0]

    def finding_fields(d):
        d.audit.setCurrentIndex(d.audit.findData(audit["id"]))
        d.description.setPlainText("台账不全")

    drive(monkeypatch, actions_module.FindingDialog, finding_fields)
    tab.edit_actions.new_finding.trigger()
    assert tab.store.findings.count(FindingFilter(enterprise_id=ent["id"])) == 1


def test_lifecycle_dialog_keeps_input_on_refusal(tab, qtbot, monkeypatch):
    current = select_open_finding(tab, qtbot)
    today = QDate.currentDate()
    tab.store.findings.transition(current["id"], "已整改", rectified_date=today.toString("yyyy-MM-dd"))
    tab.editor.show_finding(current["id"])
    messages = []

    def early(d):
        d.verifier.setText("陈某")
        d.verified.setDate(today.addDays(-400))

    def check(d):
        messages.append(refused(d))
        assert d.verifier.text() == "陈某"
        d.verified.setDate(today)

    drive(monkeypatch, editor_module.TransitionDialog, early, check)
    tab.editor.move_buttons["close"].click()
    assert "早于整改完成日期" in messages[0]
    assert tab.store.findings.get(current["id"])["verifier"] == "陈某"


def test_evidence_opens_under_its_name_saves_out_and_is_removed_with_reason(tab, qtbot, monkeypatch, tmp_path):
    current = select_open_finding(tab, qtbot)
    report = tmp_path / "整改报告.pdf"
    report.write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 40)
    monkeypatch.setattr("ui.file_dialogs.QFileDialog.getOpenFileNames", lambda *a, **k: ([str(report)], ""))
    tab.editor.add_file.click()
    qtbot.waitUntil(lambda: tab.editor.evidence_model.rowCount() == 1)
    tab.editor.evidence.setCurrentIndex(tab.editor.evidence_model.index(0, 0))

    opened = []
    monkeypatch.setattr(editor_module.QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()) or True)
    tab.editor.open_file.click()
    assert opened and opened[0].endswith("整改报告.pdf")
    with open(opened[0], "rb") as fh:
        assert fh.read() == report.read_bytes()

    target = tmp_path / "saved" / "报告副本.pdf"
    target.parent.mkdir()
    monkeypatch.setattr("ui.file_dialogs.QFileDialog.getSaveFileName", lambda *a, **k: (str(target), ""))
    tab.editor.save_file.click()
    assert target.read_bytes() == report.read_bytes()

    messages = []
    drive(
        monkeypatch,
        editor_module.ReasonDialog,
        lambda d: None,
        lambda d: (messages.append(refused(d)), d.reason.setText("传错文件")),
    )
    tab.editor.remove_file.click()
    assert messages == ["移除佐证材料需要填写原因"]
    assert tab.editor.evidence_model.rowCount() == 0
    removed = [h for h in tab.editor.history.model.records if h["table_name"] == "attachments"]
    assert removed[0]["action_label"] == "删除" and "传错文件" in removed[0]["change"]
    assert tab.store.findings.attachments(current["id"]) == []

    # 修改记录 → 恢复 brings the removed file back (the stored bytes were kept).
    history = tab.editor.history
    row = next(r for r in range(history.model.rowCount()) if history.model.record(r)["table_name"] == "attachments")
    history.table.setCurrentIndex(history.model.index(row, 0))
    monkeypatch.setattr("ui.history.QMessageBox.question", lambda *a: QMessageBox.Yes)
    history.restore_button.click()
    assert [a["original_name"] for a in tab.store.findings.attachments(current["id"])] == ["整改报告.pdf"]
    assert tab.editor.evidence_model.rowCount() == 1


def test_project_status_set_from_the_tab_and_filtered(main_window, qtbot):
    main_window.tabs.setCurrentIndex(1)
    tab = main_window.projects_tab
    row = next(r for r in range(tab.model.rowCount()) if tab.model.row(r)["kind"] == "project")
    tab.table.setCurrentIndex(tab.model.index(row, 0))
    project = tab.selected_project()
    assert tab.status_edit.currentText() == "未填报"
    tab.status_edit.setCurrentIndex(tab.status_edit.findData("在建"))
    tab.status_edit.activated.emit(tab.status_edit.currentIndex())
    assert tab.store.get("projects", project["id"])["status"] == "在建"
    assert main_window.undo_stack.undoText().endswith("状态改为“在建”")
    tab.status.setCurrentIndex(tab.status.findData("在建"))
    names = [tab.model.row(r)["name"] for r in range(tab.model.rowCount()) if tab.model.row(r)["kind"] == "project"]
    assert names == [project["name"]]
    main_window.undo_action.trigger()
    assert tab.store.get("projects", project["id"])["status"] is None


def annual_project(store, year="2025"):
    return next(
        p for p in store.projects.list() if any(r["period"] == year for r in store.projects.investments(p["id"]))
    )


@pytest.mark.parametrize("reverse", [False, True])
def test_investment_overlap_warns_with_both_figures(seeded, qtbot, monkeypatch, reverse):
    project = annual_project(seeded)
    if reverse:  # quarters first, then the whole year typed
        annual = next(r for r in seeded.projects.investments(project["id"]) if r["period"] == "2025")
        seeded.projects.delete_investment(annual["id"], "重复录入")
        seeded.projects.add_investment(project["id"], "2025Q1", 2_000_000)
    warnings, answers = [], [False, True]
    monkeypatch.setattr(
        investment_module.InvestmentDialog,
        "confirm_overlap",
        lambda self, message: warnings.append(message) or answers.pop(0),
    )
    dialog = investment_module.InvestmentDialog(seeded, project)
    qtbot.addWidget(dialog)
    dialog.period.setText("2025" if reverse else "2025Q3")
    dialog.amount.setText("300")
    count = len(seeded.projects.investments(project["id"]))
    dialog.save()
    assert dialog.result() == 0 and dialog.period.text() and len(seeded.projects.investments(project["id"])) == count
    expected = (
        ("2025年第1季度200.00万元", "本次填报2025年300.00万元")
        if reverse
        else ("2025年全年完成投资", "本次填报2025年第3季度300.00万元")
    )
    assert all(part in warnings[0] for part in expected)
    dialog.save()
    assert dialog.result() == 1 and len(seeded.projects.investments(project["id"])) == count + 1


def test_dialog_mnemonics_do_not_clash(tab, qtbot):
    from ui.dialogs.reason_dialog import ReasonDialog
    from ui.tabs.audits.dialogs import AuditDialog, EnterpriseDialog, FindingDialog

    store = tab.store
    finding = store.findings.page(FindingFilter(), limit=1)[0]
    dialogs = [
        FindingDialog(store, parent=tab),
        FindingDialog(store, store.findings.get(finding["id"]), parent=tab),
        AuditDialog(store, parent=tab),
        EnterpriseDialog(store, parent=tab),
        ReasonDialog("删除问题", "说明", lambda r: None, tab),
        DeletedDialog(store, tab),
    ]
    for kind in (("已整改", False), ("已销号", False), ("整改中", True)):
        dialogs.append(editor_module.TransitionDialog(*kind, tab))
    for d in dialogs:
        qtbot.addWidget(d)
        letters = mnemonics(d)
        assert len(letters) == len(set(letters)), (d.windowTitle(), letters)
    assert "&F" not in tab.editor.add_file.text()  # Alt+F is the 文件 menu's
    editor_letters = mnemonics(tab.editor)
    assert len(editor_letters) == len(set(editor_letters))
    assert not {"F", "E", "H"} & set(editor_letters) & set(mnemonics(tab))


def test_deleted_dialog_models_pass_the_model_tester(tab, qtmodeltester, monkeypatch):
    current = tab.store.findings.page(FindingFilter(), limit=1)[0]
    tab.store.findings.delete(current["id"], "测试")
    dialog = DeletedDialog(tab.store, tab)
    for model in dialog.models.values():
        qtmodeltester.check(model)
    assert dialog.models["findings"].rowCount() == 1


def test_the_reason_box_has_the_cursor_when_a_delete_asks_why(qtbot):
    from PySide6.QtWidgets import QApplication

    from ui.dialogs.reason_dialog import ReasonDialog

    dialog = ReasonDialog("删除问题", "删除这条问题？", lambda reason: reason)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.reason)


def test_a_new_finding_hidden_by_the_filters_is_shown_and_selected(tab, main_window, qtbot, monkeypatch):
    # Once only the status bar said the new finding was hidden; now the filters hiding it
    # are cleared (the others kept) and its row is selected and scrolled to.
    current = select_open_finding(tab, qtbot)
    tab.level.setCurrentIndex(tab.level.findData(current["level"]))  # the new one matches: kept
    tab.status.setCurrentIndex(tab.status.findData("已销号"))  # a new finding is 待整改: cleared
    tab.search.setText("没有这样的问题")  # cleared; Ins pressed before the live search ran
    deadline = (date.fromisoformat(current["audit_date"]) + timedelta(days=30)).isoformat()

    def fill(d):
        d.audit.setCurrentIndex(d.audit.findData(current["audit_id"]))
        d.category.setCurrentIndex(d.category.findData("贮存设施"))
        d.description.setPlainText("贮存间地面无防渗措施")
        d.deadline.setText(deadline)

    seen = drive(monkeypatch, actions_module.FindingDialog, fill)
    tab.edit_actions.new_finding.trigger()
    new_id = seen[0].result_value
    assert tab.search.text() == "" and tab.status.currentData() is None
    assert tab.level.currentData() == current["level"]
    index = tab.table.currentIndex()
    assert index.isValid() and tab.model.row(index.row())["id"] == new_id
    assert tab.table.viewport().rect().contains(tab.table.visualRect(index).center())
    assert tab.editor.finding["id"] == new_id
    assert not tab.search_timer.isActive()  # no late search to undo the selection
    message = main_window.statusBar().currentMessage()
    assert "已清除“整改状态”、“搜索”以显示它" in message
