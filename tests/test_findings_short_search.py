"""Searches of one or two characters (below the trigram index's three): the description
index's answer, paged in row order, and its count, are exactly a plain substring scan."""

import pytest

from ycdesk import findings as findings_module
from ycdesk.findings import FindingFilter

DESCRIPTIONS = ["pH值超标", "COD 超标", "ab", "a", "AB大写", "x%y_z", "渗", "渗滤液未收集", "超标ab", "未超标"]


@pytest.fixture
def store(seeded):
    audits = [r["id"] for r in seeded.query("SELECT id FROM audits ORDER BY id LIMIT 3")]
    for i, text in enumerate(DESCRIPTIONS * 3):
        seeded.audits.add_finding({"audit_id": audits[i % 3], "category": "识别标志", "description": text})
    gone = seeded.findings.page(FindingFilter(text="超标"), limit=1)[0]
    seeded.soft_delete("findings", gone["id"])
    return seeded


def plain_scan(store, text: str) -> list[int]:
    """Row keys of every finding whose description or enterprise name holds ``text``, by
    reading them all (what the search must equal)."""
    return [
        r["rk"]
        for r in store.query(
            "SELECT f.rowid AS rk, f.description, e.name FROM findings f JOIN audits a ON a.id = f.audit_id "
            "JOIN enterprises e ON e.id = a.enterprise_id WHERE f.deleted_at IS NULL ORDER BY f.rowid"
        )
        if text in r["description"] or (text in r["name"])
    ]


def walk(store, flt, limit) -> list[int]:
    seen, after = [], 0
    while page := store.findings.page(flt, after, limit=limit):
        seen += [r["rk"] for r in page]
        after = page[-1]["rk"]
    return seen


@pytest.mark.parametrize(
    "text", ["超", "超标", "a", "ab", "AB", "b", "%", "_", "x%", "渗", "渗滤", "未", "区", "值超", "H", "不存", "有限"]
)
def test_short_search_lists_and_counts_exactly_what_a_plain_scan_finds(store, monkeypatch, text):
    expected = plain_scan(store, text)
    flt = FindingFilter(text=text)
    assert store.findings.count(flt) == len(expected)
    # The window read in row order before the index is asked: none, part of a page, more
    # than everything — the pages are the same rows in the same order.
    for window in (0, 1, 7, 100, 100_000):
        monkeypatch.setattr(findings_module, "SHORT_WINDOW", window)
        for limit in (1, 5, 200):
            assert walk(store, flt, limit) == expected, (window, limit)
            assert store.findings.count(flt) == len(expected)  # right after the pages, as the list asks


def test_a_count_after_a_page_sees_a_change_made_in_between(store, monkeypatch):
    # The count a page's index read leaves behind is not used once the findings change.
    monkeypatch.setattr(findings_module, "SHORT_WINDOW", 0)
    flt = FindingFilter(text="ab")
    before = store.findings.count(flt)
    store.findings.page(flt)
    store.soft_delete("findings", store.findings.page(flt, limit=1)[0]["id"])
    assert store.findings.count(flt) == before - 1 == len(plain_scan(store, "ab"))
    store.findings.page(flt)
    audit_id = store.scalar("SELECT id FROM audits ORDER BY id LIMIT 1")
    store.audits.add_finding({"audit_id": audit_id, "category": "识别标志", "description": "xab"})
    assert store.findings.count(flt) == before == len(plain_scan(store, "ab"))


def test_short_search_with_other_conditions_is_still_the_plain_scan(store):
    rows = store.findings.page(FindingFilter(), limit=100_000)
    for flt in (FindingFilter(text="超标", category="识别标志"), FindingFilter(text="a", status="待整改")):
        expected = [
            r["rk"]
            for r in rows
            if (flt.text in r["description"] or flt.text in r["enterprise"])
            and r["category"] == (flt.category or r["category"])
            and r["status"] == (flt.status or r["status"])
        ]
        assert walk(store, flt, 3) == expected and store.findings.count(flt) == len(expected)
