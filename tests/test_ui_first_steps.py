"""In the app, not only on the command line: import templates, removing the demo data,
the shipped guide and a shortcut list read from the window's actions."""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMessageBox

from ui.dialogs.help_dialog import GuideDialog, ShortcutsDialog, guide_path, plain, shortcut_rows
from ycdesk.imports.kinds import IMPORT_KINDS
from ycdesk.seed import demo_count


def test_a_template_for_every_import_kind(main_window, tmp_path, monkeypatch):
    from openpyxl import load_workbook

    main_window.templates_menu.aboutToShow.emit()  # filled when opened
    entries = [plain(a.text()) for a in main_window.templates_menu.actions()]
    assert entries == [f"{k.label}模板" for k in IMPORT_KINDS.values()]
    target = tmp_path / "考核问题"  # no extension typed: .xlsx is added
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    main_window.templates_menu.actions()[0].trigger()
    saved = tmp_path / "考核问题.xlsx"
    headers = [c.value for c in next(load_workbook(saved).active.iter_rows(max_row=1))]
    assert "问题描述" in "".join(str(h) for h in headers)
    assert "考核问题.xlsx" in main_window.statusBar().currentMessage()


def test_removing_demo_data_asks_backs_up_and_removes(main_window, monkeypatch):
    store = main_window.store
    before = demo_count(store)
    assert before > 0
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: asked.append(a[2]) or QMessageBox.No)
    main_window.remove_demo_action.trigger()
    assert str(before) in asked[0] and demo_count(store) == before  # "No" changes nothing
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.Yes)
    main_window.remove_demo_action.trigger()
    assert demo_count(store) == 0
    assert store.scalar("SELECT COUNT(*) FROM projects WHERE deleted_at IS NULL") == 29  # the plan stays
    assert any(b.reason == "before-demo-removal" for b in store.backups())
    assert "已删除演示数据" in main_window.statusBar().currentMessage()
    told = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: told.append(a[2]))
    main_window.remove_demo_action.trigger()
    assert told == ["工作区中没有演示数据。"]


def test_the_guide_ships_and_opens_offline(main_window, qtbot):
    assert guide_path().exists()
    dialog = GuideDialog(main_window)
    qtbot.addWidget(dialog)
    text = dialog.browser.toPlainText()
    assert "第一次使用" in text and "导入模板" in text
    assert main_window.guide_action in main_window.menuBar().actions()[-1].menu().actions()


def test_the_installer_ships_the_guide():
    import build_installer

    source = open(build_installer.__file__, encoding="utf-8").read()
    assert "ROOT / 'resources'}{sep}resources" in source  # the whole folder, help/ included


def test_shortcuts_are_read_from_the_actions(main_window, qtbot):
    rows = {name: (keys, where) for name, keys, where in shortcut_rows(main_window)}
    assert rows["导入"] == (QKeySequence("Ctrl+I").toString(QKeySequence.NativeText), "文件")
    assert QKeySequence("Ctrl+3").toString(QKeySequence.NativeText) in rows["转到“危废考核”页"][0]
    # A shortcut added to the window later is listed too: nothing is hard-coded.
    main_window.addAction(QAction("测试动作", main_window, shortcut=QKeySequence("Ctrl+Shift+F12")))
    dialog = ShortcutsDialog(main_window)
    qtbot.addWidget(dialog)
    names = [dialog.table.item(r, 0).text() for r in range(dialog.table.rowCount())]
    assert "测试动作" in names and "使用说明" in names


def test_a_page_shortcut_names_its_page(main_window):
    # Ins/F2/Del act on three tables of 危废考核; each row once said only "当前页面".
    main_window.tab_for("audits")
    rows = {name: (keys, where) for name, keys, where in shortcut_rows(main_window)}
    ins = QKeySequence("Ins").toString(QKeySequence.NativeText)
    assert rows["新增问题"] == (ins, "危废考核 → 问题清单（光标在问题列表中时）")
    assert rows["新增企业"] == (ins, "危废考核 → 企业（光标在企业列表中时）")
    assert rows["删除考核"][1] == "危废考核 → 企业（光标在考核列表中时）"
    places = [where for _name, _keys, where in shortcut_rows(main_window)]
    assert "当前页面" not in "".join(places)
