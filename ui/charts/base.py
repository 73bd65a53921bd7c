"""Shared chart plumbing: a PlotWidget with the app's look and PNG export."""

from __future__ import annotations

import pyqtgraph as pg
from pyqtgraph.exporters import ImageExporter
from PySide6.QtGui import QColor

pg.setConfigOptions(antialias=True, background="w", foreground="k")

PALETTE = [QColor("#1f77b4"), QColor("#ff7f0e"), QColor("#2ca02c"), QColor("#d62728"), QColor("#9467bd")]


class Chart(pg.PlotWidget):
    def __init__(self, title: str = "", parent=None) -> None:
        super().__init__(parent)
        self.setMinimumHeight(220)
        self.plotItem.setTitle(title)
        self.plotItem.showGrid(x=False, y=True, alpha=0.3)
        # The legend is a row under the plot, in the plot's own layout: inside the view box
        # (pyqtgraph's addLegend) it covered bars and points whatever corner it was put in.
        self.legend = pg.LegendItem(colCount=4)
        self.plotItem.legend = self.legend  # items added with a name join it, as with addLegend
        self.plotItem.layout.addItem(self.legend, 4, 1)

    def export_png(self, path: str) -> None:
        exporter = ImageExporter(self.plotItem)
        exporter.parameters()["width"] = max(800, int(self.width()))
        exporter.export(path)
