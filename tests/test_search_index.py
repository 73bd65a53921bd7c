"""Searches of one or two characters answered by the index of characters and two-character
pieces (migration 21): exactly what a plain substring test finds, whichever way the count
is worked out, in a workspace migrated from version 20 and after every kind of write."""

import pytest

from ycdesk import findings as findings_module
from ycdesk.errors import UserError
from ycdesk.findings import FindingFilter, search_index
from ycdesk.rules import MAX_TEXT


def plain(store, text: str) -> list[int]:
    """Row keys of the findings (not deleted) whose description or enterprise name holds
    ``text``, read one by one."""
    return [
        r["rk"]
        for r in store.query(
            "SELECT f.rowid AS rk, f.description, e.name FROM findings f JOIN audits a ON a.id = f.audit_id "
            "JOIN enterprises e ON e.id = a.enterprise_id WHERE f.deleted_at IS NULL ORDER BY f.rowid"
        )
        if text in (r["description"] or "") or text in r["name"]
    ]


def walk(store, flt: FindingFilter, limit: int) -> list[int]:
    seen, after = [], 0
    while page := store.findings.page(flt, after, limit=limit):
        seen += [r["rk"] for r in page]
        after = page[-1]["rk"]
    return seen


@pytest.fixture
def store(seeded):
    """Two enterprises of their own: 渗滤化工 (its name holds 渗) with few findings, and
    another with many, so that the enterprises' share is the smaller side for some texts
    and the larger for others."""
    firms = [seeded.insert("enterprises", {"name": name}) for name in ("渗滤化工有限公司", "示例印染有限公司")]
    audits = [seeded.insert("audits", {"enterprise_id": f, "year": 2024, "level": "区级"}) for f in firms]
    texts = ["渗滤液未收集", "防渗措施缺失", "台账2024年缺", "标识不清", "渗", "印染液位计", "ＡＢ全角", "2号仓库"]
    for i in range(60):
        seeded.audits.add_finding(
            {"audit_id": audits[0] if i % 10 == 0 else audits[1], "category": "识别标志", "description": texts[i % 8]}
        )
    for row in seeded.findings.page(FindingFilter(text="标识"), limit=3):
        seeded.soft_delete("findings", row["id"], reason="测试")
    return seeded


TEXTS = [
    "渗",
    "渗滤",
    "液",
    "防渗",
    "台账",
    "2",
    "20",
    "号",
    "号仓",
    "Ａ",
    "ＡＢ",
    "有限",
    "化",
    "示例",
    "标识",
    "无此",
    "缺",
]


@pytest.mark.parametrize("text", TEXTS)
def test_index_answers_exactly_what_a_plain_scan_finds(store, text):
    assert search_index(text) is not None  # these are the index's to answer
    expected = plain(store, text)
    flt = FindingFilter(text=text)
    assert store.findings.count(flt) == len(expected)
    for limit in (1, 4, 7, 200):
        assert walk(store, flt, limit) == expected, limit
    # Sorted pages and other conditions go through the same list of keys.
    ordered = store.findings.page(flt, limit=10_000, order="description")
    assert sorted(r["rk"] for r in ordered) == expected
    with_status = FindingFilter(text=text, status="待整改")
    waiting = {r[0] for r in store.conn.execute("SELECT rowid FROM findings WHERE status = '待整改'")}
    assert walk(store, with_status, 7) == [rk for rk in expected if rk in waiting]
    assert store.findings.count(with_status) == len([rk for rk in expected if rk in waiting])


def test_both_ways_of_counting_what_the_names_add(store, monkeypatch):
    # 印: in a few descriptions and in the name of the enterprise with most findings (the
    # descriptions' side is smaller); 渗: in many descriptions and the name of the one with
    # few (the names' side is smaller); 有限, 化: in names only; 液: in descriptions only.
    asked = []
    scalar = store.scalar
    monkeypatch.setattr(store, "scalar", lambda sql, params=(): asked.append(sql) or scalar(sql, params))
    for text in ("印", "渗", "有限", "化", "液"):
        assert store.findings.count(FindingFilter(text=text)) == len(plain(store, text)), text
    assert any("CROSS JOIN" in sql for sql in asked)  # 印: from the index's matches
    assert any("WHERE audit_id IN" in sql and "instr(COALESCE(description" in sql for sql in asked)  # 渗


def test_short_ascii_letters_and_punctuation_keep_the_plain_scan(store):
    for text in ("a", "AB", "%", " 2", "2%"):
        assert search_index(text) is None
        flt = FindingFilter(text=text)
        assert store.findings.count(flt) == len(plain(store, text)) == len(walk(store, flt, 5))


def test_edits_deletes_and_restores_are_searched_as_they_are(store):
    row = store.findings.page(FindingFilter(text="液位"), limit=1)[0]
    store.findings.update(row["id"], {"description": "噪声超标"})
    assert row["rk"] not in walk(store, FindingFilter(text="液位"), 50)
    assert row["rk"] in walk(store, FindingFilter(text="噪"), 50)
    store.conn.execute("DELETE FROM findings WHERE id = ?", (row["id"],))  # gone from both indexes
    assert walk(store, FindingFilter(text="噪"), 50) == [] and store.findings.count(FindingFilter(text="噪")) == 0
    deleted = store.findings.deleted()[0]
    store.findings.restore(deleted["id"])
    assert store.findings.count(FindingFilter(text="标识")) == len(plain(store, "标识"))


def test_a_description_is_indexed_to_its_last_character_and_no_longer_than_a_cell(store):
    audit = store.scalar("SELECT id FROM audits ORDER BY rowid DESC LIMIT 1")
    longest = "甲" * (MAX_TEXT - 2) + "乙丙"
    finding = store.audits.add_finding({"audit_id": audit, "category": "识别标志", "description": longest})
    assert [r["id"] for r in store.findings.page(FindingFilter(text="丙"), limit=5)] == [finding]
    assert store.findings.count(FindingFilter(text="乙丙")) == 1
    with pytest.raises(UserError, match="超过 32767 字"):
        store.audits.add_finding({"audit_id": audit, "category": "识别标志", "description": longest + "丁"})
    assert store.findings.count(FindingFilter(text="丁")) == 0


def test_no_index_is_read_for_a_short_search_the_plain_way(store, monkeypatch):
    # The description-index scan is not asked for a text the index answers (it read every
    # description: 0.2-0.4 s over a million findings).
    monkeypatch.setattr(findings_module.Findings, "_short_search_page", None)
    monkeypatch.setattr(findings_module.Findings, "_short_matches", None)
    flt = FindingFilter(text="渗滤")
    assert walk(store, flt, 5) == plain(store, "渗滤")
    assert store.findings.count(flt) == len(plain(store, "渗滤"))


@pytest.mark.parametrize("text", ["渗", "渗滤", "渗滤液", "有限", "2"])
def test_a_search_with_other_conditions_is_the_same_as_a_list_or_as_a_test(store, monkeypatch, text):
    # A common text is tested on the rows the other conditions select, a rare one looked
    # up as the index's list of row keys: the same findings either way, in every order.
    firm = store.scalar("SELECT id FROM enterprises WHERE name = '渗滤化工有限公司'")
    filters = [
        FindingFilter(text=text, status="待整改"),
        FindingFilter(text=text, enterprise_id=firm),
        FindingFilter(text=text, category="识别标志", year=2024),
    ]
    answers = []
    for list_max in (0, 10**9):
        monkeypatch.setattr(findings_module, "LIST_MAX", list_max)
        answers.append(
            [
                (
                    store.findings.count(flt),
                    walk(store, flt, 7),
                    [r["rk"] for r in store.findings.page(flt, limit=10_000, order="deadline", descending=True)],
                )
                for flt in filters
            ]
        )
    assert answers[0] == answers[1]
    assert [a[0] for a in answers[0]] == [len(a[1]) for a in answers[0]]
    assert any(a[0] for a in answers[0])
