"""One JSON-able picture of a workspace: projects, indicators, audits.

Money is given as strings in 亿元 with two decimals (``"443.55"``) so a JSON reader
never turns it into a binary float.
"""

from __future__ import annotations

from ycdesk import stats
from ycdesk.money import format_yi
from ycdesk.projects import DOMAINS


def summary(store, as_of=None) -> dict:
    """Everything as of ``as_of`` (default: today by the store's clock), via :mod:`ycdesk.stats`."""
    from ycdesk.periods import Period

    as_of = as_of or store.today()
    cut = stats.Cut(as_of=as_of)
    per_domain, overall = stats.investment(store, Period(as_of.year, (as_of.month - 1) // 3 + 1))
    by_domain = {}
    for domain in DOMAINS:
        r = per_domain[domain]
        by_domain[domain] = {
            "count": r["count"],
            "total": format_yi(r["total_yuan"]),
            "fyp": format_yi(r["fyp_yuan"]),
            "completed": format_yi(r["completed_yuan"]),
        }
    views = stats.audit_views(store, cut)
    figures = views["figures"]
    by_year_level: dict = {}
    for r in views["by_year_level"]:
        by_year_level.setdefault(str(r["year"]), {})[r["level"]] = {k: r[k] for k in ("units", "found", "rectified")}
    plans = {
        r["plan"]: r["n"]
        for r in store.query("SELECT plan, COUNT(*) AS n FROM indicators WHERE deleted_at IS NULL GROUP BY plan")
    }
    return {
        "workspace": str(store.path),
        "schema_version": store.schema_version,
        "projects": {
            "count": overall["count"],
            "total_investment": format_yi(overall["total_yuan"]),
            "fyp_investment": format_yi(overall["fyp_yuan"]),
            "completed": format_yi(overall["completed_yuan"]),
            "by_domain": by_domain,
        },
        "indicators": {"by_plan": {plan: plans.get(plan, 0) for plan in ("十四五", "十三五", "规划文本", "监测")}},
        "findings": {
            "as_of": as_of.isoformat(),
            "open": figures["open"],
            "overdue": figures["overdue"],
            "due_soon": stats.due(store, cut, store.findings.soon_days)["due_soon"],
            "by_year_level": by_year_level,
        },
        "demo_records": _demo_count(store),
    }


def _demo_count(store) -> int:
    from ycdesk.seed import demo_count

    return demo_count(store)
