"""Sorting by 问题描述 through its index (migration 18): keyset pages give exactly the order
of ORDER BY description, row — equal descriptions and shared beginnings across page
boundaries included."""

import pytest

from ycdesk.findings import FindingFilter


@pytest.mark.parametrize("descending", [False, True])
def test_description_pages_are_the_full_order_with_ties_across_pages(seeded, descending):
    audit_id = seeded.scalar("SELECT id FROM audits ORDER BY id LIMIT 1")
    for text in ["台账不全"] * 7 + ["台账不全，未分类"] * 3 + ["台账"] * 2 + ["A台账", "a台账"]:
        seeded.audits.add_finding({"audit_id": audit_id, "category": "识别标志", "description": text})
    gone = seeded.findings.page(FindingFilter(text="台账不全"), limit=1)[0]
    seeded.soft_delete("findings", gone["id"])
    expected = [
        r["rk"]
        for r in seeded.query(
            "SELECT rowid AS rk FROM findings WHERE deleted_at IS NULL ORDER BY description "
            f"{'DESC' if descending else 'ASC'}, rowid {'DESC' if descending else 'ASC'}"
        )
    ]
    for limit in (1, 3, 200):
        seen, after = [], None
        while page := seeded.findings.page(
            FindingFilter(), after, limit=limit, order="description", descending=descending
        ):
            seen += [r["rk"] for r in page]
            after = page[-1]["sk"]
        assert seen == expected, limit
