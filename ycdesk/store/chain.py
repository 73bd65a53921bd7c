"""The hash chain over ``history``: each row's ``hash`` is the SHA-256 of the previous
row's hash and the row itself (seq, time, operator, table, row, action, old, new), so
editing, deleting or inserting a history row by hand shows at that row (``ycdesk check``).

Where the hashes are computed, and why not in the triggers: a trigger would need a per-row
UPDATE of ``history`` (a row's seq and predecessor are known only after its insert) plus a
lookup of the previous hash. Instead:

- rows the triggers write are *sealed* by the Store just before its transaction commits:
  one UPDATE over the transaction's unsealed rows, calling a Python function per row in
  seq order (:func:`seal`);
- a bulk import's history (100,000 rows from one INSERT … SELECT) is chained as one
  block as it is inserted (:func:`insert_chained`): a second pass rewriting 100,000 rows,
  or a Python hash per row, each cost several times the few percent allowed.

Either way the hash is written inside the writing transaction. Rows written by anything
else (a hand-opened shell that registered ``ycdesk_now``/``ycdesk_operator``) stay
unsealed and are never sealed later — a Store seals only rows after its transaction's
start — so :func:`verify` reports them.

There is no secret in the chain: someone who rewrites every row from the edit onwards
with this code can make a consistent chain. :func:`head` is the value to note elsewhere
(a printed report, a backup) to pin the history as it was.
"""

from __future__ import annotations

import hashlib
import sqlite3
from dataclasses import dataclass

COLUMNS = "seq, at, operator, table_name, row_id, action, old, new"
_NULL = "\x1e"  # stands for NULL, so NULL and "" hash differently
_SEP = "\x1f"  # neither is ever inside ids, times, table names or json_object() text (it escapes them)
_GS = "\x1d"  # between the rows of a block
BLOCK = "B"  # marks a block hash, on a block's first row (see insert_chained)
MORE = "b"  # on the block's other rows: "in the block above" (65 bytes less per row)


def digest(prev: str, seq, at, operator, table_name, row_id, action, old, new) -> str:
    parts = (
        prev,
        str(seq),
        at,
        operator,
        table_name,
        row_id,
        action,
        _NULL if old is None else old,
        _NULL if new is None else new,
    )
    return hashlib.sha256(_SEP.join(parts).encode()).hexdigest()


def has_chain(conn: sqlite3.Connection) -> bool:
    return any(row[1] == "hash" for row in conn.execute("PRAGMA table_info(history)"))


def mark(conn: sqlite3.Connection) -> int:
    """The last seq now: rows after it are the ones the current transaction writes."""
    return conn.execute("SELECT COALESCE(MAX(seq), 0) FROM history").fetchone()[0]


def _hash_before(conn: sqlite3.Connection, seq: int) -> str:
    """The chain value the row ``seq`` follows: the hash of the row before it, or of the
    block that row belongs to."""
    row = conn.execute(
        "SELECT hash FROM history WHERE seq < ? AND (hash IS NULL OR hash != ?) ORDER BY seq DESC LIMIT 1", (seq, MORE)
    ).fetchone()
    return (row[0] or "") if row else ""


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
    """Hash the unsealed rows after seq ``after`` (the start of this transaction), chained
    to the row before them. Rows already hashed by :func:`insert_chained` are a prefix and
    are left alone. Must run inside the writing transaction. Returns how many were sealed."""
    first = conn.execute("SELECT MIN(seq) FROM history WHERE seq > ? AND hash IS NULL", (after,)).fetchone()[0]
    if first is None:
        return 0
    prev = _hash_before(conn, first)
    chain = _Chain(prev, first - 1)
    conn.create_function("ycdesk_chain", 8, chain, deterministic=False)
    try:
        # One statement, the function called per row as SQLite walks the rowid range upwards.
        return conn.execute(f"UPDATE history SET hash = ycdesk_chain({COLUMNS}) WHERE seq >= ?", (first,)).rowcount
    except sqlite3.OperationalError:
        if not chain.out_of_order:
            raise
        # SQLite visited rows out of order (never seen; its UPDATE walks the rowid range
        # upwards): compute in Python and write row by row instead.
        return _seal_rows(conn, first, prev)
    finally:
        conn.create_function("ycdesk_chain", 8, None)


def seal_in_python(conn, after: int) -> int:
    """:func:`seal` without a user function, for a connection that is not the Store's
    sqlite3 one (the exchange worker's apsw connection): the same hashes, computed in
    Python and written back row by row. Needs only ``execute(...).fetchone/fetchall`` and
    ``executemany``, which both libraries have."""
    if not any(row[1] == "hash" for row in conn.execute("PRAGMA table_info(history)").fetchall()):
        return 0
    first = conn.execute("SELECT MIN(seq) FROM history WHERE seq > ? AND hash IS NULL", (after,)).fetchone()[0]
    if first is None:
        return 0
    return _seal_rows(conn, first, _hash_before(conn, first))


def _seal_rows(conn, first: int, prev: str) -> int:
    """Hash the rows from seq ``first`` on in Python, chained to ``prev``, row by row."""
    out = []
    for row in conn.execute(f"SELECT {COLUMNS} FROM history WHERE seq >= ? ORDER BY seq", (first,)).fetchall():
        prev = digest(prev, *row)
        out.append((prev, row[0]))
    conn.executemany("UPDATE history SET hash = ? WHERE seq = ?", out)
    return len(out)


def _line(at, operator, table_name, row_id, action, old, new) -> str:
    """One row of a block, as :func:`block_digest` hashes it (seq is implied by position)."""
    return _SEP.join(
        (at, operator, table_name, row_id, action, _NULL if old is None else old, _NULL if new is None else new)
    )


def block_digest(prev: str, first_seq: int, count: int, *parts: bytes) -> str:
    """The hash of a block of ``count`` rows numbered from ``first_seq``; ``parts`` are,
    in UTF-8 and in order, their :func:`_line` texts joined by ``_GS``. Stored on the
    block's first row, marked."""
    digest_ = hashlib.sha256(f"{prev}{_SEP}{first_seq}{_SEP}{count}{_GS}".encode())
    for part in parts:
        digest_.update(part)
    return BLOCK + digest_.hexdigest()


def insert_chained(
    conn: sqlite3.Connection,
    table: str,
    after_rowid: int,
    at: str,
    operator: str,
    after: int,
    ids: list[str] | None = None,
) -> None:
    """History rows for every row of ``table`` inserted after ``after_rowid`` (a bulk
    import), chained as one block as they are written. ``after``: the start of this
    transaction, whose rows so far are sealed first so the chain continues from them.

    Why a block rather than a hash per row: per row, Python's hashing cost about 0.2 s of a
    2 s 100,000-row import, however it was arranged (a function per row, or a tight loop),
    and 65 more bytes on each of 100,000 rows cost again at commit. These rows differ only
    in their row id and seq, so the block's text is one C-speed join of the ids and the
    block one SHA-256 over it. The first row carries the block hash, the others a one-
    character mark; changing, removing or inserting any row of the block breaks it, and
    :func:`verify` names the block's first row, or the one row whose fields differ.
    ``ids``: the new rows' ids in the order they were inserted, when the caller has them
    (saves reading 100,000 ids back)."""
    seal(conn, after)
    top = conn.execute(
        "SELECT MAX(COALESCE((SELECT MAX(seq) FROM history), 0), "
        "COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'history'), 0))"
    ).fetchone()[0]
    if ids is None:
        cursor = conn.cursor()
        cursor.row_factory = None
        ids = [r[0] for r in cursor.execute(f"SELECT id FROM {table} WHERE rowid > ? ORDER BY rowid", (after_rowid,))]
    if not ids:
        return
    head = (_SEP.join((at, operator, table)) + _SEP).encode()
    tail = (_SEP + _SEP.join(("insert", _NULL, _NULL))).encode()
    # Every _line(), joined, without a Python loop, and in bytes: a str with the operator's
    # Chinese name would take two bytes a character, copied three times (+30 MB at peak).
    joined = (tail + _GS.encode() + head).join(map(str.encode, ids))
    value = block_digest(_hash_before(conn, top + 1), top + 1, len(ids), head, joined, tail)
    del joined
    # Rows are inserted in ORDER BY order, and AUTOINCREMENT numbers them top+1, top+2, …
    count = conn.execute(
        "INSERT INTO history (at, operator, table_name, row_id, action, old, new, hash) "
        f"SELECT ?, ?, '{table}', NEW.id, 'insert', NULL, NULL, CASE WHEN NEW.id = ? THEN ? ELSE '{MORE}' END "
        f"FROM {table} AS NEW WHERE NEW.rowid > ? ORDER BY NEW.rowid",
        (at, operator, ids[0], value, after_rowid),
    ).rowcount
    ends = conn.execute(
        "SELECT seq, row_id, hash FROM history WHERE seq IN (?, ?) ORDER BY seq", (top + 1, top + count)
    ).fetchall()
    if (
        count != len(ids)
        or [tuple(r) for r in ends] != [(top + 1, ids[0], value), (top + count, ids[-1], MORE)][:count]
    ):
        # Not the numbers the block assumed (never seen): hash these rows one by one.
        conn.execute("UPDATE history SET hash = NULL WHERE seq > ?", (top,))
        seal(conn, top)


@dataclass
class Break:
    seq: int
    table_name: str
    at: str
    reason: str  # "edited", "unsealed", "missing_tail"


def verify(conn: sqlite3.Connection) -> Break | None:
    """The first row whose hash does not follow from its predecessor and itself, if any
    (for a block: its first row, or the row in it whose fields differ from the others)."""
    prev, last = "", 0
    rows = conn.execute(f"SELECT {COLUMNS}, hash FROM history ORDER BY seq")
    row = next(rows, None)
    while row is not None:
        *fields, stored = row
        if stored is None:
            return Break(row[0], row[3], row[1], "unsealed")
        if stored == MORE:  # a block's row without its block: the rows before it were changed
            return Break(row[0], row[3], row[1], "edited")
        if not stored.startswith(BLOCK):
            if digest(prev, *fields) != stored:
                return Break(row[0], row[3], row[1], "edited")
            prev, last, row = stored, row[0], next(rows, None)
            continue
        block = [row]  # the run of rows carrying this block's hash, numbered without gaps
        row = next(rows, None)
        while row is not None and row[-1] == MORE and row[0] == block[-1][0] + 1:
            block.append(row)
            row = next(rows, None)
        joined = _GS.join(_line(*r[1:-1]) for r in block).encode()
        if block_digest(prev, block[0][0], len(block), joined) != stored:
            return _block_break(block)
        prev, last = stored, block[-1][0]
    # AUTOINCREMENT remembers the highest seq ever committed: rows cut off the end show here.
    top = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'history'").fetchone()
    if top and top[0] > last:
        return Break(last + 1, "", "", "missing_tail")
    return None


def _block_break(block: list) -> Break:
    """A broken block: the one row whose time, operator, table, action or values differ
    from the rest of its block if there is one (an edited row), else the block's first row."""
    common = {}
    for r in block:
        key = tuple(r[i] for i in (1, 2, 3, 5, 6, 7))
        common[key] = common.get(key, 0) + 1
    usual = max(common, key=common.get)
    for r in block:
        if tuple(r[i] for i in (1, 2, 3, 5, 6, 7)) != usual:
            return Break(r[0], r[3], r[1], "edited")
    return Break(block[0][0], block[0][3], block[0][1], "edited")


def head(conn: sqlite3.Connection) -> tuple[int, str] | None:
    row = conn.execute("SELECT seq, hash FROM history ORDER BY seq DESC LIMIT 1").fetchone()
    return None if row is None else (row[0], row[1])
