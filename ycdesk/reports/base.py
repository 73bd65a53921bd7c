"""What every report shares: the embedded CJK font, styles, A4 pages numbered 第X页 共Y页,
tables that split with repeated headers, and the hash of the data a report was built from.

The font is the bundled WenQuanYi Micro Hei (TrueType outlines inside a .ttc), registered
with reportlab, which embeds only the glyphs used (a subset) with a ToUnicode map, so text
copied out of the PDF is the right Chinese. Paragraphs wrap with ``wordWrap="CJK"``, whose
rules keep ，。、） and the like from starting a line.
"""

from __future__ import annotations

import calendar
import hashlib
import json
import time
from decimal import Decimal
from functools import cache
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen import canvas as pdfcanvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

from ycdesk.reports import fonts

FONT = fonts.SANS
STATUS_FILL = {
    "达标": colors.HexColor("#d8f0d2"),
    "已完成": colors.HexColor("#d8f0d2"),
    "未达标": colors.HexColor("#fbd5d3"),
    "未完成": colors.HexColor("#fbd5d3"),
    "待下达": colors.HexColor("#fff1c2"),
    "无数据": colors.HexColor("#e8e8e8"),
}
HEADER_FILL = colors.HexColor("#dfe8f5")


@cache
def register_font() -> str:
    """Once per process: the bundled face registered, made the charts' default, and the
    line-start rules extended (fonts.register alone does only the first)."""
    fonts.register(FONT)
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
    """Characters of ``text`` that no bundled face (main or fallback) has a glyph for."""
    register_font()
    return set(fonts.missing(text))


@cache
def styles() -> dict[str, ParagraphStyle]:
    register_font()
    base = ParagraphStyle("body", fontName=FONT, fontSize=10.5, leading=16, wordWrap="CJK")
    return {
        "body": base,
        # Paragraphs of running text: first-line indent of two characters, as Chinese prose.
        "text": ParagraphStyle("text", parent=base, firstLineIndent=21),
        "right": ParagraphStyle("right", parent=base, fontSize=12, leading=20, alignment=TA_RIGHT),
        "small": ParagraphStyle("small", parent=base, fontSize=8.5, leading=12),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8.5, leading=11),
        "title": ParagraphStyle("title", parent=base, fontSize=18, leading=28, alignment=TA_CENTER),
        "subtitle": ParagraphStyle("subtitle", parent=base, fontSize=14, leading=22, alignment=TA_CENTER),
        # A heading never ends a page: it keeps with what follows.
        "h1": ParagraphStyle("h1", parent=base, fontSize=15, leading=22, spaceBefore=10, spaceAfter=6, keepWithNext=1),
        "h2": ParagraphStyle("h2", parent=base, fontSize=12, leading=18, spaceBefore=6, spaceAfter=4, keepWithNext=1),
    }


@cache
def doc_styles() -> dict[str, ParagraphStyle]:
    """The body of a 公文 (整改通知书): a 宋体-style face, larger, first lines indented two
    characters; headings stay in the sans face. Registered only when a 公文 is built."""
    base = styles()["body"]
    serif = ParagraphStyle(
        "doc", parent=base, fontName=fonts.register(fonts.SERIF), fontSize=14, leading=26, firstLineIndent=28
    )
    return {
        "doc": serif,
        "doc_flush": ParagraphStyle("doc_flush", parent=serif, firstLineIndent=0),
        "doc_right": ParagraphStyle("doc_right", parent=serif, firstLineIndent=0, alignment=TA_RIGHT),
        "doc_cell": ParagraphStyle("doc_cell", parent=serif, fontSize=11, leading=16, firstLineIndent=0),
        "doc_title": ParagraphStyle("doc_title", parent=base, fontSize=20, leading=32, alignment=TA_CENTER),
        "doc_number": ParagraphStyle("doc_number", parent=serif, firstLineIndent=0, alignment=TA_CENTER),
    }


def style(name: str) -> ParagraphStyle:
    return doc_styles()[name] if name.startswith("doc") else styles()[name]


UNITS = (("ug/m3", "μg/m³"), ("μg/m3", "μg/m³"), ("mg/m3", "mg/m³"), ("亿m3", "亿m³"), ("万m3", "万m³"))


def units(text: str) -> str:
    """Units as they are printed (μg/m³), whatever ASCII spelling the data carries."""
    for plain, proper in UNITS:
        text = text.replace(plain, proper)
    return text


CN_DIGITS = "〇一二三四五六七八九"


def chinese_date(day) -> str:
    """2025-05-06 → 二〇二五年五月六日 (the date of a 公文's 落款)."""

    def number(n: int) -> str:
        if n < 10:
            return CN_DIGITS[n]
        tens, ones = divmod(n, 10)
        return ("十" if tens == 1 else CN_DIGITS[tens] + "十") + (CN_DIGITS[ones] if ones else "")

    year = "".join(CN_DIGITS[int(c)] for c in str(day.year))
    return f"{year}年{number(day.month)}月{number(day.day)}日"


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


def fit_widths(rows: list[list], widths: list[float], font: str = FONT, size: float = 8.5) -> list[float]:
    """``widths`` widened so no column is narrower than its longest unbreakable word (a
    code such as 2025Q3, a number, or a short term such as 约束性), taking the room from the
    widest column: cells never wrap as "约束/性" or "2025Q/3"."""
    need = list(widths)
    pad = 14  # the cell's left and right padding (6 pt each) and a little air
    for row in rows:
        for i, cell in enumerate(row):
            if not isinstance(cell, str) or i >= len(need):
                continue
            for word in cell.split():
                if len(word) <= 4 or word.isascii():
                    need[i] = max(need[i], pdfmetrics.stringWidth(word, font, size) + pad)
    extra = sum(need) - sum(widths)
    untouched = [i for i in range(len(need)) if need[i] == widths[i]]
    if extra > 0 and untouched:
        widest = max(untouched, key=lambda i: widths[i])
        need[widest] = max(widths[widest] - extra, widths[widest] / 2)
    return need


def table(
    rows: list[list],
    widths: list[float],
    *,
    header_rows: int = 1,
    fills=None,
    bold_last: bool = False,
    cell_style: str = "cell",
) -> Table:
    """A grid table whose header repeats on every page it spans. Cells may be text or flowables."""
    st = style(cell_style)
    rows = [[units(c) if isinstance(c, str) else c for c in row] for row in rows]
    widths = fit_widths(rows, widths, st.fontName, st.fontSize)
    data = [
        [c if not isinstance(c, str) else Paragraph(fonts.markup(_escape(c), st.fontName), st) for c in row]
        for row in rows
    ]
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
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\n", "<br/>")


def para(text: str, style_name: str = "body") -> Paragraph:
    st = style(style_name)
    return Paragraph(fonts.markup(_escape(units(text)), st.fontName), st)


class NumberedCanvas(pdfcanvas.Canvas):
    """Defers each page until the end so the footer can say 共Y页."""

    def __init__(self, *args, header: str = "", footer: str = "", watermark: str = "", created=None, **kwargs):
        # Start in the bundled font: the default Helvetica would be listed unembedded.
        kwargs["initialFontName"] = FONT
        super().__init__(*args, **kwargs)
        self._saved: list[dict] = []
        self._header, self._footer, self._watermark = header, footer, watermark
        if created is not None:
            # The PDF's creation date is the report's as-of date: meaningful, and the same
            # data still gives the same bytes.
            stamp = self._doc._timeStamp
            stamp.t = calendar.timegm(created.timetuple())
            stamp.lt = time.gmtime(stamp.t)
            stamp.YMDhms = tuple(stamp.lt)[:6]

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
        if self._watermark:
            self.saveState()
            self.setFont(FONT, 60)
            self.setFillColor(colors.Color(0.6, 0.6, 0.6, alpha=0.25))
            self.translate(width / 2, height / 2)
            self.rotate(35)
            self.drawCentredString(0, 0, self._watermark)
            self.restoreState()
        self.setFont(FONT, 8)
        self.setFillColor(colors.HexColor("#555555"))
        if self._pageNumber > 1:
            self.drawString(20 * mm, height - 12 * mm, self._header)
            self.line(20 * mm, height - 13.5 * mm, width - 20 * mm, height - 13.5 * mm)
        self.drawString(20 * mm, 10 * mm, self._footer)
        self.drawRightString(width - 20 * mm, 10 * mm, f"第{self._pageNumber}页 共{total}页")


def build_pdf(
    path: str | Path,
    story: list,
    *,
    title: str,
    header: str,
    footer: str,
    author: str,
    watermark: str = "",
    created=None,
) -> Path:
    """Write ``story`` to ``path`` as A4. ``invariant`` fixes the PDF's own timestamps and
    ids, so the same story gives the same bytes."""
    register_font()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    doc = SimpleDocTemplate(
        str(tmp),
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=20 * mm,
        bottomMargin=18 * mm,
        title=title,
        author=author,
        creator="ycdesk",
        invariant=1,
    )
    doc.build(
        story,
        canvasmaker=lambda *a, **k: NumberedCanvas(
            *a, header=header, footer=footer, watermark=watermark, created=created, **k
        ),
    )
    tmp.replace(path)
    return path
