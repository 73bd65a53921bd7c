"""Exact money: amounts are stored as integer 元 and shown as 亿元 with two decimals.

The plan writes investments in 亿元 (``26.17``, ``11.5``); township sheets use 万元 or
元. Integer 元 holds all of them exactly (443.55 亿元 is 44,355,000,000 元, far inside a
64-bit integer), so sums never drift the way binary floats do.
"""

from __future__ import annotations

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
