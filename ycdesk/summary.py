"""One JSON-able picture of a workspace: projects, indicators, audits.

Money is given as strings in 亿元 with two decimals (``"443.55"``) so a JSON reader
never turns it into a binary float.
"""

from __future__ import annotations

from ycdesk.money import format_yi
from ycdesk.projects import DOMAINS


def summary(store) -> dict:
    projects = store.projects.list()
    completed = {
        r["project_id"]: r["done"]
        for r in store.query(
            "SELECT project_id, SUM(amount_yuan) AS done FROM investments "
            "WHERE deleted_at IS NULL GROUP BY project_id"
        )
    }
    by_domain = {}
    for domain in DOMAINS:
        rows = [p for p in projects if p["domain"] == domain]
        by_domain[domain] = {
            "count": len(rows),
            "total": format_yi(sum(p["total_yuan"] for p in rows)),
            "fyp": format_yi(sum(p["fyp_yuan"] for p in rows)),
            "completed": format_yi(sum(completed.get(p["id"], 0) for p in rows)),
        }
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
            "count": len(projects),
            "total_investment": format_yi(sum(p["total_yuan"] for p in projects)),
            "fyp_investment": format_yi(sum(p["fyp_yuan"] for p in projects)),
            "completed": format_yi(sum(completed.values())),
            "by_domain": by_domain,
        },
        "indicators": {"by_plan": {plan: plans.get(plan, 0) for plan in ("十四五", "十三五", "规划文本", "监测")}},
        "findings": {
            "by_year_level": {
                str(year): levels for year, levels in store.audits.by_year_level().items()
            }
        },
        "demo_records": _demo_count(store),
    }


def _demo_count(store) -> int:
    from ycdesk.seed import demo_count

    return demo_count(store)
