"""A duplicate refused by a unique index, said the way the user sees it: which record is
already there and what to do ("指标“空气优良率”全区 2025Q3 已有观测值，请修改已有记录或更换期次")
rather than the index's columns."""

from __future__ import annotations

import sqlite3

from ycdesk.history_text import TABLE_LABELS, field_label, name_of
from ycdesk.i18n import _


def _parent_name(store, column: str, value) -> str:
    """The name of the record an ``x_id`` column points to (its table is ``xs``)."""
    table = column[:-3] + "s"
    try:
        rows = store.query(f"SELECT * FROM {table} WHERE id = ?", (value,))
    except sqlite3.OperationalError:  # not a table: show the id as it is
        return str(value)
    return name_of(rows[0]) if rows else str(value)


def duplicate_message(store, table: str, columns: list[str], row: dict) -> str:
    """The message for a new or changed ``row`` of ``table`` that repeats ``columns`` of a record."""
    values = {c: row.get(c) for c in columns}
    if table == "observations" and {"indicator_id", "period"} <= set(values):
        return _("指标“{0}”{1} {2} 已有观测值，请修改已有记录或更换期次").format(
            _parent_name(store, "indicator_id", values["indicator_id"]), values.get("scope") or "", values["period"]
        )
    if table == "investments" and {"project_id", "period"} <= set(values):
        return _("项目“{0}”{1} 已填报投资进展，请修改已有记录或更换期间").format(
            _parent_name(store, "project_id", values["project_id"]), values["period"]
        )
    if table == "enterprises" and "uscc" in values:
        other = store.query("SELECT name FROM enterprises WHERE uscc = ? AND deleted_at IS NULL", (values["uscc"],))
        return _("统一社会信用代码 {0} 已属于企业“{1}”，请核对代码，或修改已有企业").format(
            values["uscc"], other[0]["name"] if other else ""
        )
    if table == "period_locks":
        return _("{0}已签收锁定").format(values.get("period", ""))
    what = "、".join(
        _("{0}“{1}”").format(
            TABLE_LABELS.get(c[:-3] + "s", field_label(c)) if c.endswith("_id") else field_label(c),
            _parent_name(store, c, v) if c.endswith("_id") else v,
        )
        for c, v in values.items()
    )
    last = columns[-1]
    return _("{0}中已有{1}的记录，请修改已有记录或更换{2}").format(
        TABLE_LABELS.get(table, table), what, field_label(last)
    )
