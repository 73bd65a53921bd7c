"""The 危废考核 tab over the big workspace, for ``run_all.py``: run as a script in its own
process (Qt offscreen), it times opening the tab, every single filter and a combination,
substring searches of one to three characters, the next page, the charts page, the first
page sorted by each column, and the memory a long scroll adds; prints one JSON line.

Usage: QT_QPA_PLATFORM=offscreen python tests/bench/view.py WORKSPACE
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

SCROLL_ROWS = 20_000  # rows per step of the scroll measurement (see measure)


def rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def measure(path: str) -> dict:
    from PySide6.QtWidgets import QApplication

    from ui.tabs.audits.tab import AuditsTab
    from ycdesk import findings as core
    from ycdesk.findings import FindingFilter
    from ycdesk.store import Store

    app = QApplication.instance() or QApplication([])
    store = Store(path, operator="基准")
    tab = AuditsTab()
    tab.resize(1280, 720)
    tab.show()
    app.processEvents()
    out: dict[str, float] = {}

    def timed(label, fn):
        start = time.perf_counter()
        fn()
        app.processEvents()
        out[label] = time.perf_counter() - start

    combos = (tab.year, tab.level, tab.township, tab.enterprise, tab.category, tab.status, tab.due)

    def reset():
        for c in combos:
            c.blockSignals(True)
            c.setCurrentIndex(0)
            c.blockSignals(False)
        tab.search.blockSignals(True)
        tab.search.clear()
        tab.search.blockSignals(False)
        tab.apply_filter()
        app.processEvents()

    def search(text):
        tab.search.setText(text)
        tab.search.returnPressed.emit()

    timed("open", lambda: tab.set_store(store))
    singles = {
        "filter year": lambda: tab.year.setCurrentIndex(tab.year.findData(2024)),
        "filter level": lambda: tab.level.setCurrentIndex(tab.level.findData("区级")),
        "filter township": lambda: tab.township.setCurrentIndex(2),
        "filter enterprise": lambda: tab.enterprise.setCurrentIndex(3),
        "filter category": lambda: tab.category.setCurrentIndex(tab.category.findData("转移联单")),
        "filter status": lambda: tab.status.setCurrentIndex(tab.status.findData("整改中")),
        "filter overdue": lambda: tab.due.setCurrentIndex(tab.due.findData("overdue")),
        "filter due soon": lambda: tab.due.setCurrentIndex(tab.due.findData("due_soon")),
        "search 3 chars": lambda: search("渗滤液"),
        "search 2 chars": lambda: search("渗滤"),
        "search 1 char": lambda: search("渗"),
        "search no match": lambda: search("不存在的词"),
    }
    for label, action in singles.items():
        reset()
        timed(label, action)
    reset()
    for label, action in (
        ("year", singles["filter year"]),
        ("level", singles["filter level"]),
        ("township", singles["filter township"]),
        ("status", lambda: tab.status.setCurrentIndex(tab.status.findData("待整改"))),
        ("overdue", singles["filter overdue"]),
        ("search", lambda: search("问题")),
    ):
        timed(f"combined +{label}", action)
    reset()
    timed("next page", lambda: tab.model.fetchMore())
    timed("charts page", lambda: tab.pages.setCurrentIndex(2))
    tab.pages.setCurrentIndex(0)
    # The first page sorted by each column (descending once: it is the same query).
    for column, descending in [(c, False) for c in getattr(core, "SORTABLE", ())] + [("deadline", True)]:
        timed(
            f"sort {column}{' desc' if descending else ''}",
            lambda: store.findings.page(FindingFilter(), limit=200, order=column, descending=descending),
        )
    # The same through the view, as a header click does it: the model's first page (with
    # its 重复 marks) in the new order, painted. Each step changes the order.
    from PySide6.QtCore import Qt

    from ui.tabs.audits.model import COLUMNS as VIEW_COLUMNS

    at = {key: i for i, (_, key) in enumerate(VIEW_COLUMNS)}
    for key, order in (
        ("deadline", Qt.AscendingOrder),
        ("deadline", Qt.DescendingOrder),
        ("enterprise", Qt.AscendingOrder),
        ("status", Qt.AscendingOrder),
        ("overdue_days", Qt.DescendingOrder),
    ):
        timed(
            f"view sort {key}{' desc' if order == Qt.DescendingOrder else ''}",
            lambda: tab.table.sortByColumn(at[key], order),
        )
    reset()
    # Scrolling to the end of a million rows takes minutes of page reads: the growth is
    # measured over the first SCROLL_ROWS rows (caches filling) and the next SCROLL_ROWS
    # (what each further row adds), and projected to the whole list from those two.
    marks = [rss_mb()]
    for goal in (SCROLL_ROWS, 2 * SCROLL_ROWS):
        while tab.model.canFetchMore() and tab.model.rowCount() < goal:
            tab.model.fetchMore()
        marks.append(rss_mb())
    total = store.findings.count(FindingFilter())
    per_row = (marks[2] - marks[1]) / SCROLL_ROWS
    out["scroll memory to the end (MB)"] = marks[1] - marks[0] + per_row * max(total - SCROLL_ROWS, 0)
    out["findings"] = total
    store.close()
    return out


if __name__ == "__main__":
    print(json.dumps(measure(sys.argv[1])))
    sys.stdout.flush()
    os._exit(0)  # skip tearing down a million-row view: not part of any figure
