"""The figures a report shows, gathered as plain data first (and hashed), then laid out.

Everything is as of the end of the reporting period and comes from :mod:`ycdesk.stats`,
so the data — and with it the fingerprint and the PDF — of a closed period does not
change when later data arrives.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

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


def year_before(period: str) -> str:
    p = parse_period(period)
    return str(Period(p.year - 1, p.quarter))


def _change(now: dict | None, then: dict | None) -> str:
    """now − then, exactly as the values were written (no binary-float artefacts)."""
    if not now or not then or now["value"] is None or then["value"] is None:
        return ""
    diff = Decimal(repr(now["value"])) - Decimal(repr(then["value"]))
    text = format(diff, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if diff == 0 else f"+{text}" if diff > 0 else text


def indicators(store, end: date, year_end: bool = False, scope: str = DISTRICT) -> list[dict]:
    """十四五 indicators with their latest value up to ``end``, status, verdict and 同比 (the
    same period a year earlier)."""
    out = []
    for ind in store.indicators.list("十四五"):
        obs = stats.observations_to(store, ind["id"], end, scope)
        by_period = {o["period"]: o for o in obs}
        if year_end:
            obs = [o for o in obs if "Q" not in o["period"]] or obs
        latest = obs[-1] if obs else None
        before = by_period.get(year_before(latest["period"])) if latest else None
        result = evaluate(ind, latest)
        target = ind["assigned_target_text"] or ind["target_text"] or ""
        status = result.status or "—"
        verdict = status
        if status == "待下达":
            verdict = f"待下达（目标为“{ind['target_text']}”，尚未录入下达值）"
        elif status == "无数据":
            verdict = f"无数据（截至{end.isoformat()}没有观测值）"
        out.append(
            {
                "seq": ind["seq"],
                "code": ind["code"],
                "name": ind["name"],
                "nature": ind["nature"],
                "category": ind["category"] or "",
                "target": target,
                "baseline": ind["baseline_text"] or "",
                "value": _display(latest),
                "period": latest["period"] if latest else "",
                "status": status,
                "verdict": verdict,
                "on_track": {True: "符合进度", False: "落后于进度", None: ""}[result.on_track],
                "yoy_period": before["period"] if before else "",
                "yoy_value": _display(before),
                "yoy_change": _change(latest, before),
            }
        )
    return out


def key_series(store, end: date, scope: str = DISTRICT) -> list[dict]:
    out = []
    for code in KEY_SERIES:
        ind = store.indicators.by_code(code)
        points = [
            (parse_period(o["period"]).year + ((parse_period(o["period"]).quarter or 4) - 4) / 4, o["value"])
            for o in stats.observations_to(store, ind["id"], end, scope)
            if o["value"] is not None
        ]
        target = ind["target_value"]
        out.append(
            {
                "code": code,
                "name": ind["name"],
                "target": None if target is None else float(target),
                "target_text": ind["target_text"],
                "points": points,
            }
        )
    return out


def _quarter_before(p: Period) -> Period:
    return Period(p.year, p.quarter - 1) if p.quarter and p.quarter > 1 else Period(p.year - 1, 4)


def projects(store, period: Period, township_id: str | None = None) -> dict:
    """Investment to the end of ``period`` by domain; for a quarter also the quarter's own
    investment (cumulative now minus cumulative at the previous quarter's end) and the same
    quarter a year earlier (同比)."""
    by_domain, total = stats.investment(store, period, township_id)
    out = {
        "domains": [{"domain": d, **_money(r)} for d, r in by_domain.items() if r["count"]],
        "total": _money(total),
        "lagging": [
            {
                "seq": r["seq"],
                "name": r["name"],
                "domain": r["domain"],
                "planned": format_yi(r["planned_to_date_yuan"]),
                "completed": format_yi(r["completed_yuan"]),
                "rate": "" if r["rate"] is None else f"{r['rate']}%",
            }
            for r in total["projects"]
            if r["lagging"]
        ],
    }
    if period.quarter:
        last_year = Period(period.year - 1, period.quarter)
        done = {
            str(p): stats.investment(store, p, township_id)
            for p in (_quarter_before(period), last_year, _quarter_before(last_year))
        }

        def quarter(now: dict, before: dict) -> int:
            return now["completed_yuan"] - before["completed_yuan"]

        q_now = quarter(total, done[str(_quarter_before(period))][1])
        q_then = quarter(done[str(last_year)][1], done[str(_quarter_before(last_year))][1])
        out["quarter"] = {
            "amount": format_yi(q_now),
            "last_year": format_yi(q_then),
            "change": _pct_change(q_now, q_then),
            "completed_last_year": format_yi(done[str(last_year)][1]["completed_yuan"]),
            "completed_change": _pct_change(total["completed_yuan"], done[str(last_year)][1]["completed_yuan"]),
        }
        for d in out["domains"]:
            d["quarter"] = format_yi(
                quarter(by_domain[d["domain"]], done[str(_quarter_before(period))][0][d["domain"]])
            )
    sums = {
        key: sum((Decimal(d[key]) for d in out["domains"]), Decimal(0))
        for key in ("total", "fyp", "planned", "completed")
    }
    out["rounding_note"] = any(str(sums[k].quantize(Decimal("0.01"))) != out["total"][k] for k in sums)
    return out


def _pct_change(now: int, then: int) -> str:
    """同比 as a signed percentage with one decimal, or — without a base."""
    if not then:
        return "—"
    change = (Decimal(now - then) * 100 / Decimal(then)).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return f"{change:+}%"


def initiatives(store, end: date) -> list[dict]:
    """附表1–3: each reform, policy and platform with its latest progress note by ``end``."""
    out = []
    for item in store.projects.initiatives():
        notes = [n for n in store.projects.initiative_progress(item["id"]) if parse_period(n["period"]).end <= end]
        latest = notes[-1] if notes else None
        out.append(
            {
                "kind": item["kind"],
                "seq": item["seq"],
                "name": item["name"],
                "lead": item["lead_units"] or "",
                "status": (latest or {}).get("status") or item["status"] or "",
                "progress": f"{latest['period']}：{latest['note']}" if latest else "本期未报送进展",
            }
        )
    return out


def _money(rollup: dict) -> dict:
    return {
        "count": rollup["count"],
        "total": format_yi(rollup["total_yuan"]),
        "fyp": format_yi(rollup["fyp_yuan"]),
        "planned": format_yi(rollup["planned_to_date_yuan"]),
        "completed": format_yi(rollup["completed_yuan"]),
        "remaining": format_yi(rollup["remaining_yuan"]),
        "rate": "" if rollup["rate"] is None else f"{rollup['rate']}%",
        "lagging": rollup["lagging"],
        "completed_yi": float(rollup["completed_yuan"]) / 1e8,
        "total_yi": float(rollup["total_yuan"]) / 1e8,
        "fyp_yi": float(rollup["fyp_yuan"]) / 1e8,
    }


def audits(store, start: date, end: date, township_id: str | None = None, overdue_rows: int = 40) -> dict:
    """This period's and to-date audit figures, open findings by township, the oldest
    overdue items and the per-year table — every one as of ``end``, for the scope."""
    cut = stats.Cut(as_of=end, township_id=township_id)
    views = stats.audit_views(store, cut, period_from=start)  # to date and this period: one read
    return {
        "this_period": _counts(views["period_figures"]),
        "to_date": _counts(views["figures"]),
        "by_township": views["by_township"],
        "overdue": stats.oldest_overdue(store, cut, overdue_rows),
        # The same count as stats.due(store, cut, 0)["overdue"] (one subquery of the open
        # findings, the same audits), already read for the to-date figures.
        "overdue_total": views["figures"]["overdue"],
        "by_year_level": views["by_year_level"],
    }


def _counts(figures: dict) -> dict:
    rate = figures["rectification_rate"]
    return {k: figures[k] for k in ("audits", "units", "found", "rectified")} | {
        "rate": "—" if rate is None else f"{rate}%"
    }
