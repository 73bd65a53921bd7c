"""指标: the plan's indicators with baseline, target and latest value."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from ui.models.records import Col, RecordsModel
from ui.tabs.common import make_table
from ycdesk.indicators import PLANS, latest_by_indicator


def _num(value) -> str:
    if value is None:
        return ""
    return f"{value:g}"


class IndicatorsTab(QWidget):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.store = None
        self.plan = QComboBox()
        self.plan.addItem(self.tr("全部规划"), None)
        for plan in PLANS:
            self.plan.addItem(plan, plan)
        self.plan.setCurrentIndex(1)
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("按指标名称搜索"))
        self.search.setClearButtonEnabled(True)
        self.model = RecordsModel(
            [
                Col(self.tr("规划"), "plan"),
                Col(self.tr("性质"), "nature"),
                Col(self.tr("类别"), "category"),
                Col(self.tr("序号"), "seq", align_right=True),
                Col(self.tr("指标名称"), "name"),
                Col(self.tr("单位"), "unit"),
                Col(self.tr("2020年现状值"), "baseline_text"),
                Col(self.tr("目标值"), "target_text"),
                Col(self.tr("最新值"), "latest_value"),
                Col(self.tr("最新期"), "latest_period"),
            ]
        )
        self.table = make_table(self.model)
        bar = QHBoxLayout()
        bar.addWidget(QLabel(self.tr("规划：")))
        bar.addWidget(self.plan)
        bar.addWidget(self.search, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table)
        self.plan.currentIndexChanged.connect(self.refresh)
        self.search.textChanged.connect(self.refresh)

    def set_store(self, store) -> None:
        self.store = store
        self.refresh()

    def refresh(self) -> None:
        if self.store is None:
            return
        latest = latest_by_indicator(self.store)
        text = self.search.text().strip()
        rows = []
        for row in self.store.indicators.list(self.plan.currentData()):
            if text and text not in row["name"]:
                continue
            obs = latest.get(row["id"])
            row["latest_value"] = "" if obs is None else (obs["value_text"] or _num(obs["value"]))
            row["latest_period"] = "" if obs is None else obs["period"]
            rows.append(row)
        self.model.set_records(rows)
        self.table.resizeColumnsToContents()
