"""Audit findings from discovery to closure (销号): lifecycle, deadlines, evidence, rates.

Lifecycle: 待整改 → 整改中 → 已整改（待验收）→ 已销号. Closing needs a rectified date, a
verifier and a verification date; sending a finding back (已整改/已销号 → 整改中) needs a
reason. Every move is a ``finding_events`` row and, through the triggers, history.

Overdue and due-soon are derived from the deadline and an as-of date, never stored: a
finding whose deadline is today is due (0 days left), not overdue.
"""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from ycdesk.errors import UserError
from ycdesk.i18n import _

OPEN = ("待整改", "整改中")
RECTIFIED = ("已整改", "已销号")
TRANSITIONS = {
    "待整改": ("整改中", "已整改"),
    "整改中": ("已整改",),
    "已整改": ("已销号", "整改中"),
    "已销号": ("整改中",),
}
NEEDS_REASON = {("已整改", "整改中"), ("已销号", "整改中")}
DUE_SOON_DAYS = 7
AGE_BUCKETS = ("≤30天", "31–90天", ">90天")
RATE_TARGETS = {"产生": 96, "经营": 100}  # 规范化管理达标率 targets in the plan's text


def due_state(finding: dict, as_of: date, soon_days: int = DUE_SOON_DAYS) -> str | None:
    """'overdue', 'due_soon' or None for ``finding`` on ``as_of``."""
    if finding["status"] not in OPEN or not finding.get("deadline"):
        return None
    deadline = date.fromisoformat(finding["deadline"])
    if deadline < as_of:
        return "overdue"
    if deadline <= as_of + timedelta(days=soon_days):
        return "due_soon"
    return None


def age_bucket(days_overdue: int) -> str:
    return AGE_BUCKETS[0] if days_overdue <= 30 else AGE_BUCKETS[1] if days_overdue <= 90 else AGE_BUCKETS[2]


def _date(text: str | None, label: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(str(text).strip())
    except ValueError:
        raise UserError(_("{0}“{1}”应写作 YYYY-MM-DD").format(label, text)) from None


@dataclass
class FindingFilter:
    year: int | None = None
    level: str | None = None
    township_id: str | None = None
    enterprise_id: str | None = None
    category: str | None = None
    status: str | None = None
    due: str | None = None  # overdue | due_soon
    text: str | None = None
    as_of: date = field(default_factory=date.today)
    soon_days: int = DUE_SOON_DAYS
    audit_from: str | None = None  # audit date range, YYYY-MM-DD inclusive (reports)
    audit_to: str | None = None

    def where(self) -> tuple[str, list]:
        """Conditions on ``findings f`` alone: audit, enterprise and township filters become
        an ``audit_id IN (…)`` over the few hundred audits, so no count or page has to join
        a million rows."""
        clauses, params = ["f.deleted_at IS NULL"], []
        audit_clauses, audit_params = [], []
        for column, value in (("a.year", self.year), ("a.level", self.level),
                              ("e.township_id", self.township_id), ("a.enterprise_id", self.enterprise_id)):
            if value not in (None, ""):
                audit_clauses.append(f"{column} = ?")
                audit_params.append(value)
        for op, value in ((">=", self.audit_from), ("<=", self.audit_to)):
            if value:
                audit_clauses.append(f"a.audit_date {op} ?")
                audit_params.append(value)
        if audit_clauses:
            clauses.append(f"f.audit_id IN ({AUDITS_WHERE} {' AND '.join(audit_clauses)})")
            params += audit_params
        for column, value in (("f.category", self.category), ("f.status", self.status)):
            if value not in (None, ""):
                clauses.append(f"{column} = ?")
                params.append(value)
        if self.due in ("overdue", "due_soon"):
            clauses.append("f.status IN ('待整改','整改中')")
            if self.due == "overdue":
                clauses.append("f.deadline < ?")
                params.append(self.as_of.isoformat())
            else:
                clauses.append("f.deadline BETWEEN ? AND ?")
                params += [self.as_of.isoformat(), (self.as_of + timedelta(days=self.soon_days)).isoformat()]
        if self.text:
            # instr() is a plain substring test: right for Chinese, no tokeniser needed.
            clauses.append(f"(instr(f.description, ?) > 0 OR f.audit_id IN ({AUDITS_WHERE} instr(e.name, ?) > 0))")
            params += [self.text, self.text]
        return " AND ".join(clauses), params


AUDITS_WHERE = ("SELECT a.id FROM audits a JOIN enterprises e ON e.id = a.enterprise_id "
                "WHERE a.deleted_at IS NULL AND")
# CROSS JOIN keeps findings as the outer loop: pages walk findings by rowid and look up
# their audit and enterprise, instead of the planner starting from the small tables.
FROM = """FROM findings f
    CROSS JOIN audits a ON a.id = f.audit_id
    CROSS JOIN enterprises e ON e.id = a.enterprise_id
    LEFT JOIN townships t ON t.id = e.township_id"""
COLUMNS = """f.rowid AS rk, f.id, f.category, f.description, f.severity, f.requirement, f.deadline,
    f.responsible, f.status, f.rectified_date, f.verifier, f.verified_date, f.note, f.audit_id,
    a.year, a.level, a.audit_date, e.id AS enterprise_id, e.name AS enterprise, e.uscc,
    t.name AS township"""


class Findings:
    def __init__(self, store) -> None:
        self.store = store

    # -- reading ----------------------------------------------------------------------

    def page(self, flt: FindingFilter, after: int = 0, limit: int = 200) -> list[dict]:
        """The next ``limit`` findings after row key ``after`` ("rows after the last key")."""
        where, params = flt.where()
        return self.store.query(
            f"SELECT {COLUMNS} {FROM} WHERE {where} AND f.rowid > ? ORDER BY f.rowid LIMIT ?",
            [*params, after, limit],
        )

    def count(self, flt: FindingFilter) -> int:
        where, params = flt.where()
        return self.store.scalar(f"SELECT COUNT(*) FROM findings f WHERE {where}", params)

    def get(self, finding_id: str) -> dict:
        rows = self.store.query(f"SELECT {COLUMNS} {FROM} WHERE f.id = ?", (finding_id,))
        if not rows:
            raise UserError(_("问题记录不存在：{0}").format(finding_id))
        return rows[0]

    def categories(self) -> list[str]:
        """The checklist of finding categories (configurable; seeded with the official items)."""
        return [r["name"] for r in self.store.query(
            "SELECT name FROM finding_categories WHERE deleted_at IS NULL ORDER BY position")]

    def add_category(self, name: str) -> str:
        name = (name or "").strip()
        if not name:
            raise UserError(_("问题类别名称不能为空"))
        position = (self.store.scalar("SELECT MAX(position) FROM finding_categories") or 0) + 1
        return self.store.insert("finding_categories", {"name": name, "position": position})

    def remove_category(self, name: str) -> None:
        """Retire a category from the checklist; findings already filed keep it."""
        row = self.store.query(
            "SELECT id FROM finding_categories WHERE name = ? AND deleted_at IS NULL", (name,))
        if not row:
            raise UserError(_("问题类别“{0}”不在清单中").format(name))
        self.store.soft_delete("finding_categories", row[0]["id"])

    @property
    def soon_days(self) -> int:
        """Days before a deadline that count as 即将到期 (workspace setting, default 7)."""
        try:
            return int(self.store.meta("due_soon_days", str(DUE_SOON_DAYS)))
        except ValueError:
            return DUE_SOON_DAYS

    def set_soon_days(self, days: int) -> None:
        if not 0 <= int(days) <= 365:
            raise UserError(_("到期提醒天数应在0到365之间"))
        self.store.set_meta("due_soon_days", str(int(days)))

    def per_audit(self, flt: FindingFilter | None = None) -> dict[str, dict]:
        """Counts per audit from the covering index: found, rectified, closed, open, overdue."""
        flt = flt or FindingFilter()
        where, params = flt.where()
        rows = self.store.query(
            f"""SELECT f.audit_id, COUNT(*) AS found,
                   SUM(f.status IN ('已整改','已销号')) AS rectified,
                   SUM(f.status = '已销号') AS closed,
                   SUM(f.status IN ('待整改','整改中')) AS open,
                   SUM(f.status IN ('待整改','整改中') AND f.deadline < ?) AS overdue
                FROM findings f WHERE {where} GROUP BY f.audit_id""",
            [flt.as_of.isoformat(), *params])
        return {r["audit_id"]: r for r in rows}

    def years(self) -> list[int]:
        return [r["year"] for r in self.store.query(
            "SELECT DISTINCT year FROM audits WHERE deleted_at IS NULL ORDER BY year")]

    # -- lifecycle ----------------------------------------------------------------------

    def allowed(self, finding: dict) -> tuple[str, ...]:
        return TRANSITIONS.get(finding["status"], ())

    def transition(self, finding_id: str, to: str, *, rectified_date: str | None = None,
                   verifier: str | None = None, verified_date: str | None = None,
                   reason: str | None = None, today: date | None = None) -> None:
        finding = self.store.get("findings", finding_id)
        current = finding["status"]
        if to not in self.allowed(finding):
            raise UserError(_("问题当前为“{0}”，不能直接改为“{1}”").format(current, to))
        today = today or date.today()
        changes: dict = {"status": to}
        reason = (reason or "").strip() or None
        if (current, to) in NEEDS_REASON and not reason:
            raise UserError(_("将“{0}”的问题退回“整改中”需要填写原因").format(current))
        if to == "已整改":
            done = _date(rectified_date or finding["rectified_date"], _("整改完成日期"))
            if done is None:
                raise UserError(_("标记为已整改需要填写整改完成日期"))
            if done > today:
                raise UserError(_("整改完成日期{0}晚于今天").format(done))
            changes["rectified_date"] = done.isoformat()
        if to == "已销号":
            checked = _date(verified_date, _("验收日期"))
            who = (verifier or "").strip()
            if not (finding["rectified_date"] and who and checked):
                raise UserError(_("销号需要整改完成日期、验收人和验收日期"))
            if checked < date.fromisoformat(finding["rectified_date"]):
                raise UserError(_("验收日期{0}早于整改完成日期{1}").format(checked, finding["rectified_date"]))
            if checked > today:
                raise UserError(_("验收日期{0}晚于今天").format(checked))
            changes.update(verifier=who, verified_date=checked.isoformat())
        if to == "整改中" and current in RECTIFIED:
            # Sent back: the earlier rectification and verification no longer stand.
            changes.update(rectified_date=None, verifier=None, verified_date=None)
        with self.store.transaction():
            self.store.update("findings", finding_id, changes)
            self.store.insert("finding_events", {
                "finding_id": finding_id, "from_status": current, "to_status": to,
                "reason": reason, "operator": self.store.operator})

    def events(self, finding_id: str) -> list[dict]:
        return self.store.query(
            "SELECT * FROM finding_events WHERE finding_id = ? AND deleted_at IS NULL "
            "ORDER BY created_at, rowid", (finding_id,))

    # -- evidence -----------------------------------------------------------------------

    @property
    def files_dir(self) -> Path:
        return self.store.path.parent / (self.store.path.name + ".files")

    def attach(self, finding_id: str, source: str | Path) -> str:
        """Copy a file into the workspace's evidence folder, addressed by its SHA-256."""
        self.store.get("findings", finding_id)
        source = Path(source)
        if not source.is_file():
            raise UserError(_("找不到文件：{0}").format(source))
        digest = hashlib.sha256()
        with open(source, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
        sha = digest.hexdigest()
        target = self.files_dir / sha[:2] / sha
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_suffix(".part")
            shutil.copyfile(source, tmp)
            tmp.replace(target)
        version = 1 + (self.store.scalar(
            "SELECT MAX(version) FROM attachments WHERE finding_id = ? AND original_name = ? "
            "AND deleted_at IS NULL", (finding_id, source.name)) or 0)
        return self.store.insert("attachments", {
            "finding_id": finding_id, "original_name": source.name, "sha256": sha,
            "size": source.stat().st_size, "version": version, "operator": self.store.operator})

    def attachments(self, finding_id: str) -> list[dict]:
        return self.store.query(
            "SELECT * FROM attachments WHERE finding_id = ? AND deleted_at IS NULL "
            "ORDER BY original_name, version", (finding_id,))

    def attachment_path(self, attachment: dict) -> Path:
        return self.files_dir / attachment["sha256"][:2] / attachment["sha256"]

    def verify(self, attachment: dict) -> bool:
        path = self.attachment_path(attachment)
        if not path.exists():
            return False
        return hashlib.sha256(path.read_bytes()).hexdigest() == attachment["sha256"]

    # -- deadlines, ageing, rates ------------------------------------------------------------

    def ageing(self, as_of: date, township_id: str | None = None) -> dict[str, int]:
        flt = FindingFilter(due="overdue", as_of=as_of, township_id=township_id)
        where, params = flt.where()
        buckets = dict.fromkeys(AGE_BUCKETS, 0)
        for r in self.store.query(
            f"SELECT CAST(julianday(?) - julianday(f.deadline) AS INTEGER) AS days, COUNT(*) AS n "
            f"{FROM} WHERE {where} GROUP BY days", [as_of.isoformat(), *params]):
            buckets[age_bucket(r["days"])] += r["n"]
        return buckets

    def due_counts(self, as_of: date, soon_days: int | None = None) -> dict[str, int]:
        soon_days = self.soon_days if soon_days is None else soon_days
        return {due: self.count(FindingFilter(due=due, as_of=as_of, soon_days=soon_days))
                for due in ("overdue", "due_soon")}

    def rates(self, as_of: date, year: int | None = None, level: str | None = None,
              township_id: str | None = None) -> dict:
        flt = FindingFilter(year=year, level=level, township_id=township_id, as_of=as_of)
        counts = self.per_audit(flt)
        totals = {k: sum(c[k] or 0 for c in counts.values())
                  for k in ("found", "rectified", "closed", "open", "overdue")}
        where, params = flt.where()
        days = self.store.scalar(
            f"""SELECT AVG(julianday(f.rectified_date) - julianday(a.audit_date))
                FROM findings f CROSS JOIN audits a ON a.id = f.audit_id
                WHERE {where} AND f.rectified_date IS NOT NULL AND a.audit_date IS NOT NULL""", params)
        audit_where = ["a.deleted_at IS NULL"]
        audit_params: list = []
        for column, value in (("a.year", year), ("a.level", level), ("e.township_id", township_id)):
            if value not in (None, ""):
                audit_where.append(f"{column} = ?")
                audit_params.append(value)
        audits = self.store.query(
            f"SELECT a.enterprise_id, a.result, e.role FROM audits a JOIN enterprises e "
            f"ON e.id = a.enterprise_id WHERE {' AND '.join(audit_where)}", audit_params)
        found = totals["found"]
        out = {
            "units": len({a["enterprise_id"] for a in audits}), **totals,
            "rectification_rate": None if not found else round(100 * totals["rectified"] / found, 1),
            "avg_days_to_rectify": None if days is None else round(days, 1),
        }
        for role, target in RATE_TARGETS.items():
            judged = [a for a in audits if a["result"] and a["role"] and role in a["role"]]
            passed = sum(1 for a in judged if a["result"] == "达标")
            out[f"pass_rate_{role}"] = None if not judged else round(100 * passed / len(judged), 1)
            out[f"pass_target_{role}"] = target
        return out

    def repeat_ids(self, enterprise_id: str | None = None, ids: list[str] | None = None) -> set[str]:
        """Findings whose enterprise had a finding of the same category in an earlier year.

        ``ids`` limits the check to those findings (a loaded page of a large table)."""
        extra, params = "", []
        if enterprise_id:
            extra, params = "AND a.enterprise_id = ?", [enterprise_id]
        if ids is not None:
            if not ids:
                return set()
            extra += f" AND f.id IN ({','.join('?' * len(ids))})"
            params += list(ids)
        return {r["id"] for r in self.store.query(
            f"""SELECT f.id FROM findings f JOIN audits a ON a.id = f.audit_id
                WHERE f.deleted_at IS NULL {extra} AND EXISTS (
                  SELECT 1 FROM audits a2 WHERE a2.enterprise_id = a.enterprise_id
                    AND a2.year < a.year AND a2.deleted_at IS NULL AND EXISTS (
                      SELECT 1 FROM findings f2 WHERE f2.audit_id = a2.id
                        AND f2.category = f.category AND f2.deleted_at IS NULL))""", params)}

    def by_township_open(self, as_of: date, counts: dict | None = None) -> list[dict]:
        """Open and overdue findings per township (``counts``: a :meth:`per_audit` result to reuse)."""
        counts = self.per_audit(FindingFilter(as_of=as_of)) if counts is None else counts
        towns: dict[str, dict] = {}
        for a in self.store.query(
            "SELECT a.id, COALESCE(t.name, '未填镇街') AS township FROM audits a "
            "JOIN enterprises e ON e.id = a.enterprise_id LEFT JOIN townships t ON t.id = e.township_id "
            "WHERE a.deleted_at IS NULL"):
            c = counts.get(a["id"])
            if c and c["open"]:
                town = towns.setdefault(a["township"], {"township": a["township"], "open": 0, "overdue": 0})
                town["open"] += c["open"]
                town["overdue"] += c["overdue"]
        return sorted(towns.values(), key=lambda t: -t["open"])
