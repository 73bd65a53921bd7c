"""An indicator's series over time with its target line, standard limit and 2020 baseline."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, Qt

from ui.charts.base import PALETTE, Chart
from ycdesk.periods import parse_period


def x_of(period: str) -> float:
    """Years at whole numbers; quarters spread inside their year."""
    p = parse_period(period)
    return float(p.year) if p.quarter is None else p.year - 0.375 + (p.quarter - 1) * 0.25


class SeriesChart(Chart):
    def __init__(self, parent=None) -> None:
        super().__init__("", parent)
        self.items: list = []
        self.curves: dict[str, tuple[list[float], list[float]]] = {}
        self.target_line: pg.InfiniteLine | None = None
        self.limit_line: pg.InfiniteLine | None = None

    def _clear(self) -> None:
        for item in self.items:
            self.plotItem.removeItem(item)
        self.items.clear()
        self.curves.clear()
        self.legend.clear()
        self.target_line = self.limit_line = None

    def set_series(self, indicator: dict, series: dict[str, list[dict]], target_value=None) -> None:
        """``series``: scope name → observations (numeric ones are drawn)."""
        self._clear()
        unit = indicator.get("unit") or ""
        name = indicator["name"]
        self.plotItem.setTitle(name if not unit or unit in name or "%" in name else f"{name}（{unit}）")
        for i, (scope, observations) in enumerate(series.items()):
            points = [(x_of(o["period"]), o["value"], o["period"]) for o in observations if o["value"] is not None]
            if not points:
                continue
            xs, ys, labels = zip(*points)
            color = PALETTE[i % len(PALETTE)]
            curve = pg.PlotDataItem(list(xs), list(ys), pen=pg.mkPen(color, width=2), name=scope)
            scatter = pg.ScatterPlotItem(
                list(xs),
                list(ys),
                data=list(labels),
                size=8,
                brush=color,
                hoverable=True,
                hoverSize=12,
                tip=lambda x, y, data, scope=scope: f"{scope} {data}：{y:g}",
            )
            for item in (curve, scatter):
                self.plotItem.addItem(item)
                self.items.append(item)
            self.curves[scope] = (list(xs), list(ys))
        if target_value is not None:
            self.target_line = pg.InfiniteLine(
                pos=float(target_value),
                angle=0,
                pen=pg.mkPen(PALETTE[2], width=2, style=Qt.DashLine),
                label=QCoreApplication.translate("charts", "目标 {0}").format(
                    indicator.get("effective_target") or target_value
                ),
                labelOpts={"position": 0.05, "color": PALETTE[2], "anchors": [(0, 1), (0, 1)]},
            )
            self.plotItem.addItem(self.target_line)
            self.items.append(self.target_line)
        if indicator.get("limit_value") is not None:
            self.limit_line = pg.InfiniteLine(
                pos=float(indicator["limit_value"]),
                angle=0,
                pen=pg.mkPen(PALETTE[3], width=2, style=Qt.DotLine),
                label=QCoreApplication.translate("charts", "标准限值 {0:g}").format(indicator["limit_value"]),
                labelOpts={"position": 0.95, "color": PALETTE[3], "anchors": [(1, 1), (1, 1)]},
            )
            self.plotItem.addItem(self.limit_line)
            self.items.append(self.limit_line)
        if indicator.get("baseline_value") is not None:
            base = pg.ScatterPlotItem(
                [2020.0],
                [indicator["baseline_value"]],
                symbol="star",
                size=16,
                brush=PALETTE[4],
                hoverable=True,
                tip=lambda x, y, data: f"2020年现状值：{y:g}",
            )
            self.plotItem.addItem(base)
            self.items.append(base)
            self.legend.addItem(base, QCoreApplication.translate("charts", "2020年现状值"))
        years = sorted({int(x) for xs, _ in self.curves.values() for x in xs} | {2020, 2025})
        self.plotItem.getAxis("bottom").setTicks([[(float(y), str(y)) for y in years]])
        self.plotItem.enableAutoRange()
