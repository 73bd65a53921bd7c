"""The bundled faces a report may use, and the rule that no character prints as a blank.

- WenQuanYi Micro Hei (sans): tables, headings, the body of reports.
- AR PL UMing (a 宋体/明体 face): the body of a 公文 such as the 整改通知书.
- Hanazono Mincho A and B: fallbacks for rare CJK (Extension A to F: 䶮, 㵘, 𠮷, 𬌗 …),
  registered only when a text needs them (each takes most of a second to load).

Before a report is laid out, every character of its data is checked against these faces
(:func:`check_content`); a character none of them has refuses the report with the record
and the character named. While laying out, :func:`markup` switches a run of characters
the paragraph's face lacks to the first fallback that has them.

reportlab (5.1) writes the ToUnicode entry of a character beyond U+FFFF as five hex
digits, so 𠮷 copied out of the PDF reads "₻"; :func:`_to_unicode_cmap` writes such
entries as UTF-16 surrogate pairs, as the PDF reference requires.
"""

from __future__ import annotations

from functools import cache

from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFont

from ycdesk.errors import UserError
from ycdesk.i18n import _
from ycdesk.paths import resources_dir

SANS = "WQYMicroHei"
SERIF = "UMing"
FALLBACKS = ("HanaMinA", "HanaMinB")
FILES = {
    SANS: ("wqy-microhei.ttc", 0),
    SERIF: ("uming.ttc", 0),
    "HanaMinA": ("HanaMinA.ttf", 0),
    "HanaMinB": ("HanaMinB.ttf", 0),
}


def _to_unicode_cmap(fontname, subset):
    """reportlab's ``makeToUnicodeCMap`` with code points beyond the BMP as surrogate pairs."""

    def utf16(v: int) -> str:
        if v <= 0xFFFF:
            return "%04X" % v
        v -= 0x10000
        return "%04X%04X" % (0xD800 + (v >> 10), 0xDC00 + (v & 0x3FF))

    cmap = (
        [
            "/CIDInit /ProcSet findresource begin",
            "12 dict begin",
            "begincmap",
            "/CIDSystemInfo",
            "<< /Registry (%s)" % fontname,
            "/Ordering (%s)" % fontname,
            "/Supplement 0",
            ">> def",
            "/CMapName /%s def" % fontname,
            "/CMapType 2 def",
            "1 begincodespacerange",
            "<00> <%02X>" % (len(subset) - 1),
            "endcodespacerange",
            "%d beginbfchar" % len(subset),
        ]
        + ["<%02X> <%s>" % (i, utf16(v)) for i, v in enumerate(subset)]
        + ["endbfchar", "endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    )
    return "\n".join(cmap)


ttfonts.makeToUnicodeCMap = _to_unicode_cmap  # the one caller looks the name up at run time


def register(name: str) -> str:
    """Register a bundled face with reportlab (once) and return its name."""
    if name not in pdfmetrics.getRegisteredFontNames():
        file, index = FILES[name]
        pdfmetrics.registerFont(TTFont(name, str(resources_dir() / "fonts" / file), subfontIndex=index))
    return name


@cache
def _glyphs(name: str) -> frozenset[int]:
    return frozenset(pdfmetrics.getFont(register(name)).face.charToGlyph)


def has(name: str, char: str) -> bool:
    return ord(char) in _glyphs(name)


def face_for(char: str, preferred: str = SANS) -> str | None:
    """The face to print ``char`` in: ``preferred`` if it has it, else the first fallback."""
    if char.isspace() or has(preferred, char):
        return preferred
    for name in FALLBACKS:
        if has(name, char):
            return name
    return None


def missing(text: str, preferred: str = SANS) -> list[str]:
    """Characters of ``text`` that no bundled face has."""
    return sorted({c for c in text if face_for(c, preferred) is None})


def check_content(content, where: str = "") -> None:
    """Refuse a report whose data holds a character no bundled face can print, naming the
    record (its path in the report's data) and the character."""
    if isinstance(content, dict):
        for key, value in content.items():
            label = value.get("name") or value.get("enterprise") if isinstance(value, dict) else None
            check_content(value, f"{where}·{label or key}" if where else str(label or key))
    elif isinstance(content, (list, tuple)):
        for n, item in enumerate(content, 1):
            label = None
            if isinstance(item, dict):
                label = item.get("name") or item.get("enterprise") or item.get("domain")
            check_content(item, f"{where}·{label or n}")
    elif isinstance(content, str):
        absent = missing(content)
        if absent:
            raise UserError(
                _("“{0}”（{1}）中的字符{2}没有可用的字体，无法打印；请改用常用字或与管理员联系补充字体").format(
                    content, where, "、".join(f"“{c}”（U+{ord(c):04X}）" for c in absent)
                )
            )


def markup(escaped: str, preferred: str = SANS) -> str:
    """``escaped`` paragraph text with each run of characters ``preferred`` lacks wrapped in
    ``<font name=…>`` of a fallback face. Tags and entities in ``escaped`` are left alone."""
    if all(ord(c) < 0x2E80 or has(preferred, c) for c in escaped):
        return escaped  # the usual case: nothing rare
    out, run, run_face, in_tag = [], [], None, False
    for c in escaped:
        face = preferred
        if c == "<":
            in_tag = True
        if not in_tag and not c.isspace():
            face = face_for(c, preferred) or preferred
        if c == ">":
            in_tag = False
        if face != run_face and run:
            out.append(_wrap("".join(run), run_face, preferred))
            run = []
        run_face = face
        run.append(c)
    if run:
        out.append(_wrap("".join(run), run_face, preferred))
    return "".join(out)


def _wrap(text: str, face: str, preferred: str) -> str:
    return text if face == preferred else f'<font name="{face}">{text}</font>'
