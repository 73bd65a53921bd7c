"""Indicators grouped by plan and nature, status as a coloured badge with its text."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from ui.models.base import RowsModel
from ycdesk.status import trend_is_good

GROUP, ITEM = "group", "item"
COLUMNS = [
    ("序号", "seq"),
    ("指标名称", "name"),
    ("类别", "category"),
    ("单位", "unit"),
    ("2020年现状值", "baseline_text"),
    ("目标值", "effective_target"),
    ("最新值", "latest_value"),
    ("最新期", "latest_period"),
    ("状态", "status"),
    ("趋势", "trend"),
    ("进度", "on_track"),
]
STATUS_COLORS = {
    "达标": "#d8f0d2",
    "已完成": "#d8f0d2",
    "未达标": "#fbd5d3",
    "未完成": "#fbd5d3",
    "待下达": "#fff1c2",
    "无数据": "#e8e8e8",
}
GROUP_BRUSH = QBrush(QColor("#eef3fa"))


class IndicatorTableModel(RowsModel):
    def headers(self) -> list[str]:
        return [h for h, _ in COLUMNS]

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.rows: list[dict] = []
        self._bold = QFont()
        self._bold.setBold(True)

    def set_indicators(self, indicators: list[dict]) -> None:
        rows, group = [], None
        for ind in indicators:
            key = (ind["plan"], ind["nature"])
            if key != group:
                group = key
                label = ind["plan"] + ("·" + ind["nature"] + "指标" if ind["nature"] else "")
                rows.append({"kind": GROUP, "name": label})
            rows.append({**ind, "kind": ITEM})
        self.beginResetModel()
        self.rows = self.sorted_rows(rows)
        self.endResetModel()

    def column_key(self, column: int) -> str | None:
        return COLUMNS[column][1] if 0 <= column < len(COLUMNS) else None

    def fixed(self, row: dict) -> bool:
        return row["kind"] == GROUP  # sorting keeps each plan·nature group together

    def find(self, indicator_id: str) -> int | None:
        return next((i for i, r in enumerate(self.rows) if r.get("id") == indicator_id), None)

    def data(self, index: QModelIndex, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        key = COLUMNS[index.column()][1]
        if row["kind"] == GROUP:
            if role == Qt.DisplayRole and index.column() == 0:
                return row["name"]  # the view spans group rows across all columns
            if role == Qt.FontRole:
                return self._bold
            if role == Qt.BackgroundRole:
                return GROUP_BRUSH
            return None
        if role in (Qt.DisplayRole, Qt.ToolTipRole):
            return self._text(row, key, role)
        if role == Qt.BackgroundRole and key == "status" and row.get("status"):
            return QBrush(QColor(STATUS_COLORS.get(row["status"], "#ffffff")))
        if role == Qt.ForegroundRole and key == "trend":
            good = trend_is_good(row.get("trend", ""), row.get("direction"))
            if good is not None:
                return QBrush(QColor("#217a21" if good else "#b3261e"))
        if role == Qt.TextAlignmentRole and key in ("seq", "latest_value", "status", "trend"):
            return int(Qt.AlignCenter)
        return None

    def _text(self, row: dict, key: str, role) -> str:
        value = row.get(key)
        if key == "on_track":
            return {True: "符合进度", False: "落后于进度", None: ""}[value]
        if key == "status":
            return value or "—"
        if role == Qt.ToolTipRole and key == "effective_target" and row.get("assigned_target_source"):
            return f"{row['target_text']} → {value}（{row['assigned_target_source']}）"
        return "" if value is None else str(value)
