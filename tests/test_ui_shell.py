"""The app shell offscreen: four tabs, Chinese font, models, filters, settings, error hook."""

import logging

import pytest
from PySide6.QtGui import QFontDatabase

from ui.main_window import MainWindow


@pytest.fixture
def window(qtbot, seeded, settings):
    from PySide6.QtWidgets import QApplication

    from ui.fonts import install_font

    install_font(QApplication.instance())
    w = MainWindow(seeded, settings)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


def test_app_starts_with_four_tabs_and_status(window, seeded):
    titles = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    assert titles == ["指标", "重大工程", "危废考核", "报告"]
    assert str(seeded.path) in window.workspace_label.text()
    assert "测试员" in window.operator_label.text()


def test_bundled_cjk_font_is_registered_and_used(window):
    families = QFontDatabase.families()
    assert "WenQuanYi Micro Hei" in families
    assert window.font().family() == "WenQuanYi Micro Hei"


MODELS = [
    "indicators_tab.model",
    "indicators_tab.obs_model",
    "indicators_tab.history_model",
    "projects_tab.model",
    "projects_tab.progress_model",
    "projects_tab.history_model",
    "projects_tab.initiatives.model",
    "projects_tab.initiatives.notes_model",
    "audits_tab.model",
    "audits_tab.year_level_model",
    "audits_tab.enterprise_model",
    "audits_tab.enterprise_audits",
    "audits_tab.editor.evidence_model",
    "audits_tab.editor.events_model",
]


@pytest.mark.parametrize("path", MODELS)
def test_every_table_model_passes_the_model_tester(window, qtmodeltester, path):
    # One tester per model: a tester keeps one "change in flight" for all it watches.
    model = window
    for part in path.split("."):
        model = getattr(model, part)
    qtmodeltester.check(model, force_py=True)


def test_window_state_is_remembered(qtbot, seeded, settings, tmp_path):
    from ycdesk.store import Store

    w = MainWindow(seeded, settings)
    qtbot.addWidget(w)
    w.resize(700, 500)  # inside the offscreen screen (800×600), which clamps restores
    w.tabs.setCurrentIndex(2)
    w.close()
    again = MainWindow(Store(seeded.path, operator="测试员"), settings)
    qtbot.addWidget(again)
    assert again.tabs.currentIndex() == 2
    assert again.size().width() == 700
    assert settings.get("workspace/last") == str(seeded.path)
    again.close()


def test_exception_hook_logs_traceback_and_shows_dialog(qtbot, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from ui import errors

    shown = []
    monkeypatch.setattr(QMessageBox, "open", lambda self: shown.append(self.detailedText()))
    errors.setup_logging()
    try:
        raise RuntimeError("示例故障")
    except RuntimeError as exc:
        errors.excepthook(type(exc), exc, exc.__traceback__)
    for handler in logging.getLogger().handlers:
        handler.flush()
    from ycdesk.paths import log_path

    assert "示例故障" in log_path().read_text(encoding="utf-8")
    assert shown and "RuntimeError" in shown[0]


def test_user_error_from_opening_a_bad_file_is_a_message(window, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    bogus = tmp_path / "bogus.ycdesk"
    bogus.write_text("not sqlite", encoding="utf-8")
    messages = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: messages.append(text))
    before = window.store
    window._switch_to(str(bogus))
    assert messages and "不是 ycdesk 工作区文件" in messages[0]
    assert window.store is before


def test_operator_name_is_set_remembered_and_recorded(window, settings, monkeypatch):
    monkeypatch.setattr("PySide6.QtWidgets.QInputDialog.getText", lambda *a, **k: ("李科员", True))
    window.ask_operator()
    assert settings.get("operator") == "李科员" and "李科员" in window.operator_label.text()
    tid = window.store.townships.id_for("北海街道")
    window.store.update("townships", tid, {"position": 99})
    assert window.store.history("townships", tid)[-1]["operator"] == "李科员"


def test_export_from_the_menu_runs_in_the_background(window, qtbot, tmp_path, monkeypatch):
    import openpyxl

    out = tmp_path / "重大工程.xlsx"
    monkeypatch.setattr("ui.file_dialogs.QFileDialog.getSaveFileName", lambda *a, **k: (str(out), ""))
    window.export("projects")
    qtbot.waitUntil(lambda: getattr(window, "export_finished", None) == str(out), timeout=30_000)
    rows = list(openpyxl.load_workbook(out).active.iter_rows(values_only=True))
    assert len(rows) == 30 and rows[0][0] == "序号"
