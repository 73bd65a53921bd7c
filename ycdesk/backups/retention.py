"""Which backups to keep, as Anki does: the newest few of every operation, plus one a day
for a week, one a week for a month and one a month for a year.

A pure function over (key, time) pairs and the current time, so it is tested with a fake
clock and cannot delete anything by itself.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from datetime import datetime

RECENT = 10
DAILY, WEEKLY, MONTHLY = 7, 4, 12


def _day(t: datetime) -> int:
    return t.toordinal()


def _week(t: datetime) -> int:  # weeks start on Monday
    return (t.toordinal() - t.weekday()) // 7


def _month(t: datetime) -> int:
    return t.year * 12 + t.month - 1


def to_keep(
    backups: Iterable[tuple[Hashable, datetime]],
    now: datetime,
    *,
    recent: int = RECENT,
    daily: int = DAILY,
    weekly: int = WEEKLY,
    monthly: int = MONTHLY,
) -> set:
    """Keys of the backups to keep: the ``recent`` newest, and the newest backup of each of
    the last ``daily`` days, ``weekly`` weeks and ``monthly`` months, counted back from
    ``now``'s own day, week and month. Backups dated after ``now`` (a clock set back) count
    as the newest of their period."""

    def local(t: datetime) -> datetime:
        return t.astimezone(now.tzinfo) if t.tzinfo and now.tzinfo else t

    ordered = sorted(((key, local(t)) for key, t in backups), key=lambda b: b[1], reverse=True)
    keep = {key for key, _t in ordered[:recent]}
    for count, period in ((daily, _day), (weekly, _week), (monthly, _month)):
        current, seen = period(now), set()
        for key, t in ordered:
            p = period(t)
            if current - p < count and p not in seen:
                seen.add(p)
                keep.add(key)
    return keep
