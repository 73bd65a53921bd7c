"""Shared chart plumbing: a PlotWidget with the app's look and PNG export."""

from __future__ import annotations

import pyqtgraph as pg
from pyqtgraph.exporters import ImageExporter
from PySide6.QtGui import QColor

pg.setConfigOptions(antialias=True, background="w", foreground="k")

PALETTE = [QColor("#1f77b4"), QColor("#ff7f0e"), QColor("#2ca02c"), QColor("#d62728"),
           QColor("#9467bd")]


class Chart(pg.PlotWidget):
    def __init__(self, title: str = "", parent=None) -> None:
        super().__init__(parent)
        self.setMinimumHeight(220)
        self.plotItem.setTitle(title)
        self.plotItem.showGrid(x=False, y=True, alpha=0.3)
        self.legend = self.plotItem.addLegend(offset=(-10, 10))  # top right, clear of the first bars

    def export_png(self, path: str) -> None:
        exporter = ImageExporter(self.plotItem)
        exporter.parameters()["width"] = max(800, int(self.width()))
        exporter.export(path)
