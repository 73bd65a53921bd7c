"""History triggers: every insert, update and delete of an audited table is recorded.

Triggers (rather than Python bookkeeping) make the record complete: a change made by
any code path, including a raw SQL fix, lands in ``history``. They call two functions
the Store registers on its connection, ``ycdesk_operator()`` and ``ycdesk_now()``, so a
tool that opens the file without them cannot write audited tables unrecorded.
"""

from __future__ import annotations

import sqlite3

AUDITED = (
    "townships",
    "indicators",
    "observations",
    "projects",
    "project_units",
    "investments",
    "initiatives",
    "enterprises",
    "audits",
    "findings",
    "audit_aggregates",
    "sludge",
)


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]


def _json(prefix: str, columns: list[str]) -> str:
    return "json_object(" + ", ".join(f"'{c}', {prefix}.{c}" for c in columns) + ")"


def install_triggers(conn: sqlite3.Connection, table: str, actions=("insert", "update", "delete")) -> None:
    """(Re)create the history triggers of ``table`` for its current columns.

    A migration that adds columns calls this again so new columns are recorded too (and
    the ``history_full`` view sees them).
    """
    sql = trigger_sql(conn, table)
    for action in actions:
        conn.execute(f"DROP TRIGGER IF EXISTS history_{table}_{action}")
        conn.execute(sql[f"history_{table}_{action}"])
    if len(actions) == 3:
        install_history_view(conn)


def trigger_sql(conn: sqlite3.Connection, table: str) -> dict[str, str]:
    """Trigger name → the CREATE TRIGGER statement :func:`install_triggers` runs for
    ``table`` as it is now (``ycdesk check`` compares the stored ones with these)."""
    cols = _columns(conn, table)
    changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in cols if c != "updated_at")
    head = "INSERT INTO history (at, operator, table_name, row_id, action, old, new) VALUES (ycdesk_now(), ycdesk_operator(), "
    body = {
        "insert": f"AFTER INSERT ON {table} BEGIN {head}'{table}', NEW.id, 'insert', NULL, {_json('NEW', cols)}); END",
        "update": f"AFTER UPDATE ON {table} WHEN {changed} BEGIN {head}'{table}', NEW.id, "
        "CASE WHEN OLD.deleted_at IS NULL AND NEW.deleted_at IS NOT NULL THEN 'soft_delete' "
        "WHEN OLD.deleted_at IS NOT NULL AND NEW.deleted_at IS NULL THEN 'restore' ELSE 'update' END, "
        f"{_json('OLD', cols)}, {_json('NEW', cols)}); END",
        "delete": f"AFTER DELETE ON {table} BEGIN {head}'{table}', OLD.id, 'delete', {_json('OLD', cols)}, NULL); END",
    }
    return {
        f"history_{table}_{action}": f"CREATE TRIGGER history_{table}_{action} {sql}" for action, sql in body.items()
    }


def audited_tables(conn: sqlite3.Connection) -> list[str]:
    """Every table with history triggers."""
    return [
        r[0]
        for r in conn.execute(
            "SELECT tbl_name FROM sqlite_master WHERE type = 'trigger' AND name = 'history_' || tbl_name || '_insert' "
            "ORDER BY tbl_name"
        )
    ]


def install_history_view(conn: sqlite3.Connection) -> None:
    """``history_full``: history with ``new`` filled in for rows a bulk import inserted.

    Those rows store no snapshot (see :func:`record_inserted`): what was inserted is the
    ``old`` of the row's next history entry, or, if nothing changed it since, the row as
    it is now. Readers of history use this view and see the same as for any other row."""
    cases = " ".join(
        f"WHEN '{t}' THEN (SELECT {_json('r', _columns(conn, t))} FROM {t} AS r WHERE r.id = h.row_id)"
        for t in audited_tables(conn)
    )
    conn.execute("DROP VIEW IF EXISTS history_full")
    conn.execute(
        "CREATE VIEW history_full AS SELECT h.seq, h.at, h.operator, h.table_name, h.row_id, h.action, h.old, "
        "CASE WHEN h.new IS NOT NULL OR h.action != 'insert' THEN h.new ELSE COALESCE("
        "(SELECT n.old FROM history AS n WHERE n.table_name = h.table_name AND n.row_id = h.row_id "
        f"AND n.seq > h.seq ORDER BY n.seq LIMIT 1), CASE h.table_name {cases} END) END AS new "
        "FROM history AS h"
    )


def record_inserted(
    conn: sqlite3.Connection, table: str, after_rowid: int, chain_after: int | None = None, ids: list[str] | None = None
) -> None:
    """History rows for every row of ``table`` inserted after ``after_rowid``, in one
    statement. Who, when, which batch and which row are recorded; the snapshot of the new
    row is not, because it can be derived exactly (``history_full``): storing it made a
    100,000-finding import write 60 MB of JSON and took a quarter of the import's time.
    ``chain_after``: the start of the writing transaction, when history has its hash chain;
    ``ids``: the new rows' ids in insertion order, if known."""
    # One time and operator for the whole batch, asked once rather than per row.
    at, operator = conn.execute("SELECT ycdesk_now(), ycdesk_operator()").fetchone()
    if chain_after is not None:  # hashed into the chain as they are written
        from ycdesk.store.chain import insert_chained

        insert_chained(conn, table, after_rowid, at, operator, chain_after, ids)
        return
    conn.execute(
        "INSERT INTO history (at, operator, table_name, row_id, action, old, new) "
        f"SELECT ?, ?, '{table}', NEW.id, 'insert', NULL, NULL "
        f"FROM {table} AS NEW WHERE NEW.rowid > ? ORDER BY NEW.rowid",
        (at, operator, after_rowid),
    )
