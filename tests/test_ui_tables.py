"""Tables as an Excel user expects them: sort by a header click (in SQL for the lazy
findings list), the default order and 逾期天数, export of exactly the current view, live
debounced search, and widths, sort and filters remembered per workspace."""

from __future__ import annotations

import csv
import importlib.util
import shutil
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from ui.tabs.audits.model import COLUMNS, PAGE
from ycdesk.findings import FindingFilter, overdue_days

BIG = 20_000  # findings in the big workspace: many pages, still quick to build
COLUMN = {key: i for i, (_, key) in enumerate(COLUMNS)}


def click_header(view, column: int) -> None:
    header = view.horizontalHeader()
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    QTest.mouseClick(header.viewport(), Qt.LeftButton, Qt.NoModifier, QPoint(x, header.height() // 2))


def type_into(edit, text: str) -> None:
    """Type ``text`` one character at a time, as an input method commits Chinese (QTest's
    key clicks take ASCII only); no event loop runs in between, as when typing quickly."""
    for ch in text:
        edit.insert(ch)


def load(model, rows: int) -> None:
    while model.canFetchMore() and model.rowCount() < rows:
        model.fetchMore()


def listed_ids(model, rows: int | None = None) -> list[str]:
    return [model.row(i)["id"] for i in range(rows if rows is not None else model.rowCount())]


def core_ids(store, flt, order, descending, limit) -> list[str]:
    return [r["id"] for r in store.findings.page(flt, limit=limit, order=order, descending=descending)]


@pytest.fixture(scope="module")
def _big_template(tmp_path_factory):
    spec = importlib.util.spec_from_file_location("make_big", Path(__file__).parent / "bench" / "make_big.py")
    make_big = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make_big)
    path = tmp_path_factory.mktemp("big") / "big.ycdesk"
    make_big.build(path, BIG)
    return path


@pytest.fixture
def big_tab(qtbot, tmp_path, _big_template):
    from ui.tabs.audits.tab import AuditsTab
    from ycdesk.store import Store

    path = tmp_path / "big.ycdesk"
    shutil.copy(_big_template, path)
    store = Store(path, operator="测试员")
    tab = AuditsTab()
    qtbot.addWidget(tab)
    tab.resize(1300, 700)
    tab.show()
    tab.set_store(store)
    yield tab
    store.close()


# -- sorting ------------------------------------------------------------------------------


def test_header_click_sorts_the_big_lazy_list_in_sql_across_pages(big_tab, qtmodeltester):
    tab, store = big_tab, big_tab.store
    flt = tab.current_filter()
    assert store.findings.count(flt) > BIG  # the demo findings and the generated ones
    click_header(tab.table, COLUMN["deadline"])
    header = tab.table.horizontalHeader()
    assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == (COLUMN["deadline"], Qt.AscendingOrder)
    assert header.isSortIndicatorShown()
    load(tab.model, 3 * PAGE + 1)  # three page boundaries crossed
    rows = 3 * PAGE + 1
    assert listed_ids(tab.model, rows) == core_ids(store, flt, "deadline", False, rows)
    deadlines = [tab.model.data(tab.model.index(i, COLUMN["deadline"])) for i in range(rows)]
    assert deadlines == sorted(deadlines)
    qtmodeltester.check(tab.model, force_py=True)

    click_header(tab.table, COLUMN["deadline"])  # again: descending
    assert header.sortIndicatorOrder() == Qt.DescendingOrder
    load(tab.model, 2 * PAGE + 1)
    rows = 2 * PAGE + 1
    assert listed_ids(tab.model, rows) == core_ids(store, flt, "deadline", True, rows)
    deadlines = [tab.model.data(tab.model.index(i, COLUMN["deadline"])) for i in range(rows)]
    assert deadlines == sorted(deadlines, reverse=True)


@pytest.mark.parametrize("column", ["enterprise", "year", "status", "category"])
def test_every_column_sorts_the_big_list_like_the_core(big_tab, qtmodeltester, column):
    tab = big_tab
    click_header(tab.table, COLUMN[column])
    click_header(tab.table, COLUMN[column])  # descending
    load(tab.model, 2 * PAGE + 1)
    values = [tab.model.row(i)[column] for i in range(2 * PAGE + 1)]
    assert values == sorted(values, reverse=True)
    assert listed_ids(tab.model, 2 * PAGE + 1) == core_ids(tab.store, tab.current_filter(), column, True, 2 * PAGE + 1)
    qtmodeltester.check(tab.model, force_py=True)


def test_a_column_that_cannot_order_a_million_rows_leaves_the_sort_alone(big_tab):
    tab = big_tab
    click_header(tab.table, COLUMN["deadline"])
    first = listed_ids(tab.model, 5)
    click_header(tab.table, COLUMN["repeat"])
    header = tab.table.horizontalHeader()
    assert header.sortIndicatorSection() == COLUMN["deadline"]
    assert listed_ids(tab.model, 5) == first


@pytest.fixture
def tab(main_window):
    main_window.tabs.setCurrentIndex(2)
    return main_window.audits_tab


def test_findings_open_on_open_and_overdue_first_with_days_overdue(tab):
    header = tab.table.horizontalHeader()
    assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == (COLUMN["overdue_days"], Qt.DescendingOrder)
    today = tab.as_of
    first = tab.model.row(0)
    assert first["status"] in ("待整改", "整改中") and overdue_days(first, today)
    shown = [tab.model.data(tab.model.index(i, COLUMN["overdue_days"])) for i in range(tab.model.rowCount())]
    days = [int(s) for s in shown if s]
    assert days and days == sorted(days, reverse=True)  # most overdue first
    assert shown[: len(days)] == [str(d) for d in days]  # the overdue ones lead
    for i in range(tab.model.rowCount()):
        row = tab.model.row(i)
        expected = overdue_days(row, today)
        assert shown[i] == ("" if expected is None else str(expected))
        if row["status"] in ("已整改", "已销号"):
            assert shown[i] == ""
    # Ascending 逾期天数 puts the closed findings first.
    click_header(tab.table, COLUMN["overdue_days"])
    assert tab.model.row(0)["status"] == "已销号"


def test_small_tables_sort_by_a_header_click_within_their_groups(main_window, qtmodeltester):
    from ui.tabs.projects.model import GROUP, PROJECT, TOTAL

    main_window.tabs.setCurrentIndex(1)
    tab = main_window.projects_tab
    column = [k for _, k in __import__("ui.tabs.projects.model", fromlist=["COLUMNS"]).COLUMNS].index("total_yuan")
    kinds_before = [r["kind"] for r in tab.model.rows]
    click_header(tab.table, column)
    click_header(tab.table, column)  # descending
    assert tab.table.horizontalHeader().sortIndicatorOrder() == Qt.DescendingOrder
    rows = tab.model.rows
    assert [r["kind"] for r in rows] == kinds_before  # subtotals stay on top of their domain
    assert rows[-1]["kind"] == TOTAL
    group: list[int] = []
    for r in rows + [{"kind": GROUP}]:
        if r["kind"] == PROJECT:
            group.append(r["total_yuan"] or 0)
        else:
            assert group == sorted(group, reverse=True)
            group = []
    qtmodeltester.check(tab.model, force_py=True)
    # A refresh (a new period) keeps the chosen order.
    tab.period.setCurrentIndex(0)
    first_group = []
    for r in tab.model.rows[1:]:
        if r["kind"] != PROJECT:
            break
        first_group.append(r["total_yuan"] or 0)
    assert first_group == sorted(first_group, reverse=True)


def test_records_tables_sort_numbers_as_numbers_and_empties_last(qtbot):
    from ui.models.records import Col, RecordsModel
    from ui.tabs.common import make_table

    model = RecordsModel([Col("名称", "name"), Col("数", "n")])
    view = make_table(model)
    qtbot.addWidget(view)
    model.set_records([{"name": "乙", "n": "9"}, {"name": "甲", "n": None}, {"name": "丙", "n": "10"}])
    view.sortByColumn(1, Qt.AscendingOrder)
    assert [r["name"] for r in model.rows] == ["乙", "丙", "甲"]
    view.sortByColumn(1, Qt.DescendingOrder)
    assert [r["name"] for r in model.rows] == ["丙", "乙", "甲"]
    model.set_records([{"name": "丁", "n": 2}, {"name": "戊", "n": 11}])  # a refresh keeps the sort
    assert [r["name"] for r in model.rows] == ["戊", "丁"]


# -- export of the current view --------------------------------------------------------------


def test_export_current_view_has_exactly_the_listed_rows_in_order(tab, qtbot, tmp_path):
    tab.year.setCurrentIndex(tab.year.findData(2021))
    tab.status.setCurrentIndex(tab.status.findData("已销号"))
    click_header(tab.table, COLUMN["deadline"])
    click_header(tab.table, COLUMN["deadline"])  # descending
    load(tab.model, 10_000)
    shown = listed_ids(tab.model)
    assert 0 < len(shown) < tab.store.findings.count(FindingFilter())
    path = tmp_path / "view.csv"
    tab.export_view(str(path))
    qtbot.waitUntil(lambda: getattr(tab, "export_finished", None) is not None, timeout=20_000)
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["ID"] for r in rows] == shown
    assert tab.export_finished == (str(path), len(shown))
    assert {r["考核年度"] for r in rows} == {"2021"} and {r["整改状态"] for r in rows} == {"已销号"}
    assert [r["整改期限"] for r in rows] == sorted((r["整改期限"] for r in rows), reverse=True)


def test_export_of_a_view_in_the_default_order_gives_days_overdue(seeded, tmp_path):
    from ycdesk.export import export_findings_view

    flt = FindingFilter(due="overdue", as_of=date(2025, 10, 1))
    n = export_findings_view(seeded, tmp_path / "v.csv", flt, order="due")
    with open(tmp_path / "v.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert n == len(rows) == seeded.findings.count(flt) > 0
    expected = seeded.findings.page(flt, limit=100_000, order="due")
    assert [r["ID"] for r in rows] == [r["id"] for r in expected]
    assert [int(r["逾期天数"]) for r in rows] == [overdue_days(r, flt.as_of) for r in expected]
    assert {r["是否逾期"] for r in rows} == {"是"}


# -- live search ---------------------------------------------------------------------------


def test_findings_search_is_live_once_typing_pauses(tab, qtbot, monkeypatch):
    calls = []
    original = tab.model.set_filter
    monkeypatch.setattr(tab.model, "set_filter", lambda store, flt: (calls.append(flt.text), original(store, flt)))
    type_into(tab.search, "渗滤液")  # no Enter
    assert calls == [] and tab.search_timer.isActive()  # nothing yet: typing has not paused
    qtbot.waitUntil(lambda: calls == ["渗滤液"])
    qtbot.waitUntil(
        lambda: (
            tab.model.rowCount() > 0
            and all("渗滤液" in tab.model.row(r)["description"] for r in range(tab.model.rowCount()))
        )
    )
    assert calls == ["渗滤液"]  # one search for three keys


def test_indicator_search_is_debounced_too(main_window, qtbot):
    tab = main_window.indicators_tab
    before = tab.model.rowCount()
    type_into(tab.search, "空气")
    assert tab.model.rowCount() == before and tab.search_timer.isActive()
    qtbot.waitUntil(lambda: 0 < tab.model.rowCount() < before)


# -- remembered per workspace ----------------------------------------------------------------


def test_widths_sort_and_filters_belong_to_their_workspace(main_window, qtbot, tmp_path, settings):
    from ui.main_window import MainWindow
    from ycdesk.seed import init_workspace
    from ycdesk.store import Store

    first = main_window.store.path
    tab = main_window.tab(2)
    main_window.tabs.setCurrentIndex(2)
    default_width = tab.table.columnWidth(COLUMN["description"])
    tab.table.setColumnWidth(COLUMN["description"], default_width + 123)
    tab.status.setCurrentIndex(tab.status.findData("整改中"))
    tab.search.setText("台账")
    tab.search.returnPressed.emit()
    click_header(tab.table, COLUMN["enterprise"])

    other_path = tmp_path / "other.ycdesk"
    with Store(other_path, operator="测试员") as other:
        init_workspace(other)
    main_window.set_store(Store(other_path, operator="测试员"))
    assert tab.status.currentData() is None and tab.search.text() == ""
    assert tab.table.columnWidth(COLUMN["description"]) == default_width
    header = tab.table.horizontalHeader()
    assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == (COLUMN["overdue_days"], Qt.DescendingOrder)
    assert tab.model.filter.status is None and tab.model.order == "due"

    main_window.set_store(Store(first, operator="测试员"))
    assert tab.status.currentData() == "整改中" and tab.search.text() == "台账"
    assert tab.table.columnWidth(COLUMN["description"]) == default_width + 123
    assert header.sortIndicatorSection() == COLUMN["enterprise"] and tab.model.order == "enterprise"
    assert tab.model.filter.status == "整改中" and tab.model.filter.text == "台账"

    main_window.close()  # and across a restart
    again = MainWindow(Store(first, operator="测试员"), settings)
    qtbot.addWidget(again)
    again.tabs.setCurrentIndex(2)
    assert again.audits_tab.status.currentData() == "整改中"
    assert again.audits_tab.table.columnWidth(COLUMN["description"]) == default_width + 123
    again.close()


def test_the_menu_exports_the_current_view_of_a_small_table_too(main_window, tmp_path, monkeypatch):
    from ui import export_view

    tab = main_window.indicators_tab
    tab.search.setText("空气")
    tab.search.returnPressed.emit()
    tab.table.sortByColumn(1, Qt.DescendingOrder)
    monkeypatch.setattr(export_view, "ask_path", lambda *_: str(tmp_path / "view.csv"))
    main_window.export_view_action.trigger()
    with open(tmp_path / "view.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    model = tab.model
    assert rows[0] == model.headers()
    assert [r[1] for r in rows[1:]] == [model.data(model.index(i, 1)) or "" for i in range(model.rowCount())]
    assert any("空气" in r[1] for r in rows[1:])
    assert tab.export_finished == (str(tmp_path / "view.csv"), model.rowCount())


def test_indicator_filters_do_not_follow_into_another_workspace(main_window, tmp_path):
    from ycdesk.seed import init_workspace
    from ycdesk.store import Store

    first = main_window.store.path
    tab = main_window.indicators_tab
    tab.status.setCurrentIndex(2)
    tab.search.setText("水")
    tab.search.returnPressed.emit()
    other_path = tmp_path / "other.ycdesk"
    with Store(other_path, operator="测试员") as other:
        init_workspace(other)
    main_window.set_store(Store(other_path, operator="测试员"))
    assert tab.search.text() == "" and tab.status.currentIndex() == 0
    main_window.set_store(Store(first, operator="测试员"))
    assert tab.search.text() == "水" and tab.status.currentIndex() == 2
