"""重大工程: the 29 projects of 附表4 with exact totals that follow the filter."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from ui.models.records import Col, RecordsModel
from ui.tabs.common import make_table
from ycdesk.money import format_yi
from ycdesk.projects import DOMAINS


class ProjectsTab(QWidget):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.store = None
        self.domain = QComboBox()
        self.domain.addItem(self.tr("全部领域"), None)
        for domain in DOMAINS:
            self.domain.addItem(domain, domain)
        self.model = RecordsModel(
            [
                Col(self.tr("序号"), "seq", align_right=True),
                Col(self.tr("领域"), "domain"),
                Col(self.tr("项目名称"), "name"),
                Col(self.tr("起止年限"), "years"),
                Col(self.tr("总投资（亿元）"), "total_yuan", format_yi, True),
                Col(self.tr("十四五计划（亿元）"), "fyp_yuan", format_yi, True),
                Col(self.tr("累计完成（亿元）"), "completed_yuan", format_yi, True),
                Col(self.tr("责任单位"), "units_text"),
            ]
        )
        self.table = make_table(self.model)
        self.totals = QLabel()
        self.totals.setObjectName("projectTotals")
        bar = QHBoxLayout()
        bar.addWidget(QLabel(self.tr("领域：")))
        bar.addWidget(self.domain)
        bar.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table)
        layout.addWidget(self.totals)
        self.domain.currentIndexChanged.connect(self.refresh)

    def set_store(self, store) -> None:
        self.store = store
        self.refresh()

    def refresh(self) -> None:
        if self.store is None:
            return
        rollup = self.store.projects.rollup(self.domain.currentData())
        for row in rollup["projects"]:
            row["years"] = f"{row['start_year']}–{row['end_year']}"
            row["units_text"] = "、".join(row["units"])
        self.model.set_records(rollup["projects"])
        self.table.resizeColumnsToContents()
        self.totals.setText(
            self.tr("合计：{0} 项，总投资 {1} 亿元，其中十四五计划投资 {2} 亿元，累计完成 {3} 亿元").format(
                rollup["count"], format_yi(rollup["total_yuan"]), format_yi(rollup["fyp_yuan"]),
                format_yi(rollup["completed_yuan"]),
            )
        )
