"""The figures a report shows, gathered as plain data first (and hashed), then laid out.

Everything is as of the end of the reporting period and comes from :mod:`ycdesk.stats`,
so the data — and with it the fingerprint and the PDF — of a closed period does not
change when later data arrives.
"""

from __future__ import annotations

from datetime import date

from ycdesk import stats
from ycdesk.money import format_yi
from ycdesk.periods import Period, parse_period
from ycdesk.status import evaluate
from ycdesk.townships import DISTRICT

KEY_SERIES = ("FYP14-02", "FYP14-03")  # PM2.5 and 优良天数比率: the plan's headline air targets


def _display(o: dict | None) -> str:
    if o is None:
        return ""
    return o["value_text"] or ("" if o["value"] is None else f"{o['value']:g}")


def indicators(store, end: date, year_end: bool = False, scope: str = DISTRICT) -> list[dict]:
    """十四五 indicators with their latest value up to ``end`` and status."""
    out = []
    for ind in store.indicators.list("十四五"):
        obs = stats.observations_to(store, ind["id"], end, scope)
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
                  for o in stats.observations_to(store, ind["id"], end, scope) if o["value"] is not None]
        target = ind["target_value"]
        out.append({"code": code, "name": ind["name"], "target": None if target is None else float(target),
                    "target_text": ind["target_text"], "points": points})
    return out


def projects(store, period: Period, township_id: str | None = None) -> dict:
    by_domain, total = stats.investment(store, period, township_id)
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
    """This period's and to-date audit figures, open findings by township, the oldest
    overdue items and the per-year table — every one as of ``end``, for the scope."""
    cut = stats.Cut(as_of=end, township_id=township_id)
    return {
        "this_period": _counts(stats.audit_figures(store, stats.Cut(as_of=end, township_id=township_id,
                                                                      dated_from=start))),
        "to_date": _counts(stats.audit_figures(store, cut)),
        "by_township": stats.open_by_township(store, cut),
        "overdue": stats.oldest_overdue(store, cut, overdue_rows),
        "overdue_total": stats.due(store, cut, 0)["overdue"],
        "by_year_level": stats.audit_figures_by_year_level(store, cut),
    }


def _counts(figures: dict) -> dict:
    rate = figures["rectification_rate"]
    return {k: figures[k] for k in ("audits", "units", "found", "rectified")} | {
        "rate": "—" if rate is None else f"{rate}%"}
