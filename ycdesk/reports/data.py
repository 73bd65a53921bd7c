"""The figures a report shows, gathered as plain data first (and hashed), then laid out.

Everything is "as of" the end of the reporting period: an observation counts if its
period ends on or before that day; progress uses the planned path up to that day.
"""

from __future__ import annotations

from datetime import date

from ycdesk.findings import FindingFilter
from ycdesk.money import format_yi
from ycdesk.periods import Period, parse_period
from ycdesk.status import evaluate
from ycdesk.townships import DISTRICT

KEY_SERIES = ("FYP14-02", "FYP14-03")  # PM2.5 and 优良天数比率: the plan's headline air targets


def _observations_to(store, indicator_id: str, end: date, scope: str) -> list[dict]:
    return [o for o in store.indicators.observations(indicator_id, scope)
            if parse_period(o["period"]).end <= end]


def _display(o: dict | None) -> str:
    if o is None:
        return ""
    return o["value_text"] or ("" if o["value"] is None else f"{o['value']:g}")


def indicators(store, end: date, year_end: bool = False, scope: str = DISTRICT) -> list[dict]:
    """十四五 indicators with their latest value up to ``end`` and status."""
    out = []
    for ind in store.indicators.list("十四五"):
        obs = _observations_to(store, ind["id"], end, scope)
        if year_end:
            obs = [o for o in obs if "Q" not in o["period"]] or obs
        latest = obs[-1] if obs else None
        result = evaluate(ind, latest)
        out.append({
            "seq": ind["seq"], "name": ind["name"], "nature": ind["nature"],
            "target": ind["assigned_target_text"] or ind["target_text"] or "",
            "baseline": ind["baseline_text"] or "", "value": _display(latest),
            "period": latest["period"] if latest else "", "status": result.status or "—",
            "on_track": {True: "符合进度", False: "落后于进度", None: ""}[result.on_track],
        })
    return out


def key_series(store, end: date, scope: str = DISTRICT) -> list[dict]:
    out = []
    for code in KEY_SERIES:
        ind = store.indicators.by_code(code)
        points = [(parse_period(o["period"]).year + ((parse_period(o["period"]).quarter or 4) - 4) / 4, o["value"])
                  for o in _observations_to(store, ind["id"], end, scope) if o["value"] is not None]
        target = ind["target_value"]
        out.append({"code": code, "name": ind["name"], "target": None if target is None else float(target),
                    "target_text": ind["target_text"], "points": points})
    return out


def projects(store, period: Period, township_id: str | None = None) -> dict:
    by_domain, total = store.projects.rollups_by_domain(period, township=township_id)
    return {
        "domains": [{"domain": d, **_money(r)} for d, r in by_domain.items() if r["count"]],
        "total": _money(total),
        "lagging": [{"seq": r["seq"], "name": r["name"], "domain": r["domain"],
                     "planned": format_yi(r["planned_to_date_yuan"]), "completed": format_yi(r["completed_yuan"]),
                     "rate": "" if r["rate"] is None else f"{r['rate']}%"}
                    for r in total["projects"] if r["lagging"]],
    }


def _money(rollup: dict) -> dict:
    return {
        "count": rollup["count"], "total": format_yi(rollup["total_yuan"]), "fyp": format_yi(rollup["fyp_yuan"]),
        "planned": format_yi(rollup["planned_to_date_yuan"]), "completed": format_yi(rollup["completed_yuan"]),
        "remaining": format_yi(rollup["remaining_yuan"]),
        "rate": "" if rollup["rate"] is None else f"{rollup['rate']}%", "lagging": rollup["lagging"],
        "completed_yi": float(rollup["completed_yuan"]) / 1e8, "total_yi": float(rollup["total_yuan"]) / 1e8,
        "fyp_yi": float(rollup["fyp_yuan"]) / 1e8,
    }


def audits(store, start: date, end: date, township_id: str | None = None, overdue_rows: int = 40) -> dict:
    """This period's and to-date audit figures, overdue by township, the oldest overdue items."""
    f = store.findings

    def counts(flt: FindingFilter) -> dict:
        per = f.per_audit(flt)
        found = sum(c["found"] for c in per.values())
        rectified = sum(c["rectified"] or 0 for c in per.values())
        units = {a["enterprise_id"] for a in store.query(
            "SELECT id, enterprise_id FROM audits WHERE deleted_at IS NULL") if a["id"] in per}
        return {"audits": len(per), "units": len(units), "found": found, "rectified": rectified,
                "rate": f"{100 * rectified / found:.1f}%" if found else "—"}

    this = counts(FindingFilter(audit_from=start.isoformat(), audit_to=end.isoformat(),
                                township_id=township_id, as_of=end))
    to_date = counts(FindingFilter(audit_to=end.isoformat(), township_id=township_id, as_of=end))
    towns = f.by_township_open(end)
    overdue = _oldest_overdue(store, end, township_id, overdue_rows)
    by_year = []
    for year, levels in store.audits.by_year_level().items():
        if year <= end.year:
            for level, c in levels.items():
                by_year.append({"year": year, "level": level, **c})
    return {"this_period": this, "to_date": to_date, "by_township": towns, "overdue": overdue,
            "overdue_total": f.count(FindingFilter(due="overdue", as_of=end, township_id=township_id)),
            "by_year_level": by_year}


def _oldest_overdue(store, end: date, township_id: str | None, limit: int) -> list[dict]:
    flt = FindingFilter(due="overdue", as_of=end, township_id=township_id)
    where, params = flt.where()
    rows = store.query(
        f"""SELECT f.id FROM findings f WHERE {where} ORDER BY f.deadline, f.rowid LIMIT ?""",
        [*params, limit])
    out = []
    for r in rows:
        item = store.findings.get(r["id"])
        out.append({"enterprise": item["enterprise"], "township": item["township"] or "",
                    "category": item["category"], "deadline": item["deadline"],
                    "days": (end - date.fromisoformat(item["deadline"])).days, "status": item["status"]})
    return out
