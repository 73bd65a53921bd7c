"""The observation (指标观测值) validator: its period and its value."""

from __future__ import annotations

import math
import re
from datetime import date

from ycdesk.errors import NeedsReason, UserError
from ycdesk.i18n import _
from ycdesk.periods import Period, parse_period
from ycdesk.rules.dates import not_after_current_quarter

PLAN_YEARS = range(2014, 2031)  # the monitoring series reach back to 2014
TEXT_KINDS = ("milestone", "deferred", "none", "unparsed")  # targets met by words (完成, 创建中)
_NUMBER_WITH_REMARK = re.compile(r"^(-?[0-9]+(?:\.[0-9]+)?)\s*[，,；;]\s*\S")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?:\D|$))")
_FULL_WIDTH = str.maketrans("０１２３４５６７８９．－％，", "0123456789.-%,")


def observation_period(period, today: date, *, future_reason: str | None = None) -> Period:
    """The period an observation is for. Not before 2014 nor after 2030, and not after the
    current quarter — unless a reason is given (a value the plan sets for a later year)."""
    p = parse_period(period)
    if p.year not in PLAN_YEARS:
        raise UserError(_("期间{0}不在规划范围内（{1}–{2}年）").format(p.label, PLAN_YEARS[0], PLAN_YEARS[-1]))
    reason = not_after_current_quarter(p, today)
    if reason and not (future_reason or "").strip():
        raise NeedsReason(reason + _("；如确为规划目标值，请填写原因"))
    return p


def accepts_words(indicator: dict) -> bool:
    """Whether ``indicator`` takes words (完成, 创建中) as well as numbers."""
    return indicator["target_kind"] in TEXT_KINDS


def observation_value(value, indicator: dict) -> tuple[float | None, str | None]:
    """(number, text) for a value of ``indicator``: a number in the indicator's unit, or
    words (完成, 创建中) where its target is met by words.

    One reading for every path: ``92.1`` and ``92.1%`` are 92.1 for a % indicator; a bare
    fraction such as ``0.921`` is refused there, because it may mean 92.1 % (a spreadsheet
    cell formatted as a percentage) or 0.921 %, and guessing would be wrong either way."""
    name = indicator["name"]
    if value is None or (isinstance(value, str) and not value.strip()):
        raise UserError(_("“{0}”的值不能为空").format(name))
    if isinstance(value, bool):
        raise UserError(_("“{0}”的值“{1}”不是数字").format(name, value))
    if isinstance(value, (int, float)):
        text, written_percent, number = None, False, float(value)
    else:
        raw = _THOUSANDS.sub("", str(value).strip().translate(_FULL_WIDTH))
        written_percent = raw.endswith("%")
        text = None
        try:
            number = float(raw.rstrip("%").strip())
        except ValueError:
            # The plan writes some values as a number with a remark: "0，保持稳定".
            m = _NUMBER_WITH_REMARK.match(raw)
            if m:
                number, text = float(m.group(1)), str(value).strip()
            elif accepts_words(indicator):
                return None, str(value).strip()
            else:
                raise UserError(_("“{0}”的值“{1}”不是数字").format(name, value)) from None
    if not math.isfinite(number):
        raise UserError(_("“{0}”的值“{1}”不是数字").format(name, value))
    if indicator["unit"] == "%":
        if not written_percent and 0 < abs(number) < 1:
            raise UserError(
                _(
                    "“{0}”以%计，“{1}”无法判断是小数还是百分数：92.1% 请写作 92.1 或 92.1%，"
                    "不足1%的值请带上%（如 0.5%）"
                ).format(name, value)
            )
        if not 0 <= number <= 100:
            raise UserError(_("“{0}”是百分比，应在0到100之间，收到{1}").format(name, value))
    return number, text
