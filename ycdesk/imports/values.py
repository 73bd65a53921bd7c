"""Turning what people type into cells into clean values, or a Chinese reason why not.

Each parser takes the raw cell (str, float, int, date, datetime, bool or None) and returns
the value to store; it raises ``ValueError`` with a message a user can act on.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from ycdesk.errors import UserError
from ycdesk.i18n import _
from ycdesk.money import read_amount
from ycdesk.rules import MAX_TEXT, not_one_of

FULL_WIDTH = {i: i - 0xFEE0 for i in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
EXCEL_EPOCH = date(1899, 12, 30)
_DATE_PATTERNS = [
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
]

STATUS_WORDS = {
    "待整改": "待整改",
    "未整改": "待整改",
    "未完成": "待整改",
    "未开始": "待整改",
    "待办": "待整改",
    "整改中": "整改中",
    "正在整改": "整改中",
    "整改进行中": "整改中",
    "部分整改": "整改中",
    "推进中": "整改中",
    "已整改": "已整改",
    "整改完毕": "已整改",
    "整改完成": "已整改",
    "完成": "已整改",
    "已完成": "已整改",
    "待验收": "已整改",
    "已整改待验收": "已整改",
    "已整改（待验收）": "已整改",
    "已销号": "已销号",
    "销号": "已销号",
    "已验收": "已销号",
    "验收通过": "已销号",
    "已闭环": "已销号",
}
LEVEL_WORDS = {
    "市级": "市级",
    "市": "市级",
    "市级考核": "市级",
    "区级": "区级",
    "区": "区级",
    "区级考核": "区级",
    "县级": "区级",
}
SEVERITY_WORDS = {"一般": "一般", "较重": "较重", "较严重": "较重", "严重": "严重", "重大": "严重"}


# In free text only full-width digits, Latin letters and the ideographic space are
# narrowed: full-width punctuation such as （）， is correct Chinese and stays.
NARROW = (
    {i: i - 0xFEE0 for i in range(0xFF10, 0xFF1A)}
    | {i: i - 0xFEE0 for i in range(0xFF21, 0xFF3B)}
    | {i: i - 0xFEE0 for i in range(0xFF41, 0xFF5B)}
    | {0x3000: 0x20}
)


def clean_text(value) -> str:
    """Trimmed text with full-width digits and letters narrowed; inner line breaks kept."""
    if value is None:
        return ""
    if type(value) is not str:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        value = str(value)
    if not value.isascii():
        value = value.translate(NARROW)
    if "\n" in value or "\r" in value:
        lines = value.replace("\r\n", "\n").replace("\r", "\n").strip().split("\n")
        return "\n".join(line.strip() for line in lines)
    return value.strip()


def _half(text: str) -> str:
    return text.translate(FULL_WIDTH)


def text(value) -> str | None:
    out = clean_text(value)
    if len(out) > MAX_TEXT:
        raise ValueError(_("文字有 {0} 字，超过 {1} 字（Excel 单元格的上限）").format(len(out), MAX_TEXT))
    return out or None


_NEEDS_CLEANING = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\u3000\r\n]")


def text_column(cells: list) -> list:
    """:func:`text` of every cell of a column, or None if a cell is too long. One scan of the joined column tells whether any cell has full-width letters, digits
    or line breaks; usually none does and each cell needs only ``strip``."""
    if all(type(c) is str for c in cells):
        if max(map(len, cells), default=0) > MAX_TEXT:
            return None  # the caller parses cell by cell and names the over-long ones
        if not _NEEDS_CLEANING.search("\x00".join(cells)):
            return [c.strip() or None for c in cells]
    try:
        return [text(c) for c in cells]
    except ValueError:
        return None


def code(value) -> str | None:
    """Identifiers: half-width, no spaces or line breaks; numbers keep their digits."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    out = re.sub(r"\s+", "", _half(clean_text(value)))
    return out or None


def parse_date(value) -> str | None:
    if value in (None, ""):
        return None
    if isinstance(value, date) and value.year < 1900:
        # calamine gives a date-formatted cell holding 0, NaN or Inf as the serial epoch
        # (1899-12-30): no real date, and not something to store as one.
        raise ValueError(
            _("日期单元格的值为 0 或不是数字（显示为 {0}），请填写实际日期").format(value.strftime("%Y-%m-%d"))
        )
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 1 <= value < 2958466:  # Excel serial day numbers
            return (EXCEL_EPOCH + timedelta(days=int(value))).isoformat()
        raise ValueError(_("日期“{0}”无法识别").format(value))
    s = re.sub(r"\s+", "", _half(str(value)))
    for pattern in _DATE_PATTERNS:
        m = pattern.match(s)
        if m:
            try:
                return date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
            except ValueError:
                raise ValueError(_("日期“{0}”不存在").format(value)) from None
    raise ValueError(_("日期“{0}”无法识别，可写作 2021-07-31、2021/7/31、2021.7.31 或 2021年7月31日").format(value))


def parse_int(value, label: str = "") -> int | None:
    if value in (None, ""):
        return None
    s = re.sub(r"[\s,年]", "", _half(str(value)))
    try:
        number = Decimal(s)
    except InvalidOperation:
        raise ValueError(_("“{0}”不是整数").format(value)) from None
    if not number.is_finite() or number != number.to_integral_value():
        raise ValueError(_("“{0}”不是整数").format(value))
    return int(number)


def parse_year(value) -> int | None:
    year = parse_int(value)
    if year is not None and not 2000 <= year <= 2100:
        raise ValueError(_("年度“{0}”不合理").format(value))
    return year


def parse_decimal(value) -> Decimal | None:
    if value in (None, ""):
        return None
    if isinstance(value, float):
        # A spreadsheet number: its shortest decimal form is what the user typed.
        return Decimal(repr(value))
    s = re.sub(r"[\s,]", "", _half(str(value)))
    try:
        d = Decimal(s)
    except InvalidOperation:
        raise ValueError(_("“{0}”不是数字").format(value)) from None
    if not d.is_finite():
        raise ValueError(_("“{0}”不是数字").format(value))
    return d


def parse_money(value, header_unit: str) -> int | None:
    """An amount in 元, exactly (:func:`ycdesk.money.read_amount`, the form's reading too)."""
    try:
        return read_amount(value, header_unit)
    except UserError as exc:
        raise ValueError(str(exc)) from None


def mapped(words: dict[str, str], label: str):
    def parse(value) -> str | None:
        s = re.sub(r"\s+", "", _half(clean_text(value)))
        if not s:
            return None
        if s in words:
            return words[s]
        raise ValueError(not_one_of(label, s, words.values()))

    return parse


parse_status = mapped(STATUS_WORDS, _("整改状态"))
parse_level = mapped(LEVEL_WORDS, _("考核级别"))
parse_severity = mapped(SEVERITY_WORDS, _("严重程度"))
