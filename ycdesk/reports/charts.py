"""Vector charts for reports (reportlab graphics): series with target/limit lines, bars."""

from __future__ import annotations

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.lineplots import LinePlot
from reportlab.graphics.shapes import Drawing, Line, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors

from ycdesk.reports.base import FONT, register_font

SERIES = [
    colors.HexColor("#1f77b4"),
    colors.HexColor("#ff7f0e"),
    colors.HexColor("#2ca02c"),
    colors.HexColor("#d62728"),
]


def series_chart(
    title: str,
    points: list[tuple[float, float]],
    *,
    target: float | None = None,
    target_label: str = "",
    limit: float | None = None,
    limit_label: str = "",
    width: float = 230,
    height: float = 150,
) -> Drawing:
    register_font()
    d = Drawing(width, height)
    d.add(String(width / 2, height - 10, title, fontName=FONT, fontSize=9, textAnchor="middle"))
    if not points:
        d.add(String(width / 2, height / 2, "暂无数据", fontName=FONT, fontSize=9, textAnchor="middle"))
        return d
    plot = LinePlot()
    plot.x, plot.y, plot.width, plot.height = 30, 22, width - 45, height - 45
    plot.data = [points]
    plot.lines[0].strokeColor = SERIES[0]
    plot.lines[0].strokeWidth = 1.5
    plot.lines[0].symbol = makeMarker("FilledCircle", size=3)
    ys = [y for _, y in points] + [v for v in (target, limit) if v is not None]
    lo, hi = min(ys), max(ys)
    pad = (hi - lo) * 0.15 or max(abs(hi) * 0.1, 1)
    plot.yValueAxis.valueMin, plot.yValueAxis.valueMax = lo - pad, hi + pad
    xs = [x for x, _ in points]
    plot.xValueAxis.valueMin, plot.xValueAxis.valueMax = min(xs) - 0.5, max(xs) + 0.5
    plot.xValueAxis.valueSteps = sorted({int(x) for x in xs})
    plot.xValueAxis.labelTextFormat = "%d"
    for axis in (plot.xValueAxis, plot.yValueAxis):
        axis.labels.fontName = FONT
        axis.labels.fontSize = 7
    d.add(plot)
    for value, label, color in ((target, target_label, SERIES[2]), (limit, limit_label, SERIES[3])):
        if value is None:
            continue
        y = (
            plot.y
            + (value - plot.yValueAxis.valueMin) / (plot.yValueAxis.valueMax - plot.yValueAxis.valueMin) * plot.height
        )
        d.add(Line(plot.x, y, plot.x + plot.width, y, strokeColor=color, strokeDashArray=[3, 2], strokeWidth=1))
        d.add(
            String(plot.x + plot.width - 2, y + 2, label, fontName=FONT, fontSize=7, fillColor=color, textAnchor="end")
        )
    return d


def bar_chart(
    title: str, categories: list[str], series: dict[str, list[float]], width: float = 460, height: float = 170
) -> Drawing:
    register_font()
    d = Drawing(width, height)
    d.add(String(width / 2, height - 10, title, fontName=FONT, fontSize=9, textAnchor="middle"))
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 35, 30, width - 130, height - 50
    chart.data = [list(v) for v in series.values()] or [[0]]
    chart.categoryAxis.categoryNames = categories
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 7
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    for i in range(len(chart.data)):
        chart.bars[i].fillColor = SERIES[i % len(SERIES)]
        chart.bars[i].strokeColor = None
    d.add(chart)
    legend = Legend()
    legend.x, legend.y = width - 85, height - 30
    legend.fontName, legend.fontSize = FONT, 7
    legend.colorNamePairs = [(SERIES[i % len(SERIES)], name) for i, name in enumerate(series)]
    d.add(legend)
    return d
