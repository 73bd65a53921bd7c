"""危废考核: audits by year and level, next to the figures the plan reports."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ui.models.records import Col, RecordsModel
from ui.tabs.common import make_table


class AuditsTab(QWidget):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.store = None
        self.model = RecordsModel(
            [
                Col(self.tr("年度"), "year"),
                Col(self.tr("级别"), "level"),
                Col(self.tr("考核单位数"), "units", align_right=True),
                Col(self.tr("发现问题"), "found", align_right=True),
                Col(self.tr("已整改"), "rectified", align_right=True),
                Col(self.tr("规划所报（单位/发现/整改）"), "plan"),
            ]
        )
        self.table = make_table(self.model)
        self.overdue = QLabel()
        self.overdue.setObjectName("overdueSummary")
        layout = QVBoxLayout(self)
        layout.addWidget(self.overdue)
        layout.addWidget(self.table)

    def set_store(self, store) -> None:
        self.store = store
        self.refresh()

    def refresh(self) -> None:
        if self.store is None:
            return
        reported = {
            (r["year"], r["level"]): r
            for r in self.store.query("SELECT * FROM audit_aggregates WHERE deleted_at IS NULL")
        }
        rows = []
        for year, levels in self.store.audits.by_year_level().items():
            for level, counts in levels.items():
                plan = reported.get((year, level))
                rows.append({
                    "year": year, "level": level, **counts,
                    "plan": "" if plan is None else f"{plan['units']} / {plan['found']} / {plan['rectified']}",
                })
        self.model.set_records(rows)
        self.table.resizeColumnsToContents()
        overdue = self.store.audits.overdue(date.today())
        self.overdue.setText(self.tr("截至今天逾期未整改的问题：{0} 处").format(len(overdue)))
