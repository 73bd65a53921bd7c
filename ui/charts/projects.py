"""重大工程 charts: investment by domain (grouped bars) and the planned-vs-actual S-curve."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication

from ui.charts.base import PALETTE, Chart
from ycdesk.money import to_unit


def _yi(yuan: int) -> float:
    return float(to_unit(yuan))  # display only; exact figures stay in the table


class DomainBars(Chart):
    """Total, 十四五 planned and completed investment per domain, 亿元."""

    def __init__(self, parent=None) -> None:
        super().__init__(QCoreApplication.translate("charts", "各领域投资（亿元）"), parent)
        self.bars: list[pg.BarGraphItem] = []
        self.series_values: dict[str, list[float]] = {}

    def set_data(self, domains: list[str], rollups: list[dict]) -> None:
        for item in self.bars:
            self.plotItem.removeItem(item)
        self.bars.clear()
        self.legend.clear()
        names = [
            (QCoreApplication.translate("charts", "总投资"), "total_yuan"),
            (QCoreApplication.translate("charts", "十四五计划"), "fyp_yuan"),
            (QCoreApplication.translate("charts", "累计完成"), "completed_yuan"),
        ]
        width = 0.26
        self.series_values = {}
        for i, (label, key) in enumerate(names):
            heights = [_yi(r[key]) for r in rollups]
            self.series_values[label] = heights
            item = pg.BarGraphItem(
                x=[x + (i - 1) * width for x in range(len(domains))],
                height=heights,
                width=width,
                brush=PALETTE[i],
                pen=PALETTE[i].darker(130),
            )
            self.plotItem.addItem(item)
            self.legend.addItem(item, label)
            self.bars.append(item)
        self.plotItem.getAxis("bottom").setTicks([list(enumerate(domains))])


class SCurve(Chart):
    """Cumulative planned vs completed 十四五 investment by quarter, 2021Q1–2025Q4."""

    def __init__(self, parent=None) -> None:
        super().__init__(QCoreApplication.translate("charts", "计划与实际累计投资（亿元）"), parent)
        self.planned = self.plotItem.plot(
            pen=pg.mkPen(PALETTE[1], width=2, style=pg.QtCore.Qt.DashLine),
            name=QCoreApplication.translate("charts", "计划累计"),
        )
        self.completed = self.plotItem.plot(
            pen=pg.mkPen(PALETTE[2], width=2),
            symbol="o",
            symbolSize=5,
            symbolBrush=PALETTE[2],
            name=QCoreApplication.translate("charts", "实际累计"),
        )

    def set_data(self, curve: list[tuple], title: str) -> None:
        xs = list(range(len(curve)))
        self.planned.setData(xs, [_yi(p) for _, p, _ in curve])
        self.completed.setData(xs, [_yi(d) for _, _, d in curve])
        ticks = [(i, str(q)) for i, (q, _, _) in enumerate(curve) if q.quarter in (1,)]
        self.plotItem.getAxis("bottom").setTicks([ticks])
        self.plotItem.setTitle(title)
