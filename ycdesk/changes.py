"""Undo and redo of one change, and restoring a record to an earlier version, from history.

A *change* is the span of history rows one core write wrote (an add, an edit, a delete,
a lifecycle move): the triggers record every row it touched with its values before and
after. Undo puts each record back to what it was before the span; redo to what the span
left. Both compare values first, as the import undo does (:mod:`ycdesk.imports.undo`): a
record whose values now differ from what the span left (a later edit, deletion, restore)
makes the undo refuse, naming it, and nothing is changed — later work is never lost. An
edit that was changed back, or a later change that was itself undone, loses nothing.

Undo of a new record soft-deletes it (redo restores it), so later records that refer to it
keep their reference and history reads as 删除/恢复.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ycdesk.errors import UserError
from ycdesk.history_text import ACTION_LABELS, TABLE_LABELS, local_time, name_of
from ycdesk.i18n import _


@dataclass(frozen=True)
class Span:
    """History rows ``first``..``last`` (inclusive): what one change wrote."""

    first: int
    last: int


def mark(store) -> int:
    """The last history seq now: a change made next starts after it."""
    return store.scalar("SELECT COALESCE(MAX(seq), 0) FROM history")


def span_since(store, before: int) -> Span | None:
    """The history written since ``mark`` returned ``before``, or None if nothing was."""
    last = mark(store)
    return Span(before + 1, last) if last > before else None


def record(store, fn: Callable[[], Any]) -> tuple[Any, Span | None]:
    """Run a core write; returns its result and the span of history it wrote.

    One transaction around it (BEGIN IMMEDIATE): no other connection — a report being
    registered, an operation in the background — can write history inside the span, so
    undoing it never touches their work. ``fn`` must therefore not wait for the user."""
    with store.transaction():
        before = mark(store)
        result = fn()
        span = span_since(store, before)
    return result, span


@dataclass
class _Record:
    table: str
    row_id: str
    before: dict | None  # values before the span (None: the span created it)
    after: dict | None  # values the span left (None: the span removed it for good)


def _records(store, span: Span) -> list[_Record]:
    """Each record the span wrote, in the order first written, with its two states."""
    out: dict[tuple[str, str], _Record] = {}
    for h in store.query(
        "SELECT table_name, row_id, old, new FROM history_full WHERE seq BETWEEN ? AND ? ORDER BY seq",
        (span.first, span.last),
    ):
        key = (h["table_name"], h["row_id"])
        new = json.loads(h["new"]) if h["new"] else None
        if key not in out:
            out[key] = _Record(*key, json.loads(h["old"]) if h["old"] else None, new)
        out[key].after = new
    if not out:
        raise UserError(_("这次修改没有留下修改记录，无法撤销"))
    return list(out.values())


def _current(store, table: str, row_id: str) -> dict | None:
    rows = store.query(f"SELECT * FROM {table} WHERE id = ?", (row_id,))
    return rows[0] if rows else None


def _is(current: dict | None, state: dict | None) -> bool:
    """Whether the record now is in ``state`` (None: absent, or deleted since)."""
    if state is None:
        return current is None or current.get("deleted_at") is not None
    if current is None:
        return False
    return all(same_value(current.get(k), v) for k, v in state.items() if k != "updated_at" and k in current)


def same_value(current: Any, recorded: Any) -> bool:
    """Whether a column's value now is the one history recorded. The history triggers'
    json_object writes a REAL with 15 significant digits (66.66666666666667 → 66.6666666666667),
    so a float is compared as SQLite formats it, not bit for bit."""
    if current == recorded:
        return True
    if isinstance(current, float) and isinstance(recorded, (int, float)) and not isinstance(recorded, bool):
        return float(f"{current:.15g}") == recorded
    return False


def _refusal(store, rec: _Record, after: int, verb: str) -> UserError:
    what = TABLE_LABELS.get(rec.table, rec.table)
    name = name_of(_current(store, rec.table, rec.row_id) or rec.after or rec.before) or rec.row_id[:8]
    later = store.query(
        "SELECT at, operator, action FROM history WHERE table_name = ? AND row_id = ? AND seq > ? "
        "ORDER BY seq DESC LIMIT 1",
        (rec.table, rec.row_id, after),
    )
    when = ""
    if later:
        h = later[0]
        when = _("（最近一次：{0} {1}{2}）").format(
            local_time(h["at"]), h["operator"], ACTION_LABELS.get(h["action"], h["action"])
        )
    return UserError(
        _(
            "无法{0}：{1}“{2}”之后又被改动过{3}，{0}会丢掉这些改动，因此没有做任何修改。\n"
            "如需改回，请在修改记录中选择要恢复的版本。"
        ).format(verb, what, name, when)
    )


def _put(store, table: str, row_id: str, state: dict | None) -> None:
    """Make the record ``state``: written (inserted or updated), or deleted when None."""
    current = _current(store, table, row_id)
    now = store.now()
    _check_rules(store, table, state or {}, current)
    if state is None:
        if current is None or current.get("deleted_at") is not None:
            return
        if "deleted_at" in current:
            store.check_scope(table, {**current, "deleted_at": now}, old=current, changed={"deleted_at": now})
            store.conn.execute(f"UPDATE {table} SET deleted_at = ?, updated_at = ? WHERE id = ?", (now, now, row_id))
        else:
            store.conn.execute(f"DELETE FROM {table} WHERE id = ?", (row_id,))
        return
    values = {k: v for k, v in state.items() if current is None or k in current}
    values["updated_at"] = now
    if current is None:
        store.check_scope(table, values)
        values.setdefault("created_at", now)
        cols = ", ".join(values)
        store.conn.execute(
            f"INSERT INTO {table} ({cols}) VALUES ({', '.join('?' for _v in values)})", list(values.values())
        )
    else:
        values.pop("id", None)
        for k in [
            k
            for k, v in values.items()
            if k != "updated_at" and isinstance(current.get(k), float) and same_value(current[k], v)
        ]:
            del values[k]  # the full-precision value now, not history's 15-digit rounding of it
        changed = {k: v for k, v in values.items() if current.get(k) != v}
        store.check_scope(table, {**current, **values}, old=current, changed=changed)
        store.conn.execute(
            f"UPDATE {table} SET {', '.join(f'{k} = ?' for k in values)} WHERE id = ?", [*values.values(), row_id]
        )


def _check_rules(store, table: str, values: dict, current: dict | None) -> None:
    """The rules a direct write must still keep: a signed-off quarter stays locked."""
    if table == "observations":
        from ycdesk.periods import parse_period

        for period in {values.get("period"), (current or {}).get("period")} - {None}:
            store.indicators.check_unlocked(parse_period(period))


def _apply(store, span: Span, backwards: bool) -> Span | None:
    import sqlite3

    from ycdesk.store import _integrity_message

    store.check_writable()
    verb = _("撤销") if backwards else _("重做")
    try:
        # The write lock first, then read and check: a check made before BEGIN IMMEDIATE
        # could pass on a state another connection is just overwriting (lost update).
        with store.transaction():
            before = mark(store)
            records = _records(store, span)
            for rec in records:  # checked before anything is written
                if not _is(_current(store, rec.table, rec.row_id), rec.after if backwards else rec.before):
                    raise _refusal(store, rec, span.last, verb)
            for rec in reversed(records) if backwards else records:
                _put(store, rec.table, rec.row_id, rec.before if backwards else rec.after)
    except sqlite3.IntegrityError as exc:
        raise UserError(
            _("无法{0}：{1}").format(
                verb, _integrity_message(rec.table, exc, store, (rec.before if backwards else rec.after) or {})
            )
        ) from None
    return span_since(store, before)


def check_undo(store, span: Span) -> None:
    """Raise the refusal :func:`undo_change` would give, without changing anything."""
    for rec in _records(store, span):
        if not _is(_current(store, rec.table, rec.row_id), rec.after):
            raise _refusal(store, rec, span.last, _("撤销"))


def check_redo(store, span: Span) -> None:
    for rec in _records(store, span):
        if not _is(_current(store, rec.table, rec.row_id), rec.before):
            raise _refusal(store, rec, span.last, _("重做"))


def undo_change(store, span: Span) -> Span | None:
    """Put every record the change wrote back as it was before it, in one transaction;
    refuses (UserError naming the record, nothing changed) if any was changed since.
    Returns the span of history the undo itself wrote."""
    return _apply(store, span, backwards=True)


def redo_change(store, span: Span) -> Span | None:
    """Do an undone change again: every record as the change left it (same refusal)."""
    return _apply(store, span, backwards=False)


def version(store, seq: int, *, before: bool = True) -> dict:
    """The history entry ``seq`` with ``state``: the record's values before it (or after)."""
    rows = store.query("SELECT * FROM history_full WHERE seq = ?", (seq,))
    if not rows:
        raise UserError(_("修改记录不存在：{0}").format(seq))
    h = rows[0]
    raw = h["old"] if before else h["new"]
    return {**h, "state": json.loads(raw) if raw else None}


def restore_preview(store, seq: int, *, before: bool = True) -> str:
    """What :func:`restore_version` would do, in words: "恢复观测值“2025Q3”为 2026-12-02 17:26
    测试员删除之前的版本：值：5 → 6"."""
    from ycdesk.history_text import change_text

    h = version(store, seq, before=before)
    current = _current(store, h["table_name"], h["row_id"])
    if current is not None and current.get("deleted_at") is not None:
        current = None  # shown as coming back, with its values
    other = version(store, seq, before=not before)["state"]
    what = _("{0}“{1}”").format(TABLE_LABELS.get(h["table_name"], h["table_name"]), name_of(h["state"] or other))
    moment = _("{0} {1}{2}").format(local_time(h["at"]), h["operator"], ACTION_LABELS.get(h["action"], h["action"]))
    if h["state"] is None:
        head = _("删除{0}（{1}之前它还不存在）").format(what, moment)
    elif current is None:
        head = _("恢复已删除的{0}（{1}之前的版本）").format(what, moment)
    else:
        head = _("把{0}恢复为{1}{2}的版本").format(what, moment, _("之前") if before else _("之后"))
    detail = change_text(current, h["state"])
    return head + ("：\n" + detail if detail else "")


def restore_version(store, seq: int, *, before: bool = True) -> Span | None:
    """Bring the record of history entry ``seq`` back to its values before that entry
    (``before=False``: after it) — a deleted record comes back, an edit is reverted. The
    record's later history stays, and the restore is itself a change (undoable)."""
    import sqlite3

    from ycdesk.store import _integrity_message

    store.check_writable()
    h = version(store, seq, before=before)
    table, row_id, state = h["table_name"], h["row_id"], h["state"]
    try:
        with store.transaction():  # the lock before the check (see _apply)
            start = mark(store)
            if _is(_current(store, table, row_id), state):
                other = version(store, seq, before=not before)["state"]
                raise UserError(
                    _("{0}“{1}”已经是这个版本，无需恢复").format(
                        TABLE_LABELS.get(table, table), name_of(state or other)
                    )
                )
            _put(store, table, row_id, state)
    except sqlite3.IntegrityError as exc:
        raise UserError(_("无法恢复：{0}").format(_integrity_message(table, exc, store, state or {}))) from None
    return span_since(store, start)
