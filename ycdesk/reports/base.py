"""What every report shares: the embedded CJK font, styles, A4 pages numbered 第X页 共Y页,
tables that split with repeated headers, and the hash of the data a report was built from.

The font is the bundled WenQuanYi Micro Hei (TrueType outlines inside a .ttc), registered
with reportlab, which embeds only the glyphs used (a subset) with a ToUnicode map, so text
copied out of the PDF is the right Chinese. Paragraphs wrap with ``wordWrap="CJK"``, whose
rules keep ，。、） and the like from starting a line.
"""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as pdfcanvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

from ycdesk.paths import font_path

FONT = "WQYMicroHei"
STATUS_FILL = {
    "达标": colors.HexColor("#d8f0d2"), "已完成": colors.HexColor("#d8f0d2"),
    "未达标": colors.HexColor("#fbd5d3"), "未完成": colors.HexColor("#fbd5d3"),
    "待下达": colors.HexColor("#fff1c2"), "无数据": colors.HexColor("#e8e8e8"),
}
HEADER_FILL = colors.HexColor("#dfe8f5")


def register_font() -> str:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, str(font_path()), subfontIndex=0))
        # Charts start every drawing in the graphics default font (Helvetica), which would
        # be listed in the PDF unembedded; make the bundled font the default instead.
        from reportlab.graphics.shapes import STATE_DEFAULTS

        STATE_DEFAULTS["fontName"] = FONT
        _extend_line_start_rules()
    return FONT


# Closing punctuation that must not begin a line. reportlab's CJK wrapping already knows
# 。、） and many others but not the full-width comma and its kin.
NO_LINE_START = "，。、）：；！？》」』】〉％"


def _extend_line_start_rules() -> None:
    # Both wrapping paths read a module-level copy of the rule string at call time.
    from reportlab.lib import textsplit
    from reportlab.platypus import paragraph

    for module in (textsplit, paragraph):
        missing = "".join(c for c in NO_LINE_START if c not in module.ALL_CANNOT_START)
        module.ALL_CANNOT_START += missing


def font_has(text: str) -> set[str]:
    """Characters of ``text`` the bundled font has no glyph for."""
    register_font()
    face = pdfmetrics.getFont(FONT).face
    return {c for c in text if not c.isspace() and ord(c) not in face.charToGlyph}


def styles() -> dict[str, ParagraphStyle]:
    register_font()
    base = ParagraphStyle("body", fontName=FONT, fontSize=10.5, leading=16, wordWrap="CJK")
    return {
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=8.5, leading=12),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8.5, leading=11),
        "title": ParagraphStyle("title", parent=base, fontSize=18, leading=28, alignment=TA_CENTER),
        "subtitle": ParagraphStyle("subtitle", parent=base, fontSize=14, leading=22, alignment=TA_CENTER),
        "h1": ParagraphStyle("h1", parent=base, fontSize=15, leading=22, spaceBefore=10, spaceAfter=6),
        "h2": ParagraphStyle("h2", parent=base, fontSize=12, leading=18, spaceBefore=6, spaceAfter=4),
    }


def canonical_json(data) -> str:
    """The data a report shows as one canonical text (what the fingerprint hashes and the
    register of issued reports keeps)."""
    return json.dumps(data, sort_keys=True, ensure_ascii=False, default=_plain)


def data_hash(data) -> str:
    """SHA-256 of the data a report shows: the same data gives the same hash and content."""
    return hashlib.sha256(canonical_json(data).encode("utf-8")).hexdigest()


def _plain(value):
    if isinstance(value, Decimal):
        return str(value)
    return str(value)


def table(rows: list[list], widths: list[float], *, header_rows: int = 1, fills=None,
          bold_last: bool = False) -> Table:
    """A grid table whose header repeats on every page it spans. Cells may be text or flowables."""
    st = styles()["cell"]
    data = [[c if not isinstance(c, str) else Paragraph(_escape(c), st) for c in row] for row in rows]
    t = Table(data, colWidths=widths, repeatRows=header_rows)
    commands = [
        ("FONT", (0, 0), (-1, -1), FONT, 8.5),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9aa5b1")),
        ("BACKGROUND", (0, 0), (-1, header_rows - 1), HEADER_FILL),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    if bold_last:
        commands.append(("BACKGROUND", (0, -1), (-1, -1), colors.HexColor("#eef3fa")))
    for (col, row), fill in (fills or {}).items():
        commands.append(("BACKGROUND", (col, row), (col, row), fill))
    t.setStyle(TableStyle(commands))
    return t


def _escape(text: str) -> str:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("\n", "<br/>"))


def para(text: str, style: str = "body") -> Paragraph:
    return Paragraph(_escape(text), styles()[style])


class NumberedCanvas(pdfcanvas.Canvas):
    """Defers each page until the end so the footer can say 共Y页."""

    def __init__(self, *args, header: str = "", footer: str = "", **kwargs):
        # Start in the bundled font: the default Helvetica would be listed unembedded.
        kwargs["initialFontName"] = FONT
        super().__init__(*args, **kwargs)
        self._saved: list[dict] = []
        self._header, self._footer = header, footer

    def showPage(self):
        self._saved.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._saved)
        for state in self._saved:
            self.__dict__.update(state)
            self._decorate(total)
            super().showPage()
        super().save()

    def _decorate(self, total: int) -> None:
        width, height = A4
        self.setFont(FONT, 8)
        self.setFillColor(colors.HexColor("#555555"))
        if self._pageNumber > 1:
            self.drawString(20 * mm, height - 12 * mm, self._header)
            self.line(20 * mm, height - 13.5 * mm, width - 20 * mm, height - 13.5 * mm)
        self.drawString(20 * mm, 10 * mm, self._footer)
        self.drawRightString(width - 20 * mm, 10 * mm, f"第{self._pageNumber}页 共{total}页")


def build_pdf(path: str | Path, story: list, *, title: str, header: str, footer: str,
              author: str) -> Path:
    """Write ``story`` to ``path`` as A4. ``invariant`` fixes the PDF's own timestamps and
    ids, so the same story gives the same bytes."""
    register_font()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    doc = SimpleDocTemplate(
        str(tmp), pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=20 * mm,
        bottomMargin=18 * mm, title=title, author=author, creator="ycdesk", invariant=1,
    )
    doc.build(story, canvasmaker=lambda *a, **k: NumberedCanvas(*a, header=header, footer=footer, **k))
    tmp.replace(path)
    return path
