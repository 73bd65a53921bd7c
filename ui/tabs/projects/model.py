"""The project table: projects grouped by domain, a subtotal row per domain, a grand total.

Rows are prepared by the tab from the core's rollups; this model only formats them.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from ui.models.base import RowsModel
from ycdesk.money import format_yi

GROUP, PROJECT, TOTAL = "group", "project", "total"

COLUMNS = [
    ("序号", "seq"),
    ("项目名称", "name"),
    ("领域", "domain"),
    ("起止年限", "years"),
    ("总投资（亿元）", "total_yuan"),
    ("十四五计划（亿元）", "fyp_yuan"),
    ("计划至今（亿元）", "planned_to_date_yuan"),
    ("累计完成（亿元）", "completed_yuan"),
    ("完成率", "rate"),
    ("偏差（亿元）", "variance_yuan"),
    ("状态", "status"),
    ("滞后", "lagging"),
    ("责任单位", "units"),
]
MONEY = {"total_yuan", "fyp_yuan", "planned_to_date_yuan", "completed_yuan", "variance_yuan"}
RIGHT = MONEY | {"seq", "rate"}
LAG_BRUSH = QBrush(QColor("#fde2e1"))
GROUP_BRUSH = QBrush(QColor("#eef3fa"))
UNREPORTED_BRUSH = QBrush(QColor("#f2f2f2"))


class ProjectTableModel(RowsModel):
    def headers(self) -> list[str]:
        return [h for h, _ in COLUMNS]

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.rows: list[dict] = []
        self._bold = QFont()
        self._bold.setBold(True)

    def set_rows(self, rows: list[dict]) -> None:
        self.beginResetModel()
        self.rows = self.sorted_rows(rows)
        self.endResetModel()

    def column_key(self, column: int) -> str | None:
        return COLUMNS[column][1] if 0 <= column < len(COLUMNS) else None

    def fixed(self, row: dict) -> bool:
        return row["kind"] != PROJECT  # subtotals and the total keep their place

    def project_row(self, project_id: str) -> int | None:
        for i, r in enumerate(self.rows):
            if r["kind"] == PROJECT and r["id"] == project_id:
                return i
        return None

    def data(self, index: QModelIndex, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        key = COLUMNS[index.column()][1]
        if role in (Qt.DisplayRole, Qt.ToolTipRole):
            return self._text(row, key)
        if role == Qt.TextAlignmentRole and key in RIGHT:
            return int(Qt.AlignRight | Qt.AlignVCenter)
        if role == Qt.FontRole and row["kind"] != PROJECT:
            return self._bold
        if role == Qt.BackgroundRole:
            if row["kind"] != PROJECT:
                return GROUP_BRUSH
            if row.get("unreported"):
                return UNREPORTED_BRUSH
            if row.get("lagging"):
                return LAG_BRUSH
        return None

    def _text(self, row: dict, key: str) -> str:
        value = row.get(key)
        if key in MONEY:
            return format_yi(value)
        if key == "rate":
            return "" if value is None else f"{value}%"
        if key == "lagging":
            if row["kind"] == PROJECT:
                return "未填报" if row.get("unreported") else ("滞后" if value else "")
            return "，".join(
                ([f"{value} 项"] if value else [])
                + ([f"未填报 {row['unreported']} 项"] if row.get("unreported") else [])
            )
        if key == "units":
            return "、".join(value or [])
        if key == "status" and row["kind"] == PROJECT:
            return value or "未填报"
        return "" if value is None else str(value)


def grouped_rows(domains: list[str], per_domain: list[dict], total: dict) -> list[dict]:
    """Interleave a subtotal row before each domain's projects; grand total last."""
    rows: list[dict] = []
    behind = unreported = 0
    for domain, rollup in zip(domains, per_domain):
        if not rollup["count"]:
            continue
        projects = [
            {**p, "kind": PROJECT, "years": f"{p['start_year']}–{p['end_year']}", "unreported": _unreported(p)}
            for p in rollup["projects"]
        ]
        # A project nobody has reported on yet is 未填报, not 滞后 at 0 %: what it needs is
        # a first entry, and the subtotals count the two apart.
        lagging = sum(1 for p in projects if p["lagging"] and not p["unreported"])
        missing = sum(1 for p in projects if p["unreported"])
        behind, unreported = behind + lagging, unreported + missing
        rows.append(
            {
                **rollup,
                "kind": GROUP,
                "name": f"{domain}　小计（{rollup['count']}项）",
                "domain": domain,
                "lagging": lagging,
                "unreported": missing,
            }
        )
        rows.extend(projects)
    rows.append(
        {**total, "kind": TOTAL, "name": f"合计（{total['count']}项）", "lagging": behind, "unreported": unreported}
    )
    return rows


def _unreported(project: dict) -> bool:
    """Expected to have spent something by now, and no progress entered at all."""
    return bool(project.get("lagging")) and not project.get("completed_total_yuan")
