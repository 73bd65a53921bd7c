"""The hash chain over ``history``: each row's ``hash`` is the SHA-256 of the previous
row's hash and the row itself (seq, time, operator, table, row, action, old, new), so
editing, deleting or inserting a history row by hand shows at that row (``ycdesk check``).

Why rows are sealed at commit, in Python, rather than hashed by the triggers: a trigger
would need a per-row UPDATE of ``history`` (the row's seq and predecessor are only known
after the insert), and a 100,000-row import writes its history in one INSERT … SELECT
that such a trigger would turn into 100,000 statements. Instead the Store seals the rows
its own transaction wrote, just before COMMIT, in one pass: a statement that calls a
Python function per row in seq order. Rows written by anything else (a hand-opened shell
that registered ``ycdesk_now``/``ycdesk_operator``) stay unsealed, and are never sealed
later — :func:`verify` reports them.

There is no secret in the chain: someone who rewrites every row from the edit onwards
with this code can make a consistent chain. :func:`head` is the value to note elsewhere
(a printed report, a backup) to pin the history as it was.
"""

from __future__ import annotations

import hashlib
import sqlite3
from dataclasses import dataclass

COLUMNS = "seq, at, operator, table_name, row_id, action, old, new"
_NULL = "\x00"  # stands for NULL, so NULL and "" hash differently
_SEP = "\x1f"   # never inside ids, times, table names or json_object() text (it escapes it)


def digest(prev: str, seq, at, operator, table_name, row_id, action, old, new) -> str:
    parts = (prev, str(seq), at, operator, table_name, row_id, action,
             _NULL if old is None else old, _NULL if new is None else new)
    return hashlib.sha256(_SEP.join(parts).encode()).hexdigest()


def has_chain(conn: sqlite3.Connection) -> bool:
    return any(row[1] == "hash" for row in conn.execute("PRAGMA table_info(history)"))


def mark(conn: sqlite3.Connection) -> int:
    """The last seq now: rows after it are the ones the current transaction writes."""
    return conn.execute("SELECT COALESCE(MAX(seq), 0) FROM history").fetchone()[0]


class _Chain:
    """The per-row function for the sealing UPDATE, checking it is called in seq order."""

    def __init__(self, prev: str, after: int) -> None:
        self.prev, self.last = prev, after
        self.out_of_order = False

    def __call__(self, seq, at, operator, table_name, row_id, action, old, new) -> str:
        if seq <= self.last:
            self.out_of_order = True
            raise RuntimeError("history rows not visited in seq order")
        self.last = seq
        self.prev = digest(self.prev, seq, at, operator, table_name, row_id, action, old, new)
        return self.prev


def seal(conn: sqlite3.Connection, after: int) -> int:
    """Hash the rows after seq ``after`` (written by this transaction), chained to the row
    before them. Must run inside the writing transaction. Returns how many were sealed."""
    prev = conn.execute("SELECT hash FROM history WHERE seq <= ? ORDER BY seq DESC LIMIT 1", (after,)).fetchone()
    prev = (prev[0] or "") if prev else ""
    chain = _Chain(prev, after)
    conn.create_function("ycdesk_chain", 8, chain, deterministic=False)
    try:
        # One statement, the function called per row as SQLite walks the rowid range upwards.
        return conn.execute(f"UPDATE history SET hash = ycdesk_chain({COLUMNS}) WHERE seq > ?", (after,)).rowcount
    except sqlite3.OperationalError:
        if not chain.out_of_order:
            raise
        # SQLite visited rows out of order (never seen; its UPDATE walks the rowid range
        # upwards): fall back to computing in Python and writing row by row.
        rows = conn.execute(f"SELECT {COLUMNS} FROM history WHERE seq > ? ORDER BY seq", (after,)).fetchall()
        out = []
        for row in rows:
            prev = digest(prev, *row)
            out.append((prev, row[0]))
        conn.executemany("UPDATE history SET hash = ? WHERE seq = ?", out)
        return len(out)
    finally:
        conn.create_function("ycdesk_chain", 8, None)


@dataclass
class Break:
    seq: int
    table_name: str
    at: str
    reason: str  # "edited", "unsealed", "missing_tail"


def verify(conn: sqlite3.Connection) -> Break | None:
    """The first row whose hash does not follow from its predecessor and itself, if any."""
    prev, last = "", 0
    for row in conn.execute(f"SELECT {COLUMNS}, hash FROM history ORDER BY seq"):
        *fields, stored = row
        if stored is None:
            return Break(row[0], row[3], row[1], "unsealed")
        if digest(prev, *fields) != stored:
            return Break(row[0], row[3], row[1], "edited")
        prev, last = stored, row[0]
    # AUTOINCREMENT remembers the highest seq ever committed: rows cut off the end show here.
    top = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'history'").fetchone()
    if top and top[0] > last:
        return Break(last + 1, "", "", "missing_tail")
    return None


def head(conn: sqlite3.Connection) -> tuple[int, str] | None:
    row = conn.execute("SELECT seq, hash FROM history ORDER BY seq DESC LIMIT 1").fetchone()
    return None if row is None else (row[0], row[1])
