"""One JSON-able picture of a workspace: projects, indicators, audits.

Money is given as strings in 亿元 with two decimals (``"443.55"``) so a JSON reader
never turns it into a binary float.
"""

from __future__ import annotations

from ycdesk.money import format_yi
from ycdesk.projects import DOMAINS


def summary(store, as_of=None) -> dict:
    from datetime import date

    as_of = as_of or date.today()
    per_domain, overall = store.projects.rollups_by_domain()
    by_domain = {}
    for domain in DOMAINS:
        r = per_domain[domain]
        by_domain[domain] = {
            "count": r["count"],
            "total": format_yi(r["total_yuan"]),
            "fyp": format_yi(r["fyp_yuan"]),
            "completed": format_yi(r["completed_yuan"]),
        }
    rates = store.findings.rates(as_of)
    plans = {
        r["plan"]: r["n"]
        for r in store.query(
            "SELECT plan, COUNT(*) AS n FROM indicators WHERE deleted_at IS NULL GROUP BY plan"
        )
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
            "open": rates["open"],
            "overdue": rates["overdue"],
            "due_soon": store.findings.due_counts(as_of)["due_soon"],
            "by_year_level": {
                str(year): levels for year, levels in store.audits.by_year_level().items()
            },
        },
        "demo_records": _demo_count(store),
    }


def _demo_count(store) -> int:
    from ycdesk.seed import demo_count

    return demo_count(store)
