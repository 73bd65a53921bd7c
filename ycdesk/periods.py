"""Reporting periods: a year ``2024`` or a quarter ``2024Q3`` (shown 2024年第3季度)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from ycdesk.errors import UserError
from ycdesk.i18n import _

_PERIOD = re.compile(r"^(\d{4})(?:\s*[Qq]([1-4]))?$")
_CN_QUARTER = re.compile(r"^(\d{4})年(?:第?([1-4一二三四])季度)?$")
_CN_DIGIT = {"一": "1", "二": "2", "三": "3", "四": "4"}


@dataclass(frozen=True, order=True)
class Period:
    year: int
    quarter: int | None = None  # None: the whole year

    def __str__(self) -> str:
        return f"{self.year}" if self.quarter is None else f"{self.year}Q{self.quarter}"

    @property
    def label(self) -> str:
        return f"{self.year}年" if self.quarter is None else f"{self.year}年第{self.quarter}季度"

    @property
    def end(self) -> date:
        if self.quarter is None:
            return date(self.year, 12, 31)
        month = self.quarter * 3
        return date(self.year, month, {3: 31, 6: 30, 9: 30, 12: 31}[month])

    @property
    def sort_key(self) -> tuple[int, int]:
        # A year sorts after its quarters: it covers to the year's end.
        return (self.year, 5 if self.quarter is None else self.quarter)


def parse_period(text: str | int) -> Period:
    s = str(text).strip()
    m = _PERIOD.match(s)
    if m:
        return Period(int(m.group(1)), int(m.group(2)) if m.group(2) else None)
    m = _CN_QUARTER.match(s)
    if m:
        q = m.group(2)
        return Period(int(m.group(1)), int(_CN_DIGIT.get(q, q)) if q else None)
    raise UserError(_("期间“{0}”无法识别，应为年份（2024）或季度（2024Q3）").format(s))
