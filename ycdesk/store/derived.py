"""Data derived from findings and kept by triggers (migrations 15 and 21): the search indexes
``findings_fts`` (trigrams) and ``findings_grams`` (two-character pieces), and the per-audit
counts ``finding_counts``.

A bulk load (``Store.bulk_insert``) drops their insert triggers and does the triggers' work
once for all the new rows: the index in one statement, the counts from the rows already in
hand (grouping 100,000 new rows by audit in SQL means sorting them; in Python it is one
pass), so an import pays for its derived data at bulk rates.
"""

from __future__ import annotations

from collections import Counter

from ycdesk.store.migrations import fill_grams, has_grams

INSERT_TRIGGERS = {"findings": ("findings_ai", "finding_counts_insert")}

ADD_COUNTS = """INSERT INTO finding_counts (audit_id, found, rectified, verified) VALUES (?, ?, ?, ?)
    ON CONFLICT (audit_id) DO UPDATE SET found = found + excluded.found,
        rectified = rectified + excluded.rectified, verified = verified + excluded.verified"""


def drop_insert_triggers(conn, table: str) -> list[str]:
    """Drop ``table``'s derived-data insert triggers; returns their SQL to recreate them."""
    out = []
    for name in INSERT_TRIGGERS.get(table, ()):
        row = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", (name,)).fetchone()
        if row is not None:
            conn.execute(f"DROP TRIGGER {name}")
            out.append(row[0])
    return out


def fill(conn, table: str, before: int, columns: list[str] | None = None, rows: list | None = None) -> None:
    """Do the dropped triggers' work for every row of ``table`` after rowid ``before``.
    ``columns``/``rows``: the rows just inserted, when at hand (else they are read)."""
    if table != "findings":
        return
    conn.execute(
        "INSERT INTO findings_fts (rowid, description) SELECT rowid, description FROM findings WHERE rowid > ?",
        (before,),
    )
    if has_grams(conn):
        fill_grams(conn, before)
    if rows is None:
        columns = ["audit_id", "rectified_date", "verified_date", "deleted_at"]
        rows = conn.execute(
            "SELECT audit_id, rectified_date, verified_date, deleted_at FROM findings WHERE rowid > ?", (before,)
        ).fetchall()
    at = {
        c: columns.index(c) if c in columns else None
        for c in ("audit_id", "rectified_date", "verified_date", "deleted_at")
    }
    found, rectified, verified = Counter(), Counter(), Counter()
    audit, deleted = at["audit_id"], at["deleted_at"]
    live = rows if deleted is None else [r for r in rows if r[deleted] is None]
    found.update(r[audit] for r in live)
    for key, counter in (("rectified_date", rectified), ("verified_date", verified)):
        if at[key] is not None:
            counter.update(r[audit] for r in live if r[at[key]] is not None)
    conn.executemany(ADD_COUNTS, [(a, n, rectified[a], verified[a]) for a, n in found.items()])
