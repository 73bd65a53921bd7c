"""Exact money: amounts are stored as integer 元 and shown as 亿元 with two decimals.

The plan writes investments in 亿元 (``26.17``, ``11.5``); township sheets use 万元 or
元. Integer 元 holds all of them exactly (443.55 亿元 is 44,355,000,000 元, far inside a
64-bit integer), so sums never drift the way binary floats do.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from ycdesk.errors import UserError
from ycdesk.i18n import _

YUAN_PER = {"元": 1, "万元": 10_000, "亿元": 100_000_000}
TWO = Decimal("0.01")


def parse_amount(text: str | int | Decimal, unit: str = "亿元") -> int:
    """``"26.17"`` in ``unit`` → integer 元. Refuses fractions of a 元 and non-numbers."""
    if isinstance(text, float):
        # A float has already lost exactness; callers must pass text or Decimal.
        raise TypeError("money must not be a float")
    try:
        value = Decimal(str(text).strip().replace(",", ""))
    except InvalidOperation:
        raise UserError(_("金额“{0}”不是数字").format(text)) from None
    if not value.is_finite():
        raise UserError(_("金额“{0}”不是数字").format(text))
    yuan = value * YUAN_PER[unit]
    if yuan != yuan.to_integral_value():
        raise UserError(_("金额“{0}{1}”精确到元以下，无法保存").format(text, unit))
    return int(yuan)


_NUMBER_UNIT = re.compile(r"^([-+]?\d+(?:\.\d+)?)\s*(亿元|万元|元|亿|万)?$")
_UNITS = {**YUAN_PER, "万": 10_000, "亿": 100_000_000}
_FULL_WIDTH = str.maketrans("０１２３４５６７８９．－＋，", "0123456789.-+,")


def read_amount(value, unit: str) -> int | None:
    """An amount as a user writes it — in a form or a spreadsheet cell — in 元, exactly.

    ``unit`` is the field's unit (the form's label, the column header's); a unit written
    in the value (``3.5亿元``) overrides it. Full-width digits, spaces and thousands
    separators are fine; a spreadsheet number is read by its shortest decimal form (what
    the user typed). Whether an amount may be negative is the record's validator's call."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise UserError(_("金额“{0}”无法识别").format(value))
    if isinstance(value, (int, float)):
        number, written_unit = Decimal(repr(value)), None
    else:
        m = _NUMBER_UNIT.match(re.sub(r"[\s,]", "", str(value).translate(_FULL_WIDTH)))
        if not m:
            raise UserError(_("金额“{0}”无法识别").format(value))
        number, written_unit = Decimal(m.group(1)), m.group(2)
    if not number.is_finite():
        raise UserError(_("金额“{0}”无法识别").format(value))
    yuan = number * _UNITS[written_unit or unit]
    if yuan != yuan.to_integral_value():
        raise UserError(_("金额“{0}”精确到元以下").format(value))
    return int(yuan)


def to_unit(yuan: int, unit: str = "亿元") -> Decimal:
    return Decimal(yuan) / YUAN_PER[unit]


def format_yi(yuan: int | None) -> str:
    """Integer 元 → ``"443.55"`` (亿元, two decimals, half-up)."""
    if yuan is None:
        return ""
    return str(to_unit(yuan).quantize(TWO, rounding=ROUND_HALF_UP))


def format_wan(yuan: int | None) -> str:
    if yuan is None:
        return ""
    return str(to_unit(yuan, "万元").quantize(TWO, rounding=ROUND_HALF_UP))
