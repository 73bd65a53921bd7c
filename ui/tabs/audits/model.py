"""The findings table: lazy, paged by key, so a million findings scroll like a hundred.

``fetchMore`` asks the core for the rows after the last loaded key (never OFFSET), as
datasette pages its tables; the view calls it when the user scrolls near the end.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from ui.models.base import RowsModel
from ycdesk.findings import FindingFilter, due_state

PAGE = 200
COLUMNS = [
    ("企业名称", "enterprise"), ("镇街", "township"), ("年度", "year"), ("级别", "level"),
    ("问题类别", "category"), ("问题描述", "description"), ("整改期限", "deadline"),
    ("整改状态", "status"), ("期限提醒", "due"), ("责任人", "responsible"), ("重复", "repeat"),
]
DUE_TEXT = {"overdue": "逾期", "due_soon": "即将到期"}
DUE_BRUSH = {"overdue": QBrush(QColor("#fbd5d3")), "due_soon": QBrush(QColor("#fff1c2"))}
STATUS_BRUSH = {"待整改": QBrush(QColor("#fbe3d0")), "整改中": QBrush(QColor("#fff1c2")),
                "已整改": QBrush(QColor("#dbeafb")), "已销号": QBrush(QColor("#d8f0d2"))}


class FindingsModel(RowsModel):
    def headers(self) -> list[str]:
        return [h for h, _ in COLUMNS]

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.store = None
        self.filter = FindingFilter()
        self.rows: list[dict] = []
        self.exhausted = True
        self._fetching = False

    def set_filter(self, store, flt: FindingFilter) -> None:
        self.beginResetModel()
        self.store, self.filter = store, flt
        self.rows, self.exhausted = [], store is None
        self.endResetModel()
        if self.canFetchMore(QModelIndex()):
            self.fetchMore(QModelIndex())

    def reload_row(self, finding_id: str) -> None:
        for i, r in enumerate(self.rows):
            if r["id"] == finding_id:
                fresh = self.store.findings.get(finding_id)
                fresh["repeat"] = r.get("repeat")
                self.rows[i] = fresh
                self.dataChanged.emit(self.index(i, 0), self.index(i, len(COLUMNS) - 1))
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

    def _fetch_page(self) -> None:
        after = self.rows[-1]["rk"] if self.rows else 0
        page = self.store.findings.page(self.filter, after, PAGE)
        if len(page) < PAGE:
            self.exhausted = True
        if not page:
            return
        repeats = self.store.findings.repeat_ids(ids=[r["id"] for r in page])
        for r in page:
            r["repeat"] = r["id"] in repeats
        first = len(self.rows)
        self.beginInsertRows(QModelIndex(), first, first + len(page) - 1)  # last is inclusive
        self.rows.extend(page)
        self.endInsertRows()



    def _due(self, row: dict) -> str | None:
        return due_state(row, self.filter.as_of or date.today(), self.filter.soon_days)

    def data(self, index: QModelIndex, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        key = COLUMNS[index.column()][1]
        if role in (Qt.DisplayRole, Qt.ToolTipRole):
            if key == "due":
                return DUE_TEXT.get(self._due(row), "")
            if key == "repeat":
                return "重复" if row.get("repeat") else ""
            value = row.get(key)
            return "" if value is None else str(value)
        if role == Qt.BackgroundRole:
            if key == "due":
                return DUE_BRUSH.get(self._due(row))
            if key == "status":
                return STATUS_BRUSH.get(row["status"])
        return None

