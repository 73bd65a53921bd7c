"""Dates and periods every validator shares."""

from __future__ import annotations

from datetime import date

from ycdesk.errors import UserError
from ycdesk.i18n import _
from ycdesk.periods import Period

# The years the plans speak of: the 十三五 plan's first year to the 十五五 plan's last.
REPORT_YEARS = range(2016, 2031)


def iso_date(text, label: str) -> date | None:
    """``text`` (``YYYY-MM-DD``, a date, or empty) as a date; refuses anything else."""
    if text in (None, ""):
        return None
    if isinstance(text, date):
        return text
    try:
        return date.fromisoformat(str(text).strip())
    except ValueError:
        raise UserError(_("{0}“{1}”应写作 YYYY-MM-DD").format(label, text)) from None


def current_quarter(today: date) -> Period:
    return Period(today.year, (today.month - 1) // 3 + 1)


def not_after_current_quarter(p: Period, today: date) -> str | None:
    """The reason ``p`` may not hold actual data yet, or None."""
    if p.end > current_quarter(today).end:
        return _("{0}尚未到来（当前为{1}），不能填报").format(p.label, current_quarter(today).label)
    return None


def check_report_period(p: Period) -> None:
    if p.year not in REPORT_YEARS:
        raise UserError(_("报告期间{0}不在规划涉及的{1}–{2}年内").format(p.label, REPORT_YEARS[0], REPORT_YEARS[-1]))
