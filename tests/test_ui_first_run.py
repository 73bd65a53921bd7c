"""The first start: the dialog asks operator, unit and demo or blank; what it sets is what
history records and what a generated report prints (编制, 编制单位)."""

from __future__ import annotations

from pypdf import PdfReader
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog

from ui.app import open_at_start
from ui.dialogs.first_run import FirstRunDialog
from ycdesk.paths import default_workspace


def answer_first_run(name: str, unit: str, *, blank: bool = False, quit: bool = False) -> list:
    """Fill in the modal first-run dialog as a user would, once it is up."""
    seen = []

    def poke() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, FirstRunDialog):
            QTimer.singleShot(20, poke)
            return
        seen.append(dialog)
        if quit:
            dialog.buttons.rejected.emit()
            return
        dialog.name.setText(name)
        dialog.unit.setText(unit)
        (dialog.blank if blank else dialog.demo).setChecked(True)
        dialog.ok.click()

    QTimer.singleShot(0, poke)
    return seen


def test_first_run_operator_appears_in_history_and_on_the_report(qtbot, tmp_path, settings):
    from ui.main_window import MainWindow
    from ycdesk.reports import quarterly

    assert not default_workspace().exists()
    seen = answer_first_run("张三", "绍兴市生态环境局越城分局府山所", blank=True)
    store = open_at_start(None, settings)
    assert seen, "the first-run dialog was not shown"
    assert store.path == default_workspace() and store.operator == "张三"
    assert settings.get("operator") == "张三"  # every later start uses it too

    window = MainWindow(store, settings)
    qtbot.addWidget(window)
    window.show()
    assert "张三" in window.operator_label.text()
    tab = window.indicators_tab
    indicator = store.indicators.by_code("FYP14-03")
    store.indicators.add_observation(indicator["id"], "2024", 95.0, source="测试")
    tab.table.setCurrentIndex(tab.model.index(tab.model.find(indicator["id"]), 1))
    tab.show_detail()
    operators = {r["operator"] for r in tab.history_model.records}
    assert "张三" in operators

    pdf = tmp_path / "季度报告.pdf"
    quarterly.build(store, "2025Q4", pdf)
    text = "".join(page.extract_text() for page in PdfReader(str(pdf)).pages)
    assert "编制：张三" in text
    assert "编制单位：绍兴市生态环境局越城分局府山所" in text
    assert "root" not in text


def test_first_run_blank_or_demo(qtbot, settings, tmp_path):
    from ycdesk.seed import demo_count

    answer_first_run("李四", "府山街道办事处", blank=True)
    store = open_at_start(None, settings)
    try:
        assert demo_count(store) == 0
        assert store.scalar("SELECT COUNT(*) FROM projects") == 29  # the plan itself is there
        assert store.scalar("SELECT COUNT(*) FROM findings") == 0
    finally:
        store.close()
    default_workspace().unlink()
    answer_first_run("李四", "府山街道办事处")  # 从演示数据开始 is the preselected choice
    store = open_at_start(None, settings)
    try:
        assert demo_count(store) > 0
    finally:
        store.close()


def test_quitting_the_first_run_creates_nothing(qtbot, settings):
    seen = answer_first_run("", "", quit=True)
    assert open_at_start(None, settings) is None
    assert seen and not default_workspace().exists()


def test_start_needs_a_name_and_a_unit(qtbot):
    dialog = FirstRunDialog()
    qtbot.addWidget(dialog)
    assert not dialog.ok.isEnabled()  # no name yet
    dialog.name.setText("  王五 ")
    assert dialog.ok.isEnabled() and dialog.operator == "王五"
    dialog.unit.setText("  ")
    assert not dialog.ok.isEnabled()
    dialog.grab().save("/tmp/fr/first_run.png")
    assert dialog.result() != QDialog.Accepted
