"""Pieces the tabs share: a table view set up the same way everywhere (sortable by a
header click), and a debounced search box."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLineEdit, QTableView

SEARCH_DELAY_MS = 300  # typing pauses this long before a search runs


def make_table(model, parent=None) -> QTableView:
    view = QTableView(parent)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectRows)
    view.setSelectionMode(QAbstractItemView.SingleSelection)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.verticalHeader().setVisible(False)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.Interactive)
    view.horizontalHeader().setStretchLastSection(True)
    if hasattr(model, "can_sort"):
        enable_sorting(view)
    return view


def fit_columns(view: QTableView) -> None:
    """Columns as wide as their cells and header text. Not resizeColumnsToContents: with
    sorting on, Qt reserves room for the sort arrow in every header section, which widens
    a dozen columns by ~20 px each and pushes the last ones off a laptop screen."""
    header, metrics = view.horizontalHeader(), view.horizontalHeader().fontMetrics()
    model = view.model()
    for column in range(model.columnCount()):
        text = str(model.headerData(column, Qt.Horizontal) or "")
        longest = max((metrics.horizontalAdvance(line) for line in text.splitlines()), default=0)
        header.resizeSection(column, max(view.sizeHintForColumn(column), longest + 12))


def current_record(view) -> dict | None:
    """The record of the current row of a table over a RecordsModel, or None."""
    index = view.currentIndex()
    return view.model().record(index.row()) if index.isValid() else None


def enable_sorting(view: QTableView) -> None:
    """Sort by clicking a header, the indicator showing the model's current sort (at first
    its default: none, or the findings' default order). A click on a column the model
    cannot sort by leaves the sort and the indicator as they were."""
    model, header = view.model(), view.horizontalHeader()
    header.setSortIndicator(model.sort_column, model.sort_order)
    view.setSortingEnabled(True)

    def keep_sortable(section: int, _order) -> None:
        if not model.can_sort(section):
            header.setSortIndicator(model.sort_column, model.sort_order)

    header.sortIndicatorChanged.connect(keep_sortable)


def debounced(edit: QLineEdit, slot, delay_ms: int = SEARCH_DELAY_MS) -> QTimer:
    """Run ``slot`` once typing in ``edit`` pauses (live search without a query per key);
    Enter runs it at once."""
    timer = QTimer(edit)
    timer.setSingleShot(True)
    timer.setInterval(delay_ms)
    # Not after its window has closed: the workspace it would search is closed with it.
    timer.timeout.connect(lambda: edit.window().isVisible() and slot())
    edit.textChanged.connect(lambda _text: timer.start())

    def now() -> None:
        timer.stop()
        slot()

    edit.returnPressed.connect(now)
    return timer
