"""Planned vs actual investment: profiles, S-curves, the 滞后 flag and period rollups.

All amounts are integer 元. The 十四五 planned amount of a project is spread over its
years inside 2021–2025 (evenly unless a per-year profile was entered); within a year the
plan accrues by quarter (a quarter is a quarter of the year's amount, rounded down to
the 元). A progress record for a whole year counts at the year's end.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from ycdesk.errors import UserError
from ycdesk.i18n import _
from ycdesk.money import format_yi
from ycdesk.periods import Period, parse_period

FYP_YEARS = range(2021, 2026)
DEFAULT_LAG_MARGIN = Decimal("0.2")  # behind the planned path by more than 20 % → 滞后


def fyp_years(project: dict) -> list[int]:
    return [y for y in FYP_YEARS if project["start_year"] <= y <= project["end_year"]]


def even_profile(project: dict) -> dict[int, int]:
    """The 十四五 amount split evenly over the project's plan years, summing exactly."""
    years = fyp_years(project)
    if not years:
        return {}
    base, extra = divmod(project["fyp_yuan"], len(years))
    return {y: base + (1 if i < extra else 0) for i, y in enumerate(years)}


def quarters() -> list[Period]:
    return [Period(y, q) for y in FYP_YEARS for q in range(1, 5)]


def default_period(today=None) -> Period:
    """The current quarter, or the plan's last year once the plan period is over."""
    from datetime import date

    today = today or date.today()
    if today.year > 2025:
        return Period(2025)
    if today.year < 2021:
        return Period(2021, 1)
    return Period(today.year, (today.month - 1) // 3 + 1)


def planned_to(profile: dict[int, int], period: Period) -> int:
    done = sum(amount for year, amount in profile.items() if year < period.year)
    this_year = profile.get(period.year, 0)
    fraction = 4 if period.quarter is None else period.quarter
    return done + this_year * fraction // 4


def completed_to(records: list[dict], period: Period, *, fyp_only: bool = True) -> int:
    total = 0
    for r in records:
        p = parse_period(r["period"])
        if fyp_only and p.year not in FYP_YEARS:
            continue
        if p.end <= period.end:
            total += r["amount_yuan"]
    return total


def rate(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def is_lagging(planned: int, completed: int, margin: Decimal = DEFAULT_LAG_MARGIN) -> bool:
    return planned > 0 and Decimal(completed) < Decimal(planned) * (1 - margin)


@dataclass(frozen=True)
class ProjectStatus:
    planned_to_date: int
    completed_to_date: int  # within 十四五, up to the period
    completed_total: int  # every record, for the ≤ total rule
    rate: Decimal | None  # completed_to_date / 十四五 planned, %
    variance: int  # completed − planned, to date
    lagging: bool


class Progress:
    """Planned-vs-actual figures over a workspace, for one period at a time."""

    def __init__(self, store) -> None:
        self.store = store

    def profiles(self) -> dict[str, dict[int, int]]:
        custom: dict[str, dict[int, int]] = {}
        for r in self.store.query(
            "SELECT project_id, year, planned_yuan FROM project_plan_years WHERE deleted_at IS NULL"
        ):
            custom.setdefault(r["project_id"], {})[r["year"]] = r["planned_yuan"]
        out = {}
        for p in self.store.projects.list():
            out[p["id"]] = custom.get(p["id"]) or even_profile(p)
        return out

    def records(self) -> dict[str, list[dict]]:
        out: dict[str, list[dict]] = {}
        for r in self.store.query("SELECT * FROM investments WHERE deleted_at IS NULL ORDER BY period"):
            out.setdefault(r["project_id"], []).append(r)
        return out

    def set_profile(self, project_id: str, amounts: dict[int, int]) -> None:
        """Replace a project's per-year plan; it must sum to the project's 十四五 amount."""
        project = self.store.get("projects", project_id)
        bad = [y for y in amounts if y not in fyp_years(project)]
        if bad:
            raise UserError(
                _("项目“{0}”的计划年份{1}不在其起止年限与2021–2025的交集内").format(
                    project["name"], "、".join(map(str, bad))
                )
            )
        if sum(amounts.values()) != project["fyp_yuan"]:
            raise UserError(
                _("项目“{0}”各年计划合计{1}亿元，应等于十四五计划投资{2}亿元").format(
                    project["name"], format_yi(sum(amounts.values())), format_yi(project["fyp_yuan"])
                )
            )
        with self.store.transaction():
            for row in self.store.query(
                "SELECT id FROM project_plan_years WHERE project_id = ? AND deleted_at IS NULL",
                (project_id,),
            ):
                self.store.soft_delete("project_plan_years", row["id"])
            for year, amount in sorted(amounts.items()):
                self.store.insert(
                    "project_plan_years",
                    {"project_id": project_id, "year": year, "planned_yuan": amount},
                )

    def status(
        self, project: dict, period: Period, profile, records, margin: Decimal = DEFAULT_LAG_MARGIN
    ) -> ProjectStatus:
        planned = planned_to(profile, period)
        done = completed_to(records, period)
        return ProjectStatus(
            planned_to_date=planned,
            completed_to_date=done,
            completed_total=sum(r["amount_yuan"] for r in records),
            rate=rate(done, project["fyp_yuan"]),
            variance=done - planned,
            lagging=is_lagging(planned, done, margin),
        )

    def project_rows(
        self, period: Period, projects: list[dict] | None = None, margin: Decimal = DEFAULT_LAG_MARGIN
    ) -> list[dict]:
        """Projects with their figures for ``period`` added (keys match the export)."""
        profiles, records = self.profiles(), self.records()
        rows = projects if projects is not None else self.store.projects.list()
        for p in rows:
            s = self.status(p, period, profiles.get(p["id"], {}), records.get(p["id"], []), margin)
            p.update(
                planned_to_date_yuan=s.planned_to_date,
                completed_yuan=s.completed_to_date,
                completed_total_yuan=s.completed_total,
                rate=s.rate,
                variance_yuan=s.variance,
                # A reserve or cancelled project is not expected to follow the path.
                lagging=s.lagging and p["status"] not in ("储备", "取消"),
            )
        return rows

    def rollup(self, rows: list[dict]) -> dict:
        """Count and exact sums over rows from :meth:`project_rows`."""
        fyp = sum(r["fyp_yuan"] for r in rows)
        done = sum(r["completed_yuan"] for r in rows)
        return {
            "count": len(rows),
            "total_yuan": sum(r["total_yuan"] for r in rows),
            "fyp_yuan": fyp,
            "planned_to_date_yuan": sum(r["planned_to_date_yuan"] for r in rows),
            "completed_yuan": done,
            "remaining_yuan": fyp - done,
            "variance_yuan": done - sum(r["planned_to_date_yuan"] for r in rows),
            "rate": rate(done, fyp),
            "lagging": sum(1 for r in rows if r["lagging"]),
        }

    def s_curve(self, project_ids: list[str] | None = None) -> list[tuple[Period, int, int]]:
        """(quarter, planned cumulative, completed cumulative) for 2021Q1–2025Q4."""
        profiles, records = self.profiles(), self.records()
        ids = project_ids if project_ids is not None else list(profiles)
        out = []
        for q in quarters():
            planned = sum(planned_to(profiles.get(i, {}), q) for i in ids)
            done = sum(completed_to(records.get(i, []), q) for i in ids)
            out.append((q, planned, done))
        return out
