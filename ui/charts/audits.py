"""危废考核 charts: found vs rectified by year and level, open findings by township, ageing."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication

from ui.charts.base import PALETTE, Chart


class GroupedBars(Chart):
    """Bars for several series over named categories; the values are kept for tests."""

    def __init__(self, title: str, parent=None) -> None:
        super().__init__(title, parent)
        self.bars: list[pg.BarGraphItem] = []
        self.values: dict[str, list[float]] = {}
        self.categories: list[str] = []

    def set_data(self, categories: list[str], series: dict[str, list[float]]) -> None:
        for item in self.bars:
            self.plotItem.removeItem(item)
        self.bars.clear()
        self.legend.clear()
        self.categories, self.values = categories, series
        n = max(len(series), 1)
        width = 0.8 / n
        for i, (label, heights) in enumerate(series.items()):
            offset = (i - (n - 1) / 2) * width
            item = pg.BarGraphItem(
                x=[x + offset for x in range(len(categories))],
                height=heights,
                width=width,
                brush=PALETTE[i % len(PALETTE)],
                pen=PALETTE[i % len(PALETTE)].darker(130),
            )
            self.plotItem.addItem(item)
            self.bars.append(item)
            if n > 1:
                self.legend.addItem(item, label)
        self.plotItem.getAxis("bottom").setTicks([list(enumerate(categories))])
        self.plotItem.enableAutoRange()


def tr(text: str) -> str:
    return QCoreApplication.translate("charts", text)
