"""Who may write what: the scope rule of a workspace (the district's, or one township's).

A district workspace (全区) writes everything. A township workspace writes only its own
scope: observations of its township; rectification work on findings of its enterprises
(lifecycle events up to 已整改, evidence, notes); investment progress of projects marked
with its township. 销号 and 退回 are the district's decisions. Everything else is read-only
there.

One rule for every way a row arrives: the core API (``Store.insert``/``update``), the
importer and exchange packages all ask :func:`write_reason`. The functions take any
connection with ``execute(sql, params).fetchone()`` — Python's ``sqlite3`` in the app,
apsw in the exchange child process — and never open one themselves.
"""

from __future__ import annotations

from ycdesk.i18n import _

DISTRICT = "district"
TOWNSHIP = "township"

# The tables a township writes, and how a row of each finds its township.
_TOWNSHIP_OF = {
    "observations": None,  # its own township_id column
    "investments": "SELECT township_id FROM projects WHERE id = ?",
    "findings": ("SELECT e.township_id FROM audits a JOIN enterprises e ON e.id = a.enterprise_id WHERE a.id = ?"),
    "finding_events": (
        "SELECT e.township_id FROM findings f JOIN audits a ON a.id = f.audit_id "
        "JOIN enterprises e ON e.id = a.enterprise_id WHERE f.id = ?"
    ),
    "attachments": (
        "SELECT e.township_id FROM findings f JOIN audits a ON a.id = f.audit_id "
        "JOIN enterprises e ON e.id = a.enterprise_id WHERE f.id = ?"
    ),
}
TOWNSHIP_WRITES = frozenset(_TOWNSHIP_OF)
_PARENT = {
    "investments": "project_id",
    "findings": "audit_id",
    "finding_events": "finding_id",
    "attachments": "finding_id",
}
# What rectification work changes on a finding row (status only forward, to 已整改).
FINDING_WORK = frozenset({"status", "rectified_date", "responsible", "note", "updated_at"})
TOWNSHIP_STATUSES = ("待整改", "整改中", "已整改")
RECTIFIED = ("已整改", "已销号")
# Tables that stay in the workspace that made them: never exchanged, written anywhere.
LOCAL = frozenset(
    {
        "issued_reports",
        "meta",
        "import_batches",
        "import_changes",
        "exchange_peers",
        "exchange_packages",
        "exchange_rows",
        "exchange_conflicts",
    }
)


class Role:
    """The workspace's role: ``kind`` is DISTRICT or TOWNSHIP; a township's id and name."""

    __slots__ = ("kind", "township_id", "township")

    def __init__(self, kind: str = DISTRICT, township_id: str | None = None, township: str | None = None):
        self.kind, self.township_id, self.township = kind, township_id, township

    @property
    def is_township(self) -> bool:
        return self.kind == TOWNSHIP

    def __repr__(self) -> str:
        return f"Role({self.kind!r}, {self.township!r})"


def row_township(conn, table: str, row: dict):
    """The township id ``row`` of ``table`` belongs to (None: district-wide or unknown parent)."""
    if table == "observations":
        return row.get("township_id")
    sql = _TOWNSHIP_OF.get(table)
    if sql is None:
        return None
    found = conn.execute(sql, (row.get(_PARENT[table]),)).fetchone()
    return found[0] if found else None


def describe(table: str, row: dict) -> str:
    """A row named for a message: its table in Chinese and its id."""
    names = {
        "observations": "指标观测值",
        "investments": "投资进展",
        "findings": "考核问题",
        "finding_events": "整改记录",
        "attachments": "整改佐证",
        "enterprises": "企业",
        "audits": "考核",
        "projects": "项目",
        "indicators": "指标",
    }
    return _("{0}（{1}）").format(names.get(table, table), row.get("id") or "")


def write_reason(conn, role: Role, table: str, row: dict, *, old: dict | None = None, changed=None) -> str | None:
    """Why a workspace with ``role`` may not write ``row`` into ``table``, or None.

    ``row`` is the row as it would stand (for an update: the old row with the changes);
    ``old`` the row before an update; ``changed`` the columns an update sets."""
    if not role.is_township or table in LOCAL:
        return None
    where = role.township
    if table not in _TOWNSHIP_OF:
        return _("{0}的工作区只能填报本镇街的数据，“{1}”由区里维护").format(where, describe(table, row))
    if table == "findings" and old is None:
        return _("{0}的工作区不能新增考核问题，考核和问题由区里录入").format(where)
    owner = row_township(conn, table, row)
    if owner != role.township_id or (old is not None and row_township(conn, table, old) != role.township_id):
        return _("{0}的工作区只能填报本镇街的数据：{1}不属于{0}").format(where, describe(table, row))
    if table == "findings":
        if "status" in (changed or ()) and (
            row.get("status") not in TOWNSHIP_STATUSES
            or (old is not None and old.get("status") in RECTIFIED and row.get("status") != old.get("status"))
        ):
            return _("销号和退回由区里决定，{0}的工作区不能把问题改为“{1}”").format(where, row.get("status"))
        extra = sorted(set(changed or ()) - FINDING_WORK - {"deleted_at"})
        if extra or (changed and "deleted_at" in changed):
            return _("{0}的工作区只能记录整改情况，不能修改考核问题的{1}").format(
                where, "、".join(extra or ["deleted_at"])
            )
    if table == "finding_events":
        if row.get("to_status") not in TOWNSHIP_STATUSES or row.get("from_status") in RECTIFIED:
            return _("销号和退回由区里决定，{0}的工作区不能记录“{1}”→“{2}”").format(
                where, row.get("from_status"), row.get("to_status")
            )
    return None


def load_role(conn) -> Role:
    """The role stored in the workspace's meta (a workspace with none is the district's)."""

    def meta(key):
        found = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return found[0] if found else None

    if meta("exchange_role") == TOWNSHIP:
        return Role(TOWNSHIP, meta("exchange_township_id"), meta("exchange_township"))
    return Role()
