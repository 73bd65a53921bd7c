"""An empty page says what is missing and offers the next step: import, template."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QFileDialog
from test_ui_fit import blank  # noqa: F401  (fixture: a workspace with the plan and no demo data)

from ui.dialogs.import_wizard import ImportWizard


def window_on(qtbot, store, settings, index):
    from ui.main_window import MainWindow

    window = MainWindow(store, settings)
    qtbot.addWidget(window)
    window.show()
    window.tabs.setCurrentIndex(index)
    tab = window.tab(index)
    qtbot.waitUntil(tab.isVisible)  # a tab built into a shown window is shown by the event loop
    return window, tab


def test_an_empty_audits_page_offers_import_and_template(qtbot, blank, settings, tmp_path, monkeypatch):  # noqa: F811
    window, tab = window_on(qtbot, blank, settings, 2)
    hint = tab.empty_hint
    assert hint.isVisible() and "还没有考核问题" in hint.label.text()
    opened = []
    monkeypatch.setattr(ImportWizard, "exec", lambda self: opened.append(self.kind()) or QDialog.Rejected)
    hint.import_button.click()
    assert opened == ["findings"]
    target = tmp_path / "考核问题导入模板.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    hint.template_button.click()
    assert target.exists()


def test_no_hint_once_there_is_data(qtbot, seeded, settings):
    _window, audits = window_on(qtbot, seeded, settings, 2)
    assert not audits.empty_hint.isVisible()
    _window, projects = window_on(qtbot, seeded, settings, 1)
    assert not projects.empty_hint.isVisible()


def test_projects_without_any_progress_say_so(qtbot, blank, settings, monkeypatch):  # noqa: F811
    window, tab = window_on(qtbot, blank, settings, 1)
    assert tab.empty_hint.isVisible() and "未填报" in tab.empty_hint.label.text()
    opened = []
    monkeypatch.setattr(ImportWizard, "exec", lambda self: opened.append(self.kind()) or QDialog.Rejected)
    tab.empty_hint.import_button.click()
    assert opened == ["investments"]
    project = blank.projects.list()[0]
    blank.projects.add_investment(project["id"], str(project["start_year"]), 1_000_000)
    tab.refresh()
    assert not tab.empty_hint.isVisible()
