"""The findings table: lazy, paged by key, so a million findings scroll like a hundred.

``fetchMore`` asks the core for the rows after the last loaded key (never OFFSET), as
datasette pages its tables; the view calls it when the user scrolls near the end. Sorting
by a header is the core's sorted keyset paging (in SQL): the model only remembers the
order and the last row's sort key. It opens on the core's default order: open and overdue
findings first, most overdue first.

The model keeps every loaded row's key (8 bytes) but the rows themselves only for the
pages seen last (:data:`CACHED_PAGES`): scrolling through a million findings would
otherwise hold a million dicts (about 2 GB). A page scrolled back to is read again by key.
"""

from __future__ import annotations

from array import array
from collections import OrderedDict
from datetime import date

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from ui.models.base import RowsModel
from ycdesk.findings import DEFAULT_ORDER, SORTABLE, FindingFilter, due_state, overdue_days

PAGE = 200
CACHED_PAGES = 25  # rows kept as dicts: 5,000, whatever the number loaded
COLUMNS = [
    ("企业名称", "enterprise"),
    ("镇街", "township"),
    ("年度", "year"),
    ("级别", "level"),
    ("问题类别", "category"),
    ("问题描述", "description"),
    ("整改期限", "deadline"),
    ("整改状态", "status"),
    ("期限提醒", "due"),
    ("逾期天数", "overdue_days"),
    ("责任人", "responsible"),
    ("重复", "repeat"),
]
# Column → (the core's sort key, whether the column's ascending is the key's descending).
# 逾期天数 and 期限提醒 both follow the default order: most days overdue = earliest deadline
# of an open finding. 重复 is worked out per loaded page, so it cannot order a million rows.
SORT_KEYS = {key: (key, False) for key in SORTABLE} | {
    "overdue_days": (DEFAULT_ORDER, True),
    "due": (DEFAULT_ORDER, False),
}
DEFAULT_SORT = ([k for _, k in COLUMNS].index("overdue_days"), Qt.DescendingOrder)
DUE_TEXT = {"overdue": "逾期", "due_soon": "即将到期"}
DUE_BRUSH = {"overdue": QBrush(QColor("#fbd5d3")), "due_soon": QBrush(QColor("#fff1c2"))}
STATUS_BRUSH = {
    "待整改": QBrush(QColor("#fbe3d0")),
    "整改中": QBrush(QColor("#fff1c2")),
    "已整改": QBrush(QColor("#dbeafb")),
    "已销号": QBrush(QColor("#d8f0d2")),
}


class FindingsModel(RowsModel):
    def headers(self) -> list[str]:
        return [h for h, _ in COLUMNS]

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.store = None
        self.filter = FindingFilter()
        self.keys = array("q")  # row key (rowid) of every loaded row, in order
        self.pages: OrderedDict[int, list[dict]] = OrderedDict()  # page number → rows, newest last
        self.exhausted = True
        self._fetching = False
        self.order, self.descending = DEFAULT_ORDER, False  # the core's sort key and direction
        self.sort_column, self.sort_order = DEFAULT_SORT  # as shown in the header
        self._after = None  # sort key of the last loaded row

    def set_filter(self, store, flt: FindingFilter) -> None:
        # The first page is read inside the reset, and no fetch runs while the reset is
        # being announced: a view answering modelReset by fetching would otherwise insert
        # rows before every other listener has seen the reset.
        self.beginResetModel()
        self._fetching = True
        try:
            self.store, self.filter = store, flt
            self.keys, self.pages, self.exhausted = array("q"), OrderedDict(), store is None
            self._after = None
            if store is not None:
                self._load(self._read_page())
        finally:
            self.endResetModel()
            self._fetching = False

    def can_sort(self, column: int) -> bool:
        return column < 0 or COLUMNS[column][1] in SORT_KEYS

    def sort(self, column: int, order=Qt.AscendingOrder) -> None:
        """Sort by a header (column -1: the default order): the first page again, in SQL."""
        if not self.can_sort(column):
            return
        if column < 0:
            column, order = DEFAULT_SORT
        key, flipped = SORT_KEYS[COLUMNS[column][1]]
        descending = (order == Qt.DescendingOrder) != flipped
        if (column, order) == (self.sort_column, self.sort_order) and (key, descending) == (
            self.order,
            self.descending,
        ):
            return
        self.sort_column, self.sort_order = column, order
        self.order, self.descending = key, descending
        if self.store is not None:
            self.set_filter(self.store, self.filter)

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.keys)

    def row(self, index: int) -> dict:
        number = index // PAGE
        rows = self.pages.get(number)
        if rows is None:
            keys = self.keys[number * PAGE : (number + 1) * PAGE]
            found = {r["rk"]: r for r in self.store.findings.rows(list(keys))}
            # A finding deleted since it was listed keeps its line, empty.
            rows = self._with_repeats([found.get(k, {"rk": k, "id": None, "status": None}) for k in keys])
            self._cache(number, rows)
        else:
            self.pages.move_to_end(number)
        return rows[index - number * PAGE]

    def _cache(self, number: int, rows: list[dict]) -> None:
        self.pages[number] = rows
        self.pages.move_to_end(number)
        while len(self.pages) > CACHED_PAGES:
            self.pages.popitem(last=False)

    def _with_repeats(self, rows: list[dict]) -> list[dict]:
        repeats = self.store.findings.repeat_ids(ids=[r["id"] for r in rows if r["id"]])
        for r in rows:
            r["repeat"] = r["id"] in repeats
        return rows

    def reload_row(self, finding_id: str) -> None:
        for number, rows in self.pages.items():
            for i, r in enumerate(rows):
                if r["id"] == finding_id:
                    fresh = self.store.findings.get(finding_id)
                    fresh["repeat"] = r.get("repeat")
                    rows[i] = fresh
                    at = number * PAGE + i
                    self.dataChanged.emit(self.index(at, 0), self.index(at, len(COLUMNS) - 1))
                    return

    def canFetchMore(self, parent=QModelIndex()) -> bool:
        return not parent.isValid() and not self.exhausted and not self._fetching

    def fetchMore(self, parent=QModelIndex()) -> None:
        # The view asks again from inside endInsertRows(); a nested insert would
        # interleave two row insertions, so one fetch at a time.
        if parent.isValid() or self.exhausted or self._fetching:
            return
        self._fetching = True
        try:
            self._fetch_page()
        finally:
            self._fetching = False

    def _read_page(self) -> list[dict]:
        page = self.store.findings.page(self.filter, self._after, PAGE, order=self.order, descending=self.descending)
        if len(page) < PAGE:
            self.exhausted = True
        return page

    def _load(self, page: list[dict]) -> None:
        first = len(self.keys)
        self.keys.extend(r["rk"] for r in page)
        if page:
            self._after = page[-1].get("sk", page[-1]["rk"])  # order None: row order
            self._cache(first // PAGE, self._with_repeats(page))

    def _fetch_page(self) -> None:
        page = self._read_page()
        if not page:
            return
        first = len(self.keys)
        self.beginInsertRows(QModelIndex(), first, first + len(page) - 1)  # last is inclusive
        self._load(page)
        self.endInsertRows()

    def _overdue_days(self, row: dict) -> int | None:
        return overdue_days(row, self.filter.as_of or date.today()) if row.get("status") else None

    def _due(self, row: dict) -> str | None:
        return due_state(row, self.filter.as_of or date.today(), self.filter.soon_days)

    def data(self, index: QModelIndex, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        row = self.row(index.row())
        key = COLUMNS[index.column()][1]
        if role in (Qt.DisplayRole, Qt.ToolTipRole):
            if key == "due":
                return DUE_TEXT.get(self._due(row), "")
            if key == "repeat":
                return "重复" if row.get("repeat") else ""
            if key == "overdue_days":
                days = self._overdue_days(row)
                return "" if days is None else str(days)
            value = row.get(key)
            return "" if value is None else str(value)
        if role == Qt.TextAlignmentRole and key == "overdue_days":
            return int(Qt.AlignRight | Qt.AlignVCenter)
        if role == Qt.BackgroundRole:
            if key in ("due", "overdue_days"):
                return DUE_BRUSH.get(self._due(row))
            if key == "status":
                return STATUS_BRUSH.get(row["status"])
        return None
