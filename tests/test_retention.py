"""Retention as Anki does it, as a pure function of (backup, time) pairs and a fake clock."""

from datetime import datetime, timedelta

from ycdesk.backups.retention import to_keep

NOW = datetime(2025, 3, 15, 12, 0)  # a Saturday; its week began on Monday 10 March


def daily_from(start, end, hour=9):
    day, out = start, []
    while day <= end:
        out.append((day.date().isoformat(), day.replace(hour=hour)))
        day += timedelta(days=1)
    return out


def test_a_busy_day_keeps_the_newest_ten():
    backups = [(i, NOW - timedelta(minutes=10 * i)) for i in range(30)]
    assert to_keep(backups, NOW) == set(range(10))


def test_a_year_of_daily_backups_keeps_recent_daily_weekly_and_monthly():
    backups = daily_from(datetime(2024, 1, 1), datetime(2025, 3, 15))
    recent = {f"2025-03-{d:02d}" for d in range(6, 16)}  # the ten newest (and the 7 daily among them)
    weekly = {"2025-03-02", "2025-02-23"}  # newest of the weeks of 24 Feb and 17 Feb
    monthly = {
        "2025-02-28",
        "2025-01-31",
        "2024-12-31",
        "2024-11-30",
        "2024-10-31",
        "2024-09-30",
        "2024-08-31",
        "2024-07-31",
        "2024-06-30",
        "2024-05-31",
        "2024-04-30",
    }
    assert to_keep(backups, NOW) == recent | weekly | monthly


def test_after_weeks_away_the_old_backups_are_still_the_recent_ones():
    backups = daily_from(datetime(2024, 12, 1), datetime(2024, 12, 20))
    kept = to_keep(backups, NOW)
    assert {f"2024-12-{d:02d}" for d in range(11, 21)} <= kept  # the ten newest, however old
    assert "2024-12-01" not in kept and "2024-12-20" in kept


def test_limits_are_parameters_and_nothing_is_kept_twice_over():
    backups = [(i, NOW - timedelta(hours=i)) for i in range(200)]
    kept = to_keep(backups, NOW, recent=2, daily=3, weekly=0, monthly=0)
    # two newest, then the newest of yesterday and the day before (today's is among the two)
    assert kept == {0, 1, 13, 37}


def test_a_backup_from_the_future_counts_as_recent():
    backups = [("future", NOW + timedelta(days=3)), *[(i, NOW - timedelta(days=i)) for i in range(20)]]
    assert "future" in to_keep(backups, NOW)
