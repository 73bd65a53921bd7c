"""Benchmark: the 危废考核 tab over a workspace with 1,000,000 findings.

Prints the time to open the tab (first page, panel, charts) and to apply each filter,
measured in this run. Usage:

    QT_QPA_PLATFORM=offscreen python tests/bench/bench_findings_view.py [N]
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from make_big import build  # noqa: E402


def timed(label: str, fn) -> float:
    start = time.perf_counter()
    fn()
    elapsed = time.perf_counter() - start
    print(f"  {label:<34} {elapsed * 1000:8.0f} ms")
    return elapsed


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    path = Path(sys.argv[2]) if len(sys.argv) > 2 else Path(tempfile.mkdtemp()) / "big.ycdesk"
    if path.exists():
        print(f"reusing {path}")
    else:
        print(f"workspace with {n:,} findings: built in {build(path, n):.1f} s")

    from PySide6.QtWidgets import QApplication

    from ui.tabs.audits.tab import AuditsTab
    from ycdesk.store import Store

    app = QApplication.instance() or QApplication([])
    store = Store(path, operator="基准")
    tab = AuditsTab()
    tab.resize(1280, 720)
    tab.show()
    results = {}
    results["open"] = timed("open tab (panel, first page, charts)", lambda: (tab.set_store(store), app.processEvents()))
    for label, action in (
        ("filter year=2024", lambda: tab.year.setCurrentIndex(tab.year.findData(2024))),
        ("filter + level=区级", lambda: tab.level.setCurrentIndex(tab.level.findData("区级"))),
        ("filter + status=整改中", lambda: tab.status.setCurrentIndex(tab.status.findData("整改中"))),
        ("filter + township", lambda: tab.township.setCurrentIndex(2)),
        ("clear filters, overdue only", lambda: (
            [c.setCurrentIndex(0) for c in (tab.year, tab.level, tab.status, tab.township)],
            tab.due.setCurrentIndex(tab.due.findData("overdue")))),
        ("text search 渗滤液 (substring)", lambda: (tab.due.setCurrentIndex(0), tab.search.setText("渗滤液"),
                                                tab.search.returnPressed.emit())),
        ("scroll: fetch next page", lambda: tab.model.fetchMore()),
        ("show charts page", lambda: tab.pages.setCurrentIndex(2)),
        ("show enterprises page", lambda: tab.pages.setCurrentIndex(1)),
    ):
        results[label] = timed(label, lambda action=action: (action(), app.processEvents()))
    filters = [v for k, v in results.items() if k.startswith(("filter", "clear", "text"))]
    print(f"rows loaded: {tab.model.rowCount()}; slowest filter: {max(filters) * 1000:.0f} ms")
    store.close()


if __name__ == "__main__":
    main()
