"""Undo of an import batch that never destroys later work.

Before anything is put back, :func:`plan_undo` finds the records of the batch that were
changed since by anything else: a record whose values now differ from what the batch
left (a later edit, a status change), one deleted since, and a new record that later
records refer to (a status change's ``finding_events`` row, evidence in ``attachments``,
findings a later import filed under an audit this batch created). By default the undo is
refused with that list; ``keep_changed`` undoes the rest and keeps those records as they
are now (and the records they need: a kept finding keeps its audit and enterprise).

Kept rather than soft-deleted: a soft-deleted finding would hide the status changes and
evidence filed on it, which is the later work the user asked to keep; a kept record is
listed, and can still be deleted on purpose (with restore).

Values are compared, not merely "is there later history": a later import that was itself
undone, or an edit changed back, leaves the record as the batch left it, and undoing it
loses nothing.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field

from ycdesk.errors import UserError
from ycdesk.history_text import ACTION_LABELS, TABLE_LABELS, local_time, record_label
from ycdesk.i18n import _

# Batches imported before schema 10 kept their own log in import_changes; later ones
# are the span of history they wrote.
_LEGACY = "SELECT table_name, row_id, action, old FROM import_changes WHERE batch_id = ? ORDER BY seq DESC"
_SPAN = (
    "SELECT h.seq, h.table_name, h.row_id, h.action, h.old, h.new FROM import_batches b "
    "JOIN history h ON h.seq > b.first_seq AND h.seq <= b.last_seq WHERE b.id = ? ORDER BY h.seq DESC"
)


@dataclass
class Kept:
    """A record of the batch that the undo leaves as it is now, and why."""

    table_name: str
    row_id: str
    reason: str
    label: str = ""

    def __str__(self) -> str:
        what = TABLE_LABELS.get(self.table_name, self.table_name)
        return f"{what}“{self.label}”：{self.reason}" if self.label else f"{what} {self.row_id}：{self.reason}"


@dataclass
class UndoPlan:
    batch: dict
    changes: list[dict]  # newest first: action insert (the row goes) or update (old values back)
    kept: list[Kept] = field(default_factory=list)

    @property
    def kept_keys(self) -> set[tuple[str, str]]:
        return {(k.table_name, k.row_id) for k in self.kept}


class UndoBlocked(UserError):
    """The batch has records changed since; nothing was undone. ``kept`` lists them."""

    def __init__(self, kept: list[Kept]) -> None:
        self.kept = kept
        lines = "\n".join(f"  {k}" for k in kept[:50])
        more = _("\n  ……共 {0} 条").format(len(kept)) if len(kept) > 50 else ""
        super().__init__(
            _(
                "该批次的 {0} 条记录在导入后又被改动或被后来的记录引用，撤销会丢掉这些工作，因此未撤销任何内容：\n"
                "{1}{2}\n可以选择撤销其余改动、保留这些记录（命令行：--keep-changed）"
            ).format(len(kept), lines, more)
        )


def plan_undo(store, batch_id: str) -> UndoPlan:
    rows = store.query("SELECT rowid, * FROM import_batches WHERE id = ?", (batch_id,))
    if not rows:
        raise UserError(_("导入批次不存在：{0}").format(batch_id))
    batch = rows[0]
    if batch["undone_at"]:
        raise UserError(_("该批次已于{0}撤销").format(batch["undone_at"]))
    changes = batch_changes(store, batch_id)
    touched = {(c["table_name"], c["row_id"]) for c in changes}
    for other in store.query("SELECT id FROM import_batches WHERE undone_at IS NULL AND rowid > ?", (batch["rowid"],)):
        if not touched.isdisjoint(touched_rows(store, other["id"])):
            raise UserError(_("之后的导入批次改动过同样的记录，请先撤销较新的批次"))
    plan = UndoPlan(batch, changes)
    kept: dict[tuple[str, str], Kept] = {}
    for k in _changed_since(store, batch, changes):
        kept.setdefault((k.table_name, k.row_id), k)
    inserted = {(c["table_name"], c["row_id"]) for c in changes if c["action"] == "insert"}
    for k in _referenced_later(store, batch, inserted):
        kept.setdefault((k.table_name, k.row_id), k)
    _keep_parents(store, inserted, kept)
    for (table, row_id), k in kept.items():
        k.label = record_label(store, table, row_id)
    plan.kept = list(kept.values())
    return plan


def apply_undo(store, plan: UndoPlan, *, keep_changed: bool = False) -> int:
    """Put back what the batch changed, except the kept records; returns how many changes
    were undone. With kept records and not ``keep_changed``: :class:`UndoBlocked`."""
    if plan.kept and not keep_changed:
        raise UndoBlocked(plan.kept)
    store.check_writable()
    store.backup(reason="before-undo-import")
    keep = plan.kept_keys
    try:
        with store.transaction():
            _check_still(store, plan, keep_changed)
            done = _write_undo(store, plan, keep)
    except sqlite3.IntegrityError as exc:
        raise UserError(
            _("无法撤销该批次：撤销会破坏记录之间的关联（{0}），因此没有做任何修改。").format(
                _("有其他记录仍引用该批次的记录") if "FOREIGN KEY" in str(exc) else _("与现有记录冲突")
            )
        ) from None
    return done


def _check_still(store, plan: UndoPlan, keep_changed: bool) -> None:
    """Plan again under the write lock: the plan the user confirmed was made before the
    backup (seconds), and an edit made meanwhile must not be overwritten by it."""
    fresh = plan_undo(store, plan.batch["id"])
    if fresh.kept and not keep_changed:
        raise UndoBlocked(fresh.kept)
    if fresh.kept_keys != plan.kept_keys or _plan_rows(fresh) != _plan_rows(plan):
        raise UserError(
            _(
                "确认撤销之后，该批次的记录又被改动过，为免丢掉这些改动，没有撤销任何内容。\n"
                "请重新撤销该批次，查看新的保留清单。"
            )
        )


def _plan_rows(plan: UndoPlan) -> list[tuple]:
    return [(c["table_name"], c["row_id"], c["action"], c.get("seq")) for c in plan.changes]


def _write_undo(store, plan: UndoPlan, keep: set[tuple[str, str]]) -> int:
    """Each change of the plan put back, except the kept records; how many."""
    done = 0
    for c in plan.changes:
        if (c["table_name"], c["row_id"]) in keep:
            continue
        if c["action"] == "insert":
            store.conn.execute(f"DELETE FROM {c['table_name']} WHERE id = ?", (c["row_id"],))
        elif c["old"]:
            sets = ", ".join(f"{k} = ?" for k in c["old"])
            store.conn.execute(f"UPDATE {c['table_name']} SET {sets} WHERE id = ?", [*c["old"].values(), c["row_id"]])
        done += 1
    store.conn.execute("UPDATE import_batches SET undone_at = ? WHERE id = ?", (store.now(), plan.batch["id"]))
    return done


def undo_batch(store, batch_id: str, *, keep_changed: bool = False) -> int:
    """Put back exactly what a batch changed: its new rows go, updated rows get the old
    values of the fields the batch changed — unless later work depends on them (see the
    module docstring). Returns the number of changes undone."""
    return apply_undo(store, plan_undo(store, batch_id), keep_changed=keep_changed)


def touched_rows(store, batch_id: str) -> set[tuple[str, str]]:
    """(table, row id) of every record a batch wrote."""
    rows = store.conn.execute(_LEGACY, (batch_id,)).fetchall() or [
        r[1:3] for r in store.conn.execute(_SPAN, (batch_id,)).fetchall()
    ]
    return {(r[0], r[1]) for r in rows}


def batch_changes(store, batch_id: str) -> list[dict]:
    """What a batch wrote, newest first: ``action`` insert (the row goes) or update with
    ``old`` holding the previous values of just the fields it changed (and updated_at);
    ``new`` is the row as the batch left it where history stored it (else None)."""
    legacy = store.query(_LEGACY, (batch_id,))
    if legacy:
        return [{**c, "old": json.loads(c["old"]) if c["old"] else None, "new": None, "seq": None} for c in legacy]
    out = []
    for h in store.query(_SPAN, (batch_id,)):
        base = {"seq": h["seq"], "table_name": h["table_name"], "row_id": h["row_id"], "new": h["new"]}
        if h["action"] == "insert":
            out.append({**base, "action": "insert", "old": None})
            continue
        old, new = json.loads(h["old"]), json.loads(h["new"] or "{}")
        out.append(
            {**base, "action": "update", "old": {k: v for k, v in old.items() if new.get(k) != v or k == "updated_at"}}
        )
    return out


def _written_by(batch: dict, action: str | None = None) -> tuple[str, list]:
    """SQL for (table_name, row_id) of the records the batch wrote (with ``action``)."""
    if batch.get("last_seq") is not None:
        sql = "SELECT table_name, row_id FROM history WHERE seq > ? AND seq <= ?"
        params = [batch["first_seq"], batch["last_seq"]]
    else:  # before schema 10 a batch kept its own log
        sql, params = "SELECT table_name, row_id FROM import_changes WHERE batch_id = ?", [batch["id"]]
    if action:
        sql += " AND action = ?"
        params.append(action)
    return sql, params


def _later_history(store, batch: dict) -> dict[tuple[str, str], list[dict]]:
    """History written after the batch on its records, oldest first, per record. Only
    what was written since is read, each row looked up among the batch's own records."""
    if batch.get("last_seq") is not None:
        where, param = "h.seq > ?", batch["last_seq"]
    else:  # before schema 10 a batch recorded no span: its time is the bound
        where, param = "h.at > ?", batch["created_at"]
    written, params = _written_by(batch)
    out: dict[tuple[str, str], list[dict]] = {}
    for h in store.query(
        f"SELECT h.seq, h.at, h.operator, h.table_name, h.row_id, h.action, h.old FROM history h "
        f"WHERE {where} AND (h.table_name, h.row_id) IN ({written}) ORDER BY h.seq",
        [param, *params],
    ):
        out.setdefault((h["table_name"], h["row_id"]), []).append(h)
    return out


def _changed_since(store, batch: dict, changes: list[dict]) -> list[Kept]:
    last_entry: dict[tuple[str, str], dict] = {}
    for c in changes:  # newest first: the first seen is what the batch left
        last_entry.setdefault((c["table_name"], c["row_id"]), c)
    later = _later_history(store, batch)
    out = []
    for key, rows in later.items():
        table, row_id = key
        entry = last_entry[key]
        left = entry["new"] if entry["new"] is not None else rows[0]["old"]  # what the batch left
        now = store.query(f"SELECT * FROM {table} WHERE id = ?", (row_id,))
        last = rows[-1]
        when = _("{0}，{1}{2}").format(
            local_time(last["at"]), last["operator"], ACTION_LABELS.get(last["action"], last["action"])
        )
        if not now:
            out.append(Kept(table, row_id, _("导入后已被彻底删除（{0}）").format(when)))
        elif entry["seq"] is None or left is None or _differs(json.loads(left), now[0]):
            out.append(Kept(table, row_id, _("导入后被修改过（最近一次：{0}）").format(when)))
    return out


def _differs(left: dict, now: dict) -> bool:
    from ycdesk.changes import same_value  # a REAL as history rounded it

    return any(not same_value(now.get(k), v) for k, v in left.items() if k != "updated_at")


def _foreign_keys(store) -> list[tuple[str, str, str]]:
    """(child table, column, parent table) for every foreign key to an ``id``."""
    out = []
    for (table,) in store.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
        for fk in store.conn.execute(f"PRAGMA foreign_key_list({table})"):
            if fk[4] in (None, "id"):
                out.append((table, fk[3], fk[2]))
    return out


def _referenced_later(store, batch: dict, inserted: set[tuple[str, str]]) -> list[Kept]:
    """New records of the batch that records outside the batch refer to."""
    parents = {t for t, _id in inserted}
    if not parents:
        return []
    written, params = _written_by(batch, "insert")
    counts: dict[tuple[str, str], dict[str, int]] = {}
    for child, column, parent in _foreign_keys(store):
        if parent not in parents:
            continue
        # Children of the batch's new records that the batch did not write itself.
        for (parent_id,) in store.conn.execute(
            f"SELECT c.{column} FROM {child} c WHERE c.{column} IN "
            f"(SELECT row_id FROM ({written}) WHERE table_name = ?) "
            f"AND c.id NOT IN (SELECT row_id FROM ({written}) WHERE table_name = ?)",
            [*params, parent, *params, child],
        ):
            by = counts.setdefault((parent, parent_id), {})
            by[child] = by.get(child, 0) + 1
    out = []
    for (table, row_id), by in counts.items():
        what = "、".join(_("{0} 条{1}").format(n, TABLE_LABELS.get(t, t)) for t, n in sorted(by.items()))
        out.append(Kept(table, row_id, _("后来添加的{0}引用它").format(what)))
    return out


def _keep_parents(store, inserted: set[tuple[str, str]], kept: dict[tuple[str, str], Kept]) -> None:
    """A kept record keeps the new records of the batch it refers to (its audit, its enterprise)."""
    fks = _foreign_keys(store)
    todo = list(kept)
    while todo:
        table, row_id = todo.pop()
        for child, column, parent in fks:
            if child != table:
                continue
            value = store.scalar(f"SELECT {column} FROM {table} WHERE id = ?", (row_id,))
            key = (parent, value)
            if value is not None and key in inserted and key not in kept:
                kept[key] = Kept(parent, value, _("保留的{0}引用它").format(TABLE_LABELS.get(table, table)))
                todo.append(key)
