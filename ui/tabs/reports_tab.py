"""报告: printable reports. The generators arrive with the reports work; this tab says so."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget


class ReportsTab(QWidget):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        label = QLabel(
            self.tr(
                "季度报告、中期评估、终期考核和整改通知书将在此生成、预览和打印。\n"
                "当前版本尚未提供报告生成；可先用“文件 → 导出”把表格导出到 Excel。"
            )
        )
        label.setAlignment(Qt.AlignCenter)
        label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(label)

    def set_store(self, store) -> None:
        self.store = store
