"""Searching findings: the trigram index answers exactly as a plain substring test.

Whatever the text — Chinese, ASCII in either case, quotes, spaces, FTS operators — and
however the findings were written (one by one, a bulk load, an edited or deleted row), a
search finds the findings whose description or enterprise name contains the text, as
Python's ``in`` (and SQLite's ``instr()``) would, and no others.
"""

from __future__ import annotations

import shutil
import tempfile
from functools import cache
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ycdesk.findings import SEARCH_MIN, FindingFilter
from ycdesk.store import Store
from ycdesk.store.ids import new_id

ALPHABET = ["渗", "滤", "液", "问", "题", "a", "A", "b", '"', " ", "*", "'", "企"]
texts = st.text(alphabet=st.sampled_from(ALPHABET), min_size=1, max_size=8)


@cache
def _empty() -> Path:
    """A migrated empty workspace, copied for each example (migrating is the slow part)."""
    path = Path(tempfile.mkdtemp()) / "empty.ycdesk"
    with Store(path, operator="测试员") as store:
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


def _workspace(folder: Path, singles: list[str], bulk: list[str]) -> tuple[Store, dict]:
    shutil.copyfile(_empty(), folder / "search.ycdesk")
    store = Store(folder / "search.ycdesk", operator="测试员")
    firm = store.insert("enterprises", {"name": "企业a渗"})
    audit = store.insert("audits", {"enterprise_id": firm, "year": 2024, "level": "区级"})
    names = {}
    for text in singles:
        names[store.insert("findings", {"audit_id": audit, "category": "其他", "description": text})] = text
    now = store.now()
    rows = [(new_id(), audit, "其他", text, now, now) for text in bulk]
    store.bulk_insert("findings", ["id", "audit_id", "category", "description", "created_at", "updated_at"], rows)
    names.update({r[0]: r[3] for r in rows})
    return store, names


def _found(store: Store, text: str) -> set[str]:
    flt = FindingFilter(text=text)
    ids = {r["id"] for r in store.findings.page(flt, limit=10_000)}
    assert store.findings.count(flt) == len(ids)
    return ids


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    singles=st.lists(texts, max_size=6),
    bulk=st.lists(texts, max_size=6),
    edits=st.lists(texts, max_size=3),
    queries=st.lists(texts, min_size=1, max_size=6),
)
def test_search_finds_exactly_the_substring_matches(singles, bulk, edits, queries):
    with tempfile.TemporaryDirectory() as folder:
        store, descriptions = _workspace(Path(folder), singles, bulk)
        try:
            ids = list(descriptions)
            for finding_id, text in zip(ids, edits):  # edited descriptions are searched as edited
                store.update("findings", finding_id, {"description": text})
                descriptions[finding_id] = text
            if len(ids) > 2:  # a soft-deleted one is not found, a hard-deleted one is gone
                store.soft_delete("findings", ids[-1])
                store.conn.execute("DELETE FROM findings WHERE id = ?", (ids[-2],))
                del descriptions[ids[-1]], descriptions[ids[-2]]
            for query in queries + [d[:SEARCH_MIN] for d in descriptions.values()]:
                expected = {i for i, d in descriptions.items() if query in d or query in "企业a渗"}
                assert _found(store, query) == expected, query
        finally:
            store.close()


def test_long_and_short_queries_and_case(tmp_path):
    store, ids = _workspace(tmp_path, ["贮存场所未设置渗滤液收集设施", "Abc 台账"], ["渗滤液", "abc 台账", "渗"])
    by_text = {text: i for i, text in ids.items()}
    assert _found(store, "渗滤液") == {by_text["贮存场所未设置渗滤液收集设施"], by_text["渗滤液"]}
    assert _found(store, "abc") == {by_text["abc 台账"]}  # the index keeps case, as instr() does
    assert _found(store, "渗") == set(ids)  # one character also matches the enterprise name 企业a渗
    assert _found(store, '"渗滤液" OR 台账') == set()  # operators are text, not a query
    store.close()
