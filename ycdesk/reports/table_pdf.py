"""Any table as a printable PDF (landscape A4), for "export this table" from any tab."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.platypus import SimpleDocTemplate

from ycdesk.errors import UserError
from ycdesk.i18n import _
from ycdesk.reports.base import NumberedCanvas, para, register_font, table

SKIP = ("ID", "记录ID")  # ids matter for re-import, not on paper


def _width(text: str) -> float:
    """Printed width in half-em units: a Chinese character takes two."""
    return sum(2 if ord(c) >= 0x2E80 else 1.1 for c in text)


def _weight(header: str, values: list[str]) -> float:
    """Room by the longest text seen (capped): dates and codes stay on one line, long text wraps."""
    longest = max([_width(header) / 2, *(_width(v) for v in values[:300])])
    return min(max(longest, 4), 36) + 5  # + cell padding


def write_table_pdf(path: Path, title: str, headers: list[str], rows: list[list], max_rows: int) -> None:
    if len(rows) > max_rows:
        raise UserError(_("共 {0} 行，超过打印上限 {1} 行；请先筛选，或导出为 Excel").format(len(rows), max_rows))
    register_font()
    keep = [i for i, h in enumerate(headers) if h not in SKIP]
    headers = [headers[i] for i in keep]
    text_rows = [["" if row[i] is None else str(row[i]) for i in keep] for row in rows]
    usable = landscape(A4)[0] - 24 * mm
    weights = [_weight(h, [r[c] for r in text_rows]) for c, h in enumerate(headers)]
    widths = [usable * w / sum(weights) for w in weights]
    body = [headers] + text_rows
    story = [
        para(title, "h1"),
        para(_("共 {0} 行　导出日期 {1}").format(len(rows), date.today().isoformat()), "small"),
        table(body, widths),
    ]
    doc = SimpleDocTemplate(
        str(path),
        pagesize=landscape(A4),
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=18 * mm,
        bottomMargin=16 * mm,
        title=title,
        creator="ycdesk",
        invariant=1,
    )
    doc.build(story, canvasmaker=lambda *a, **k: NumberedCanvas(*a, header=title, footer="ycdesk", **k))
