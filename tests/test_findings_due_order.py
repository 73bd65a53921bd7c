"""逾期 and 即将到期 in any order: the pages walked through a sort index (where the due
conditions are only tested on the rows walked, and are the default order's key range) are
exactly the matching findings in the order a plain sort of them gives."""

from datetime import date, timedelta

import pytest

from ycdesk import findings as findings_module
from ycdesk.findings import FROM, SORTABLE, FindingFilter

AS_OF = date(2025, 6, 30)
OWN_COLUMNS = ["due", "category", "description", "deadline", "status", "responsible"]


@pytest.fixture
def store(seeded):
    audits = [r["id"] for r in seeded.query("SELECT id FROM audits ORDER BY rowid LIMIT 4")]
    statuses = ["待整改", "整改中", "已整改", "待整改", "整改中"]
    for i in range(90):
        seeded.insert(
            "findings",
            {
                "audit_id": audits[i % 4],
                "category": ["识别标志", "管理计划", "转移联单"][i % 3],
                "description": f"问题{i % 7}",
                "responsible": ["王某", "李某", None][i % 3],
                "status": statuses[i % 5],
                "rectified_date": "2025-01-02" if statuses[i % 5] == "已整改" else None,
                # Deadlines on both sides of the as-of day, some the same, some missing.
                "deadline": None if i % 11 == 0 else (AS_OF + timedelta(days=(i % 23) - 15)).isoformat(),
            },
        )
    return seeded


def walk(store, flt, order, descending, limit=5):
    seen, after = [], None
    while page := store.findings.page(flt, after, limit=limit, order=order, descending=descending):
        seen += [r["rk"] for r in page]
        after = page[-1]["sk"]
    return seen


def plainly_sorted(store, flt, order, descending):
    where, params = flt.where()
    key, direction = SORTABLE[order], "DESC" if descending else "ASC"
    sql = f"SELECT f.rowid AS rk {FROM} WHERE {where} ORDER BY {key} {direction}, f.rowid {direction}"
    return [r["rk"] for r in store.query(sql, params)]


@pytest.mark.parametrize("due", ["overdue", "due_soon"])
@pytest.mark.parametrize("order", OWN_COLUMNS)
@pytest.mark.parametrize("descending", [False, True])
def test_due_filters_walk_any_order_exactly(store, monkeypatch, due, order, descending):
    monkeypatch.setattr(findings_module, "FEW_FLOOR", 0)  # walk the sort index, as over a million
    for flt in (
        FindingFilter(due=due, as_of=AS_OF, soon_days=10),
        FindingFilter(due=due, as_of=AS_OF, soon_days=10, status="整改中"),
        FindingFilter(due=due, as_of=AS_OF, soon_days=10, category="管理计划"),
        FindingFilter(due=due, as_of=AS_OF, soon_days=10, text="问题3"),
    ):
        expected = plainly_sorted(store, flt, order, descending)
        assert walk(store, flt, order, descending) == expected, flt
        assert store.findings.count(flt) == len(expected)
    assert expected or due == "due_soon"  # the data has overdue findings of every kind
