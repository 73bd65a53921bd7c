"""The per-audit finding counts (migration 15) always equal a recount of the findings.

The as-of figures start from these counts (ycdesk.stats), so every way a finding changes —
added one by one or in bulk, rectified, verified, sent back, moved to another audit,
soft-deleted, restored, deleted — must leave them exactly what counting the rows gives.
"""

from __future__ import annotations

from ycdesk.store.ids import new_id

RECOUNT = """SELECT audit_id, COUNT(*) AS found, COUNT(rectified_date) AS rectified,
                    COUNT(verified_date) AS verified
             FROM findings WHERE deleted_at IS NULL GROUP BY audit_id"""


def _counts(store) -> dict:
    return {
        r["audit_id"]: (r["found"], r["rectified"], r["verified"])
        for r in store.query("SELECT * FROM finding_counts")
        if r["found"] or r["rectified"] or r["verified"]
    }


def _recount(store) -> dict:
    return {r["audit_id"]: (r["found"], r["rectified"], r["verified"]) for r in store.query(RECOUNT)}


def test_counts_follow_every_kind_of_change(store):
    firm = store.insert("enterprises", {"name": "计数企业"})
    a1 = store.insert("audits", {"enterprise_id": firm, "year": 2023, "level": "区级"})
    a2 = store.insert("audits", {"enterprise_id": firm, "year": 2024, "level": "市级"})
    f = [
        store.insert(
            "findings",
            {
                "audit_id": a1,
                "category": "其他",
                "description": f"问题{i}",
                "rectified_date": "2023-05-01" if i % 2 else None,
            },
        )
        for i in range(4)
    ]
    assert _counts(store) == _recount(store) == {a1: (4, 2, 0)}
    now = store.now()
    store.bulk_insert(
        "findings",
        ["id", "audit_id", "category", "description", "rectified_date", "verified_date", "created_at", "updated_at"],
        [(new_id(), a2, "其他", "批量", "2024-02-01", "2024-03-01" if i % 3 else None, now, now) for i in range(7)],
    )
    assert _counts(store) == _recount(store)
    steps = (
        ("findings", f[0], {"rectified_date": "2023-06-01"}),  # rectified
        ("findings", f[0], {"verified_date": "2023-07-01", "status": "已销号"}),  # verified
        ("findings", f[0], {"rectified_date": None, "verified_date": None, "status": "整改中"}),  # sent back
        ("findings", f[1], {"audit_id": a2}),  # moved to another audit
        ("findings", f[1], {"rectified_date": "2024-01-09"}),  # a date changed, still dated
        ("findings", f[2], {"description": "改写后的问题"}),  # nothing counted changes
    )
    for table, row_id, changes in steps:
        store.update(table, row_id, changes)
        assert _counts(store) == _recount(store), changes
    store.soft_delete("findings", f[3])
    assert _counts(store) == _recount(store)
    store.restore("findings", f[3])
    assert _counts(store) == _recount(store)
    store.soft_delete("findings", f[2])
    store.conn.execute("DELETE FROM findings WHERE id = ?", (f[2],))  # a deleted row, gone for good
    store.conn.execute("DELETE FROM findings WHERE id = ?", (f[3],))  # a live row, gone for good
    assert _counts(store) == _recount(store)


def test_counts_after_an_import_and_its_undo(seeded, tmp_path):
    from ycdesk.imports import import_file, undo_batch

    assert _counts(seeded) == _recount(seeded)
    book = tmp_path / "findings.csv"
    book.write_text(
        "企业名称,统一社会信用代码,所属镇街,考核年度,考核级别,问题类别,问题描述,整改期限,整改状态,整改完成日期\n"
        + "".join(
            f"计数导入企业,,北海街道,2024,区级,其他,导入问题{i},2024-12-31,已整改,2024-06-0{i % 9 + 1}\n"
            for i in range(30)
        ),
        encoding="utf-8",
    )
    result = import_file(seeded, "findings", book)
    assert result.new == 30 and _counts(seeded) == _recount(seeded)
    undo_batch(seeded, result.batch_id)
    assert _counts(seeded) == _recount(seeded)


def test_count_of_a_filter_is_the_number_of_rows_it_lists(seeded):
    """Audit-level filters are counted from the per-audit counts: the same number as
    counting the rows, soft-deleted findings and deleted audits included as the list has them."""
    from ycdesk.findings import FindingFilter

    some = seeded.query("SELECT id, audit_id FROM findings WHERE deleted_at IS NULL LIMIT 3")
    seeded.soft_delete("findings", some[0]["id"])
    seeded.soft_delete("audits", some[2]["audit_id"])
    audit = seeded.query(
        "SELECT a.year, a.level, a.enterprise_id, e.township_id FROM audits a "
        "JOIN enterprises e ON e.id = a.enterprise_id WHERE a.id = ?",
        (some[1]["audit_id"],),
    )[0]
    for flt in (
        FindingFilter(),
        FindingFilter(year=audit["year"]),
        FindingFilter(level=audit["level"]),
        FindingFilter(township_id=audit["township_id"]),
        FindingFilter(enterprise_id=audit["enterprise_id"]),
        FindingFilter(year=audit["year"], level=audit["level"], township_id=audit["township_id"]),
    ):
        where, params = flt.where()
        listed = seeded.scalar(f"SELECT COUNT(*) FROM findings f WHERE {where}", params)
        assert listed > 0 and seeded.findings.count(flt) == listed == len(seeded.findings.page(flt, limit=100_000))
