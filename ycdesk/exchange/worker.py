"""The exchange step, run in a child process that opens the workspace with apsw alone.

Why a child process: apsw ships its own SQLite and Python's ``sqlite3`` links another. POSIX
file locks belong to the process, so if two SQLite copies in one process open the same
file, one closing it can drop the other's locks and the file can be corrupted (SQLite's
own warning, https://www.sqlite.org/howtocorrupt.html#multiple_copies_of_sqlite_linked_into_the_same_application).
The app keeps ``sqlite3``; this process never opens a connection with it (a test checks),
and the parent talks to it through JSON on stdin/stdout.

Two jobs:

- ``export``: copy the slice of each table into a new snapshot file, and let the session
  extension compute the changeset from the last acknowledged snapshot to it
  (``Session.diff``) — SQLite's own diff, not a hand-written one.
- ``apply``: in one transaction, check the scope of every row, apply the changeset with a
  conflict handler, record the version of every row applied and the package; roll back on
  a dry run or on any refusal. Then fold the changes into this side's own snapshots, so
  what was just received is not sent back.
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
from datetime import date
from pathlib import Path

import apsw

from ycdesk.rules import scope
from ycdesk.store import chain, history

_TIMING = os.environ.get("YCDESK_EXCHANGE_TIMING")  # benchmarks: phase times on stderr
_clock = [time.perf_counter()]


def _phase(name: str) -> None:
    if _TIMING:
        now = time.perf_counter()
        print(f"  {name}: {now - _clock[0]:.2f} s", file=sys.stderr)
        _clock[0] = now


BULK_ROWS = 1000  # new rows of one table from which history is written in one statement

_CREATE = re.compile(r"^CREATE TABLE\s+(\"?\w+\"?)", re.IGNORECASE)


_STAMP = 2  # updated_at, in every exchanged table (COMMON: id, created_at, updated_at, …)


def _stamp(values) -> str:
    """Which version of a row this is: its ``updated_at``. Every write through the app
    (forms, imports, the store API) sets it, so a row whose stamp is still the one applied
    from a peer has not been changed here since. (A SHA-256 of the whole row cost 1.2 s
    per 100,000 rows.)"""
    return values[_STAMP]


def _rows_by_id(conn, table: str, ids: list) -> dict:
    """The rows of ``table`` among ``ids``, as tuples keyed by id: one query per 20,000."""
    out = {}
    for start in range(0, len(ids), 20_000):
        chunk = json.dumps(ids[start : start + 20_000])
        for row in conn.execute(f"SELECT * FROM {table} WHERE id IN (SELECT value FROM json_each(?))", (chunk,)):
            out[row[0]] = row
    return out


def _columns(conn, schema: str, table: str) -> list[str]:
    return [r[1] for r in conn.execute(f"PRAGMA {schema}.table_info({table})")]


def _create_sql(conn, schema: str, table: str, into: str) -> str:
    sql = conn.execute(
        f"SELECT sql FROM {schema}.sqlite_master WHERE type = 'table' AND name = ?", (table,)
    ).fetchone()[0]
    return _CREATE.sub(f"CREATE TABLE {into}.{table}", sql, count=1)


class _Cursorish:
    """``execute(sql, params).fetchone()`` over apsw, as :mod:`ycdesk.rules.scope` expects.

    Answers are remembered while the package is judged (nothing is written meanwhile):
    100,000 findings of ten audits ask for ten townships, not 100,000."""

    def __init__(self, conn) -> None:
        self.conn = conn
        self.cache: dict = {}

    def execute(self, sql, params=()):
        key = (sql, tuple(params))
        if key not in self.cache:
            self.cache[key] = self.conn.execute(sql, params).fetchone()
        return _One(self.cache[key])


class _One:
    __slots__ = ("row",)

    def __init__(self, row) -> None:
        self.row = row

    def fetchone(self):
        return self.row


# -- export ----------------------------------------------------------------------------------


def export(job: dict) -> dict:
    """Snapshot the slice into ``job['snapshot']`` and write the changeset from ``job['base']``."""
    snapshot = Path(job["snapshot"])
    snapshot.unlink(missing_ok=True)
    conn = apsw.Connection(
        str(snapshot), flags=apsw.SQLITE_OPEN_READWRITE | apsw.SQLITE_OPEN_CREATE | apsw.SQLITE_OPEN_URI
    )
    conn.execute("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -262144")
    conn.execute("ATTACH ? AS ws", (Path(job["db"]).resolve().as_uri() + "?mode=ro",))
    base = job.get("base")
    conn.execute("ATTACH ? AS base", (base if base else ":memory:",))
    tables: dict[str, str] = job["tables"]
    counts: dict[str, dict] = {}
    with conn:
        for table, where in tables.items():
            conn.execute(_create_sql(conn, "ws", table, "main"))
            conn.execute(
                f"INSERT INTO main.{table} SELECT * FROM ws.{table} WHERE {where.format(s='ws')}",
                {"t": job["township_id"]},
            )
            if not conn.execute("SELECT 1 FROM base.sqlite_master WHERE name = ?", (table,)).fetchone():
                conn.execute(_create_sql(conn, "ws", table, "base"))
    session = apsw.Session(conn, "main")
    for table in tables:
        session.attach(table)
        session.diff("base", table)
    changeset = session.changeset()
    session.close()
    files = {}
    sha_col = {}
    for change in apsw.Changeset.iter(changeset):
        c = counts.setdefault(change.name, {"insert": 0, "update": 0})
        c["insert" if change.op == "INSERT" else "update"] += 1
        if change.name == "attachments" and change.op == "INSERT":
            if "attachments" not in sha_col:
                sha_col["attachments"] = _columns(conn, "main", "attachments").index("sha256")
            files[change.new[sha_col["attachments"]]] = True
    conn.execute("DETACH ws")
    conn.execute("DETACH base")
    conn.close()
    Path(job["changeset"]).write_bytes(changeset)
    return {"counts": counts, "rows": sum(sum(c.values()) for c in counts.values()), "files": sorted(files)}


# -- apply -----------------------------------------------------------------------------------


class Refused(Exception):
    pass


class _Change:
    """What the scope pass keeps of a change (a TableChange lives only while iterating)."""

    __slots__ = ("op", "old", "new")

    def __init__(self, op, old, new) -> None:
        self.op, self.old, self.new = op, old, new


def _where(change, cols) -> str:
    return f"{change.name}（{change.new[0] if change.new else change.old[0]}）"


def apply(job: dict) -> dict:
    conn = apsw.Connection(job["db"])
    conn.set_busy_timeout(5000)
    operator, now = job["operator"], job["now"]
    # The history triggers call these, as on the app's own connection (ycdesk.store).
    conn.create_scalar_function("ycdesk_operator", lambda: operator, 0)
    conn.create_scalar_function("ycdesk_now", lambda: now, 0)
    conn.execute("PRAGMA foreign_keys = ON")
    # As the app's own connection (ycdesk.store), with room for a 100,000-row slice.
    conn.execute("PRAGMA synchronous = NORMAL; PRAGMA cache_size = -262144")
    changeset = Path(job["changeset"]).read_bytes()
    peer, seq, sender = job["peer_id"], job["seq"], job["sender"]
    receiver = scope.Role(job["role"]["kind"], job["role"]["township_id"], job["role"]["township"])
    allowed = set(job["tables"])
    columns: dict[str, list[str]] = {}

    def cols(table):
        if table not in columns:
            columns[table] = _columns(conn, "main", table)
        return columns[table]

    conn.execute("BEGIN IMMEDIATE")
    history_mark = conn.execute("SELECT COALESCE(MAX(seq), 0) FROM history").fetchone()[0]
    try:
        result = _apply_in_transaction(conn, job, changeset, peer, seq, sender, receiver, allowed, cols)
        # The history this package wrote joins the tamper-evident chain, as the Store's own
        # writes do at commit (ycdesk.store.chain).
        chain.seal_in_python(conn, history_mark)
    except BaseException:
        conn.execute("ROLLBACK")
        conn.close()
        raise
    if job.get("dry_run"):
        conn.execute("ROLLBACK")
    else:
        conn.execute("COMMIT")
    conn.close()
    _phase("commit")
    if not job.get("dry_run"):
        for path in job.get("absorb", []):
            _absorb(path, changeset, job, result["same"])
    _phase("fold into snapshots")
    del result["same"]
    return result


def _apply_in_transaction(conn, job, changeset, peer, seq, sender, receiver, allowed, cols) -> dict:
    cursor = _Cursorish(conn)
    known = {
        (t, r): (s, h)
        for t, r, s, h in conn.execute(
            "SELECT table_name, row_id, seq, stamp FROM exchange_rows WHERE peer_id = ?", (peer,)
        )
    }
    # 1. Scope of every row, before anything is applied: one row outside the sender's
    #    scope refuses the whole package, named.
    sender_role = scope.Role(scope.TOWNSHIP, job["township_id"], job["township"]) if sender == "township" else None
    today = date.fromisoformat(job["now"][:10])
    changes = []
    for n, change in enumerate(apsw.Changeset.iter(changeset), 1):
        table = change.name
        row_id = (change.new if change.op == "INSERT" else change.old)[0]
        if table not in allowed:
            raise Refused(f"第{n}条改动：{scope.describe(table, {'id': row_id})}不在交换范围内")
        changes.append((n, table, change.op, row_id, change.old, change.new))
    _phase("read changes")
    ids: dict[str, list] = {}
    for _n, table, _op, row_id, _o, _new in changes:
        ids.setdefault(table, []).append(row_id)
    existing = {table: _rows_by_id(conn, table, wanted) for table, wanted in ids.items()}
    for n, table, op, row_id, change_old, change_new in changes:
        names = cols(table)
        current = existing[table].get(row_id)
        old = dict(zip(names, current)) if current else None
        change = _Change(op, change_old, change_new)
        if change.op == "DELETE":
            # Records are removed outright only by the district's ``demo remove`` and by
            # undoing an import batch; the removal travels, within the sender's scope.
            gone = dict(zip(names, change.old))
            reason = (
                scope.write_reason(cursor, sender_role, table, gone, old=gone, changed=["deleted_at"])
                if sender_role is not None
                else _slice_reason(cursor, receiver, table, gone)
            )
            if reason:
                raise Refused(f"第{n}条改动（{scope.describe(table, {'id': row_id})}）：{reason}")
            continue
        if change.op == "INSERT":
            row = dict(zip(names, change.new))
            changed = names if old is not None else None
        else:
            changed = [c for c, v in zip(names, change.new) if v is not apsw.no_change]
            row = {
                **(old or dict(zip(names, change.old))),
                **{c: v for c, v in zip(names, change.new) if v is not apsw.no_change},
            }
        if old is not None and change.op == "INSERT":
            changed = [c for c in names if row[c] != old[c]]
            if not changed:
                continue  # the row is here already, as sent: nothing to judge
        if sender_role is not None:
            reason = scope.write_reason(cursor, sender_role, table, row, old=old, changed=changed) or _content_reason(
                conn, table, row, today
            )
        else:
            reason = _slice_reason(cursor, receiver, table, row)
        if reason:
            raise Refused(f"第{n}条改动（{scope.describe(table, row)}）：{reason}")

    _phase("check scope")
    # 2. Apply. A change this peer already sent in a newer package is skipped; a field
    #    changed on both sides since the common base is a conflict, resolved by the scope
    #    rules (the owner's value wins) and recorded.
    conflicts: list[dict] = []
    partial: list[tuple[str, str, dict]] = []
    same: list[tuple[str, str]] = []  # already here, differing only in bookkeeping
    omitted: set = set()
    touched: list[tuple[str, str]] = []

    def fresh(change) -> bool:
        row_id = (change.new if change.op == "INSERT" else change.old)[0]
        seen = known.get((change.name, row_id))
        keep = seen is None or seen[0] < seq
        if keep:
            touched.append((change.name, row_id))
        return keep

    def on_conflict(reason, change):
        table = change.name
        names = cols(table)
        row_id = (change.new if change.op == "INSERT" else change.old)[0]
        if reason in (apsw.SQLITE_CHANGESET_CONSTRAINT, apsw.SQLITE_CHANGESET_FOREIGN_KEY):
            return apsw.SQLITE_CHANGESET_ABORT
        if change.op == "DELETE":  # the district removed it: gone here too, or gone already
            return apsw.SQLITE_CHANGESET_REPLACE if reason == apsw.SQLITE_CHANGESET_DATA else apsw.SQLITE_CHANGESET_OMIT
        if reason == apsw.SQLITE_CHANGESET_NOTFOUND:
            omitted.add((table, row_id))
            conflicts.append(
                {
                    "table": table,
                    "row_id": row_id,
                    "columns": [],
                    "local": None,
                    "incoming": None,
                    "kept": "local",
                    "reason": "本地没有这条记录（可能已被删除）",
                }
            )
            return apsw.SQLITE_CHANGESET_OMIT
        current = dict(zip(names, change.conflict))
        incoming = {c: v for c, v in zip(names, change.new) if v is not apsw.no_change}
        base = {} if change.op == "INSERT" else {c: v for c, v in zip(names, change.old) if v is not apsw.no_change}
        # A conflict is a field changed here since the common base to something else than
        # what arrives. When a row was made or stamped is bookkeeping, not an edit: two
        # laptops seeded from the same plan data differ only there.
        fields = [
            c
            for c, v in incoming.items()
            if current.get(c) != v
            and c not in ("created_at", "updated_at")
            and (change.op == "INSERT" or current.get(c) != base.get(c))
        ]
        if not fields:
            if change.op == "INSERT":
                omitted.add((table, row_id))
                same.append((table, row_id))
                return apsw.SQLITE_CHANGESET_OMIT
            return apsw.SQLITE_CHANGESET_REPLACE  # only fields nobody changed here
        seen = known.get((table, row_id))
        if seen is not None and seen[1] == _stamp(change.conflict):
            return apsw.SQLITE_CHANGESET_REPLACE  # the row is as this peer last left it: no conflict
        kept = "incoming" if _incoming_wins(receiver, table, current, incoming, change, names) else "local"
        if kept == "local":
            omitted.add((table, row_id))
            # The fields only the sender changed still arrive; only the contested ones stay.
            rest = {
                c: v
                for c, v in incoming.items()
                if c not in fields and c != "id" and (change.op == "UPDATE" and current.get(c) == base.get(c))
            }
            if rest:
                partial.append((table, row_id, rest))
        conflicts.append(
            {
                "table": table,
                "row_id": row_id,
                "columns": fields,
                "local": {c: current.get(c) for c in fields},
                "incoming": {c: incoming[c] for c in fields},
                "kept": kept,
                "reason": "双方在上次交换后都改了这些字段，按填报范围保留"
                + ("来件" if kept == "incoming" else "本地")
                + "的值",
            }
        )
        return apsw.SQLITE_CHANGESET_REPLACE if kept == "incoming" else apsw.SQLITE_CHANGESET_OMIT

    if not known:  # nothing received from this peer before: no change can be stale
        touched.extend((table, row_id) for _n, table, _op, row_id, _o, _new in changes)
    # Many new rows of one table (the first slice: 100,000 findings) get their history the
    # way a bulk import does (ycdesk.store.history.record_inserted), not one trigger each.
    inserts: dict[str, int] = {}
    for _n, table, op, row_id, _o, _new in changes:
        if op == "INSERT" and row_id not in existing[table]:
            inserts[table] = inserts.get(table, 0) + 1
    bulk = {
        t: conn.execute(f"SELECT COALESCE(MAX(rowid), 0) FROM {t}").fetchone()[0]
        for t, count in inserts.items()
        if count >= BULK_ROWS
    }
    for table in bulk:
        conn.execute(f"DROP TRIGGER IF EXISTS history_{table}_insert")
    try:
        apsw.Changeset.apply(
            changeset,
            conn,
            filter_change=fresh if known else None,
            conflict=on_conflict,
            flags=apsw.SQLITE_CHANGESETAPPLY_IGNORENOOP,
        )
    except apsw.AbortError:
        raise Refused("交换包中的记录与本工作区的记录冲突（重复或引用的记录不存在），未写入任何内容") from None
    for table, before in bulk.items():
        history.record_inserted(conn, table, before)
        history.install_triggers(conn, table, ("insert",))

    _phase("apply")
    for table, row_id, rest in partial:
        sets = ", ".join(f"{c} = ?" for c in rest)
        conn.execute(f"UPDATE {table} SET {sets} WHERE id = ?", (*rest.values(), row_id))

    # 3. Remember the version of each row applied from this peer, and the package.
    applied = [(t, r) for t, r in dict.fromkeys(touched) if (t, r) not in omitted]
    # A new row stands exactly as it arrived unless a conflict touched it; anything else
    # is read back as it now stands.
    as_sent = {
        (table, row_id): new
        for _n, table, op, row_id, _o, new in changes
        if op == "INSERT" and row_id not in existing[table]
    }
    for c in conflicts:
        as_sent.pop((c["table"], c["row_id"]), None)
    by_table_ids: dict[str, list] = {}
    for table, row_id in applied:
        if (table, row_id) not in as_sent:
            by_table_ids.setdefault(table, []).append(row_id)
    versions = [
        (peer, table, row_id, seq, _stamp(as_sent[(table, row_id)]))
        for table, row_id in applied
        if (table, row_id) in as_sent
    ]
    for table, wanted in by_table_ids.items():
        versions += [
            (peer, table, row_id, seq, _stamp(row)) for row_id, row in _rows_by_id(conn, table, wanted).items()
        ]
    conn.executemany("INSERT OR REPLACE INTO exchange_rows VALUES (?, ?, ?, ?, ?)", versions)
    _phase("record versions")
    package = job["package"]
    conn.execute(
        "INSERT INTO exchange_packages (id, direction, peer_id, township, seq, base_seq, period, file_name, "
        "made_at, at, operator, rows, applied, conflicts, counts) VALUES (?, 'in', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            package["id"],
            peer,
            job["township"],
            seq,
            package["base_seq"],
            package["period"],
            package["file_name"],
            package["made_at"],
            job["now"],
            job["operator"],
            package["rows"],
            len(applied),
            len(conflicts),
            json.dumps(package["counts"], ensure_ascii=False),
        ),
    )
    from uuid import uuid4

    for c in conflicts:
        conn.execute(
            "INSERT INTO exchange_conflicts (id, created_at, updated_at, package_id, table_name, row_id, columns, "
            "local, incoming, kept, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                str(uuid4()),
                job["now"],
                job["now"],
                package["id"],
                c["table"],
                c["row_id"],
                json.dumps(c["columns"], ensure_ascii=False),
                json.dumps(c["local"], ensure_ascii=False, default=repr),
                json.dumps(c["incoming"], ensure_ascii=False, default=repr),
                c["kept"],
                c["reason"],
            ),
        )
    conn.execute(
        "UPDATE exchange_peers SET last_in_seq = max(last_in_seq, ?), acked_out = max(acked_out, ?) WHERE id = ?",
        (seq, job.get("ack") or 0, peer),
    )
    by_table: dict[str, int] = {}
    for table, _r in applied:
        by_table[table] = by_table.get(table, 0) + 1
    # Every table a row was written in: the applied rows', and those of a conflict kept
    # here whose uncontested fields still arrived (the UI refreshes only what shows these).
    written = sorted({t for t, _r in applied} | {t for t, _r, _rest in partial})
    return {
        "applied": len(applied),
        "by_table": by_table,
        "conflicts": conflicts,
        "same": same,
        "skipped": len(set(touched)) - len(applied),
        "tables": written,
        "rows": package["rows"],
    }


def _incoming_wins(receiver: scope.Role, table: str, current: dict, incoming: dict, change, names) -> bool:
    """The owner's value wins. At the district a township's rectification work wins,
    except over the district's own 销号; at a township the district's data and decisions
    (销号, 退回) win, the township's own work otherwise."""
    if not receiver.is_township:
        return not (table == "findings" and current.get("status") == "已销号")
    if table not in scope.TOWNSHIP_WRITES:
        return True
    if table == "findings":
        status = incoming.get("status")
        old_status = change.old[names.index("status")] if change.old else None
        return status == "已销号" or (status == "整改中" and old_status in scope.RECTIFIED)
    return False


def _content_reason(conn, table: str, row: dict, today: date) -> str | None:
    """A township's rows are judged by the same validators as a typed or imported record
    (``ycdesk.rules``). The district's own rows passed them when they were entered there."""
    from ycdesk.errors import UserError
    from ycdesk.rules import investments, observations
    from ycdesk.rules.findings import finding_reason

    def one(sql, params):
        cursor = conn.execute(sql, params)
        names = [d[0] for d in cursor.getdescription()]
        found = cursor.fetchone()
        return dict(zip(names, found)) if found else None

    try:
        if table == "observations" and row.get("deleted_at") is None:
            indicator = one("SELECT * FROM indicators WHERE id = ?", (row["indicator_id"],))
            if indicator is None:
                return "引用的指标不存在"
            observations.observation_period(row["period"], today, future_reason=row.get("note"))
            observations.observation_value(row["value"] if row["value"] is not None else row["value_text"], indicator)
        elif table == "investments" and row.get("deleted_at") is None:
            project = one("SELECT * FROM projects WHERE id = ?", (row["project_id"],))
            if project is None:
                return "引用的项目不存在"
            other = conn.execute(
                "SELECT COALESCE(SUM(amount_yuan), 0) FROM investments WHERE project_id = ? "
                "AND id != ? AND deleted_at IS NULL",
                (row["project_id"], row["id"]),
            ).fetchone()[0]
            investments.investment(project, row["period"], row["amount_yuan"], completed_other_yuan=other, today=today)
        elif table == "findings":
            audit = one("SELECT year, audit_date FROM audits WHERE id = ?", (row["audit_id"],))
            categories = {r[0] for r in conn.execute("SELECT name FROM finding_categories WHERE deleted_at IS NULL")}
            categories.add(row.get("category"))  # a category retired since the finding was filed
            return finding_reason(
                row,
                audit_year=audit and audit["year"],
                inspected=audit and audit["audit_date"],
                categories=categories,
                today=today,
            )
    except UserError as exc:
        return str(exc)
    return None


def _slice_reason(cursor, receiver: scope.Role, table: str, row: dict) -> str | None:
    """A district package for a township carries only that township's slice."""
    if table == "enterprises":
        owner = row.get("township_id")
    elif table == "audits":
        found = cursor.execute(
            "SELECT township_id FROM enterprises WHERE id = ?", (row.get("enterprise_id"),)
        ).fetchone()
        owner = found[0] if found else None
    elif table in ("projects",):
        owner = row.get("township_id")
    else:
        owner = scope.row_township(cursor, table, row)
    if owner is not None and owner != receiver.township_id:
        return f"不属于{receiver.township}"
    return None


def _absorb(path: str, changeset: bytes, job: dict, same: list) -> None:
    """Fold received changes into an outgoing snapshot: the other side has them now, so
    the next package must not send them back. Rows that are not part of what this side
    sends (a 全区 observation at a township) are kept out of the snapshot."""
    conn = apsw.Connection(path, flags=apsw.SQLITE_OPEN_READWRITE | apsw.SQLITE_OPEN_URI)
    # A snapshot can be rebuilt (a lost one means the next package carries everything
    # again), so it is written without waiting for the disk.
    conn.execute("PRAGMA synchronous = OFF; PRAGMA cache_size = -262144")
    present = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}

    def resolve(reason, change):
        if reason in (apsw.SQLITE_CHANGESET_DATA, apsw.SQLITE_CHANGESET_CONFLICT):
            return apsw.SQLITE_CHANGESET_REPLACE
        return apsw.SQLITE_CHANGESET_OMIT

    with conn:
        apsw.Changeset.apply(
            changeset,
            conn,
            filter=lambda t: t in present,
            conflict=resolve,
            flags=apsw.SQLITE_CHANGESETAPPLY_IGNORENOOP,
        )
    conn.execute("ATTACH ? AS ws", (Path(job["db"]).resolve().as_uri() + "?mode=ro",))
    with conn:
        # A row both sides already had (seeded from the same plan data at different times)
        # goes into the snapshot as it is here: its timestamps are not news to send back.
        for table, row_id in same:
            if table in present:
                conn.execute(f"INSERT OR REPLACE INTO main.{table} SELECT * FROM ws.{table} WHERE id = ?", (row_id,))
        for table, where in job["outgoing"].items():
            # Only where what goes back differs from what came in (全区 observations):
            # the same filter both ways cannot have brought in a row to drop.
            if table in present and job["tables_in"].get(table) != where:
                conn.execute(
                    f"DELETE FROM main.{table} WHERE id NOT IN "
                    f"(SELECT id FROM ws.{table} WHERE {where.format(s='ws')})",
                    {"t": job["outgoing_township"]},
                )
    conn.execute("DETACH ws")
    conn.close()


JOBS = {"export": export, "apply": apply}


def _forbid_sqlite3() -> None:
    """Only apsw opens files here (see the module docstring). ``ycdesk.store.history``,
    whose functions write history the same way as the app, imports Python's sqlite3 for its
    type hints; opening a connection with it in this process fails loudly."""
    import sqlite3

    def refuse(*args, **kwargs):
        raise RuntimeError("exchange worker: only apsw may open the workspace in this process")

    sqlite3.connect = refuse  # type: ignore[assignment]


def main() -> int:
    _forbid_sqlite3()
    job = json.loads(sys.stdin.buffer.read().decode())
    try:
        out = {"ok": True, **JOBS[job["job"]](job)}
    except Refused as exc:
        out = {"ok": False, "reason": str(exc)}
    except apsw.BusyError:
        out = {"ok": False, "busy": True, "reason": "工作区正被其他程序写入，请稍后再试"}
    sys.stdout.buffer.write(json.dumps(out, ensure_ascii=False, default=repr).encode())
    return 0


if __name__ == "__main__":
    sys.exit(main())
