"""The 指标 tab driven like a user: filter, open, add a value, chart, lock, undo, settings."""

import pytest
from PySide6.QtCore import Qt

from ui.main_window import MainWindow
from ui.tabs.indicators import tab as tab_module
from ui.tabs.indicators.model import COLUMNS, ITEM


@pytest.fixture
def window(main_window):
    return main_window


@pytest.fixture
def tab(window):
    return window.indicators_tab


def items(tab):
    return [r for r in tab.model.rows if r["kind"] == ITEM]


def open_indicator(tab, code):
    ind = tab.store.indicators.by_code(code)
    tab.table.setCurrentIndex(tab.model.index(tab.model.find(ind["id"]), 1))
    return ind


def answer_dialog(period, value, scope=None):
    def exec_(dialog):
        if period is not None:
            dialog.period.setText(period)
        if scope:
            dialog.scope.setCurrentText(scope)
        dialog.value.setText(value)
        dialog.save()
        return dialog.result()

    return exec_


def test_model_and_status_badges(tab, qtmodeltester):
    qtmodeltester.check(tab.model, force_py=True)
    rows = {r["code"]: r for r in items(tab)}
    assert len(rows) == 12
    row = tab.model.find(rows["FYP14-05"]["id"])
    status_col = [key for _, key in COLUMNS].index("status")
    index = tab.model.index(row, status_col)
    assert tab.model.data(index) == "待下达"
    assert tab.model.data(index, Qt.BackgroundRole) is not None  # colour and text, not colour alone


def test_filters(tab, qtbot):
    tab.status.setCurrentIndex(tab.status.findData("待下达"))
    qtbot.waitUntil(lambda: len(items(tab)) == 6)
    tab.status.setCurrentIndex(0)
    tab.plan.setCurrentIndex(tab.plan.findData("十三五"))
    qtbot.waitUntil(lambda: len(items(tab)) == 6)
    tab.plan.setCurrentIndex(tab.plan.findData(None))
    tab.search.setText("PM2.5")
    qtbot.waitUntil(lambda: {r["code"] for r in items(tab)} == {"FYP14-02", "FYP13-03", "MON-PM25"})
    tab.search.clear()
    tab.category.setCurrentIndex(tab.category.findData("风险防控"))
    qtbot.waitUntil(lambda: {r["category"] for r in items(tab)} == {"风险防控"})


def test_open_indicator_shows_series_target_and_limit(tab, qtbot):
    tab.plan.setCurrentIndex(tab.plan.findData("监测"))
    qtbot.waitUntil(lambda: len(items(tab)) > 0)
    open_indicator(tab, "MON-SO2")
    xs, ys = tab.chart.curves["全区"]
    assert ys == [27, 15, 12, 8, 6, 5, 6]
    assert tab.chart.limit_line is not None and tab.chart.limit_line.value() == 60
    tab.plan.setCurrentIndex(tab.plan.findData("十四五"))
    open_indicator(tab, "FYP14-02")
    assert tab.chart.target_line is not None and tab.chart.target_line.value() == 28


def test_add_observation_updates_chart_and_undo_removes_it(tab, qtbot, monkeypatch):
    open_indicator(tab, "FYP14-03")
    before = list(tab.chart.curves["全区"][1])
    monkeypatch.setattr(tab_module.ObservationDialog, "exec", answer_dialog("2025Q3", "93.6"))
    tab.add_observation()
    qtbot.waitUntil(lambda: len(tab.chart.curves["全区"][1]) == len(before) + 1)
    assert 93.6 in tab.chart.curves["全区"][1]
    assert any(o["period"] == "2025Q3" for o in tab.obs_model.records)
    tab.window().undo_action.trigger()
    qtbot.waitUntil(lambda: tab.chart.curves["全区"][1] == before)
    tab.window().redo_action.trigger()
    qtbot.waitUntil(lambda: 93.6 in tab.chart.curves["全区"][1])


def test_invalid_value_is_refused_with_a_message(tab, monkeypatch):
    open_indicator(tab, "FYP14-03")
    shown = []
    monkeypatch.setattr(
        "ui.dialogs.observation_dialog.QMessageBox.warning", lambda parent, title, text: shown.append(text)
    )
    monkeypatch.setattr(tab_module.ObservationDialog, "exec", answer_dialog("2024Q1", "120"))
    count = tab.store.scalar("SELECT COUNT(*) FROM observations")
    tab.add_observation()
    assert shown and "百分比" in shown[0]
    assert tab.store.scalar("SELECT COUNT(*) FROM observations") == count


def test_outlier_asks_and_saves_only_when_confirmed(tab, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    tab.plan.setCurrentIndex(tab.plan.findData("监测"))
    open_indicator(tab, "MON-SO2")
    asked = []
    monkeypatch.setattr(
        "ui.dialogs.observation_dialog.QMessageBox.question",
        lambda parent, title, text: asked.append(text) or QMessageBox.No,
    )
    monkeypatch.setattr(tab_module.ObservationDialog, "exec", answer_dialog("2022", "600"))
    tab.add_observation()
    assert asked and "请确认" in asked[0]
    assert 600 not in tab.chart.curves["全区"][1]


def test_locked_quarter_refuses_editing_with_a_message(tab, qtbot, monkeypatch):
    open_indicator(tab, "FYP14-02")
    messages = []
    monkeypatch.setattr(
        "ui.dialogs.observation_dialog.QMessageBox.warning", lambda parent, title, text: messages.append(text)
    )

    def lock_dialog(dialog):
        dialog.period.setText("2025Q2")
        dialog.reason.setText("二季度签收")
        return True

    monkeypatch.setattr(tab_module.PeriodReasonDialog, "exec", lock_dialog)
    tab.lock_quarter()
    qtbot.waitUntil(lambda: "2025Q2" in tab.locks.text())
    monkeypatch.setattr(tab_module.ObservationDialog, "exec", answer_dialog("2025Q2", "30", scope="富盛镇"))
    tab.add_observation()
    assert messages and "已签收锁定" in messages[-1]
    assert not tab.store.query("SELECT 1 FROM observations WHERE period = '2025Q2' AND scope = '富盛镇'")


def test_deferred_target_entered_from_the_tab(tab, qtbot, monkeypatch):
    ind = open_indicator(tab, "FYP14-09")
    assert tab.buttons["assign"].isEnabled()

    def fill(dialog):
        dialog.period.setText("≥90")
        dialog.reason.setText("浙环函〔2022〕12号")
        return True

    monkeypatch.setattr(tab_module.PeriodReasonDialog, "exec", fill)
    tab.assign_target()
    qtbot.waitUntil(lambda: tab.store.get("indicators", ind["id"])["assigned_target_text"] == "≥90")
    row = next(r for r in items(tab) if r["code"] == "FYP14-09")
    assert row["status"] == "无数据" and row["effective_target"] == "≥90"


def test_filters_and_columns_are_remembered(qtbot, window, seeded, settings):
    from ycdesk.store import Store

    tab = window.indicators_tab
    tab.plan.setCurrentIndex(tab.plan.findData("十三五"))
    tab.table.setColumnWidth(1, 333)
    window.close()
    again = MainWindow(Store(seeded.path, operator="测试员"), settings)
    qtbot.addWidget(again)
    assert again.indicators_tab.plan.currentData() == "十三五"
    assert again.indicators_tab.table.columnWidth(1) == 333
    again.close()


def test_township_scope_shows_township_values(tab, qtbot):
    tab.scope.setCurrentText(tab.store.townships.names()[0])
    qtbot.waitUntil(lambda: any(r["latest_period"].startswith("2025Q") for r in items(tab)))
    open_indicator(tab, "FYP14-02")
    assert "未填报" in tab.completeness.text()
