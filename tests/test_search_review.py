"""Review of migration 21 and the short-text search: cases where the index of characters
and two-character pieces, or the rule that came with it, differed from a plain substring
test or refused what a user could do before."""

import sqlite3
from datetime import date

import pytest

from ycdesk.check import check_workspace
from ycdesk.errors import UserError
from ycdesk.findings import FindingFilter
from ycdesk.rules import MAX_TEXT
from ycdesk.rules.findings import finding_reasons
from ycdesk.store import Store
from ycdesk.store.migrations import migrate

LONG = "甲" * (MAX_TEXT + 5000) + "乙丙"  # typed in before the limit (the form had none)


def _v20_with(path, descriptions: list[str]) -> None:
    """A version-20 workspace holding findings with these descriptions (ids f0, f1, …)."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.create_function("ycdesk_operator", 0, lambda: "旧版本")
    conn.create_function("ycdesk_now", 0, lambda: "2024-01-01T00:00:00+08:00")
    migrate(conn, target=20)
    conn.execute("INSERT INTO enterprises (id, created_at, updated_at, name) VALUES ('e1', 'x', 'x', '某企业')")
    conn.execute(
        "INSERT INTO audits (id, created_at, updated_at, enterprise_id, year, level, audit_date) "
        "VALUES ('a1', 'x', 'x', 'e1', 2024, '区级', '2024-03-01')"
    )
    for i, text in enumerate(descriptions):
        conn.execute(
            "INSERT INTO findings (id, created_at, updated_at, audit_id, category, description) "
            "VALUES (?, 'x', 'x', 'a1', '识别标志', ?)",
            (f"f{i}", text),
        )
    conn.close()


def test_a_description_longer_than_a_cell_from_before_is_found_and_its_finding_moves(tmp_path):
    # One test: migrating a description this long costs seconds (the cut is quadratic).
    path = tmp_path / "v20.ycdesk"
    _v20_with(path, [LONG, "乙"])
    with Store(path, operator="新版本") as store:
        for text in ("丙", "乙丙"):  # past position 32,767: only the plain scan saw them
            flt = FindingFilter(text=text)
            assert [r["id"] for r in store.findings.page(flt, limit=10)] == ["f0"], text
            assert store.findings.count(flt) == 1
        assert store.findings.count(FindingFilter(text="乙")) == 2
        # Typed in before the limit, it does not stop its finding from moving or being corrected.
        store.findings.transition("f0", "整改中", today=date(2024, 6, 1))
        store.findings.update("f0", {"responsible": "张三"}, today=date(2024, 6, 1))
        store.audits.update_audit("a1", {"audit_date": "2024-03-02"})
        assert store.get("findings", "f0")["status"] == "整改中"
        with pytest.raises(UserError, match="超过 32767 字"):  # a new long text is still refused
            store.findings.update("f0", {"description": LONG + "丁"}, today=date(2024, 6, 1))


def test_a_search_holding_a_nul_is_answered_not_an_error(seeded):
    audit = seeded.scalar("SELECT id FROM audits ORDER BY rowid LIMIT 1")
    finding = seeded.audits.add_finding({"audit_id": audit, "category": "识别标志", "description": "渗漏液"})
    # Refused as new text now, but one may be held from before (or written by another tool).
    seeded.conn.execute("UPDATE findings SET description = ? WHERE id = ?", ("渗\x00漏液", finding))
    for text in ("渗\x00漏", "\x00漏液", "渗\x00"):
        flt = FindingFilter(text=text)
        assert [r["id"] for r in seeded.findings.page(flt, limit=10)] == [finding], repr(text)
        assert seeded.findings.count(flt) == 1


def test_a_description_holding_a_nul_is_refused(seeded):
    # SQLite's length() and substr() stop at a NUL, so the index of short texts could not
    # see past it: such a description is refused, whether typed or imported.
    audit = seeded.scalar("SELECT id FROM audits ORDER BY rowid LIMIT 1")
    with pytest.raises(UserError, match="控制字符"):
        seeded.audits.add_finding({"audit_id": audit, "category": "识别标志", "description": "渗\x00漏液"})
    columns = {k: [None] for k in ("severity", "deadline", "rectified_date", "verifier", "verified_date")}
    columns.update(category=["识别标志"], description=["渗\x00漏液"], status=["待整改"])
    assert "控制字符" in finding_reasons(columns, [2024], [None], categories={"识别标志"}, today=date(2024, 6, 1))[0]


def test_a_long_text_is_told_as_too_long_after_a_blank_one_of_the_same_length():
    # finding_reasons judges a combination once: blank and too long must not share one.
    columns = {
        "category": ["识别标志"] * 2,
        "description": [" " * (MAX_TEXT + 1), "甲" * (MAX_TEXT + 1)],
        "severity": [None] * 2,
        "deadline": [None] * 2,
        "status": ["待整改"] * 2,
        "rectified_date": [None] * 2,
        "verifier": [None] * 2,
        "verified_date": [None] * 2,
    }
    reasons = finding_reasons(columns, [2024] * 2, [None] * 2, categories={"识别标志"}, today=date(2024, 6, 1))
    assert "不能为空" in reasons[0] and "超过" in reasons[1]


def test_a_version_20_workspace_gets_the_index_of_what_it_holds(tmp_path):
    path = tmp_path / "v20.ycdesk"
    _v20_with(path, ["渗滤液", "防渗", "台账"])
    with Store(path, operator="新版本") as store:
        assert {r["id"] for r in store.findings.page(FindingFilter(text="渗"), limit=10)} == {"f0", "f1"}
        assert store.findings.count(FindingFilter(text="台账")) == 1
    report = check_workspace(path)
    assert [p for p in report.problems if p.kind == "trigger"] == []
