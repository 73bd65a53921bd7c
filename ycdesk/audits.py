"""Hazardous-waste standardized-management audits: enterprises, audits and findings."""

from __future__ import annotations

from ycdesk.errors import UserError
from ycdesk.i18n import _
from ycdesk.rules import blank_to_none, deletion_reason
from ycdesk.rules.audits import LEVELS, RESULTS, ROLES, audit_reason, enterprise_code, enterprise_reason
from ycdesk.rules.findings import FINDING_STATUSES, finding_reason

__all__ = ["FINDING_STATUSES", "LEVELS", "RESULTS", "ROLES", "Audits"]


class Audits:
    def __init__(self, store) -> None:
        self.store = store

    # -- enterprises --------------------------------------------------------------------

    def add_enterprise(self, record: dict, *, row_id: str | None = None) -> str:
        row = dict(record, name=(record.get("name") or "").strip())
        reason = enterprise_reason(row)
        code, warning, code_reason = enterprise_code(record.get("uscc"))
        if reason or code_reason:
            raise UserError(reason or code_reason)
        if record.get("uscc"):
            holder = self.store.query("SELECT name FROM enterprises WHERE uscc = ? AND deleted_at IS NULL", (code,))
            if holder:
                raise UserError(_("统一社会信用代码{0}已登记为“{1}”，请直接选用该企业").format(code, holder[0]["name"]))
            row.update(uscc=code, uscc_warning=warning)
        if row_id:
            row["id"] = row_id
        return self.store.insert("enterprises", row)

    def enterprises(self) -> list[dict]:
        return self.store.query("SELECT * FROM enterprises WHERE deleted_at IS NULL ORDER BY name")

    def with_enterprise(self) -> list[dict]:
        """Every audit with its enterprise's name, newest first (the notice picker)."""
        return self.store.query(
            """SELECT a.id, a.year, a.level, a.audit_date, e.name FROM audits a
               JOIN enterprises e ON e.id = a.enterprise_id
               WHERE a.deleted_at IS NULL ORDER BY a.year DESC, e.name"""
        )

    def reported_aggregates(self) -> list[dict]:
        """The units / found / rectified figures the plan itself reports per year and level."""
        return self.store.query("SELECT * FROM audit_aggregates WHERE deleted_at IS NULL ORDER BY year, level")

    # -- audits and findings --------------------------------------------------------------

    def add_audit(self, record: dict, *, row_id: str | None = None) -> str:
        reason = audit_reason(record, self.store.today())
        if reason:
            raise UserError(reason)
        self.store.get("enterprises", record["enterprise_id"])
        row = dict(record)
        if row_id:
            row["id"] = row_id
        return self.store.insert("audits", row)

    def add_finding(self, record: dict, *, row_id: str | None = None) -> str:
        audit = self.store.get("audits", record["audit_id"])
        row = dict(record, status=record.get("status") or "待整改")
        reason = finding_reason(
            row,
            audit_year=audit["year"],
            inspected=audit["audit_date"],
            categories=self.store.findings.categories(),
            today=self.store.today(),
        )
        if reason:
            raise UserError(reason)
        if row_id:
            row["id"] = row_id
        return self.store.insert("findings", row)

    # -- editing, deleting, restoring -----------------------------------------------------
    # Same validators as add_* and the importer; deletions are soft, with a reason, and
    # restore brings the row back as it was.

    def update_enterprise(self, enterprise_id: str, changes: dict) -> None:
        current = self.store.get("enterprises", enterprise_id)
        row = {**current, **{k: blank_to_none(v) for k, v in changes.items()}}
        row["name"] = (row.get("name") or "").strip()
        reason = enterprise_reason(row)
        code, warning, code_reason = enterprise_code(row.get("uscc"))
        if reason or code_reason:
            raise UserError(reason or code_reason)
        if code:
            holder = self.store.query(
                "SELECT name FROM enterprises WHERE uscc = ? AND id != ? AND deleted_at IS NULL", (code, enterprise_id)
            )
            if holder:
                raise UserError(_("统一社会信用代码{0}已登记为“{1}”，不能重复登记").format(code, holder[0]["name"]))
        row.update(uscc=code, uscc_warning=warning)
        self.store.update(
            "enterprises",
            enterprise_id,
            {k: row[k] for k in ENTERPRISE_FIELDS + ("uscc_warning",) if row.get(k) != current.get(k)},
        )

    def delete_enterprise(self, enterprise_id: str, reason: str) -> None:
        ent = self.store.get("enterprises", enterprise_id)
        live = self.store.scalar(
            "SELECT COUNT(*) FROM audits WHERE enterprise_id = ? AND deleted_at IS NULL", (enterprise_id,)
        )
        if live:
            raise UserError(_("企业“{0}”还有{1}次考核记录，请先删除这些考核").format(ent["name"], live))
        self.store.update(
            "enterprises",
            enterprise_id,
            {"deleted_at": self.store.now(), "deleted_reason": deletion_reason(reason, _("删除企业"))},
        )

    def restore_enterprise(self, enterprise_id: str) -> None:
        ent = self.store.get("enterprises", enterprise_id, include_deleted=True)
        if ent["uscc"] and self.store.query(
            "SELECT 1 FROM enterprises WHERE uscc = ? AND id != ? AND deleted_at IS NULL", (ent["uscc"], enterprise_id)
        ):
            raise UserError(_("统一社会信用代码{0}已被另一家企业使用，不能恢复“{1}”").format(ent["uscc"], ent["name"]))
        self.store.restore("enterprises", enterprise_id)

    def audits_of(self, enterprise_id: str | None = None) -> list[dict]:
        """Audits (not deleted) with their enterprise's name, newest first."""
        where, params = "a.deleted_at IS NULL", []
        if enterprise_id:
            where += " AND a.enterprise_id = ?"
            params.append(enterprise_id)
        return self.store.query(
            f"""SELECT a.*, e.name AS enterprise FROM audits a JOIN enterprises e ON e.id = a.enterprise_id
                WHERE {where} ORDER BY a.year DESC, a.audit_date DESC, e.name""",
            params,
        )

    def get_audit(self, audit_id: str) -> dict:
        """One audit (not deleted) with its enterprise's name."""
        rows = self.store.query(
            "SELECT a.*, e.name AS enterprise FROM audits a JOIN enterprises e "
            "ON e.id = a.enterprise_id WHERE a.id = ? AND a.deleted_at IS NULL",
            (audit_id,),
        )
        if not rows:
            raise UserError(_("考核记录不存在或已删除：{0}").format(audit_id))
        return rows[0]

    def update_audit(self, audit_id: str, changes: dict) -> None:
        """Correct an audit. Its findings are judged again against the new year and
        inspection date (a deadline may not fall before the inspection), so an edit cannot
        leave a finding that the importer would refuse."""
        current = self.store.get("audits", audit_id)
        cleaned = {k: blank_to_none(v) for k, v in changes.items()}
        unknown = set(cleaned) - set(AUDIT_FIELDS)
        if unknown:
            raise UserError(_("考核的“{0}”不能修改").format("、".join(sorted(unknown))))
        row = {**current, **cleaned}
        reason = audit_reason(row, self.store.today())
        if reason:
            raise UserError(reason)
        self.store.get("enterprises", row["enterprise_id"])
        if row["year"] != current["year"] or row["audit_date"] != current["audit_date"]:
            categories = self.store.findings.categories() + [
                r["category"]
                for r in self.store.query(
                    "SELECT DISTINCT category FROM findings WHERE audit_id = ? AND deleted_at IS NULL", (audit_id,)
                )
            ]
            for f in self.store.query("SELECT * FROM findings WHERE audit_id = ? AND deleted_at IS NULL", (audit_id,)):
                failure = finding_reason(
                    f,
                    audit_year=row["year"],
                    inspected=row["audit_date"],
                    categories=categories,
                    today=self.store.today(),
                    stored=f,
                )
                if failure:
                    raise UserError(_("该考核的问题“{0}”：{1}").format(f["description"][:20], failure))
        self.store.update("audits", audit_id, {k: v for k, v in cleaned.items() if v != current[k]})

    def delete_audit(self, audit_id: str, reason: str) -> None:
        """Soft-delete an audit and its findings (the lists, counts and figures read the
        findings' own deletion), all with the one reason and time; :meth:`restore_audit`
        brings back exactly those findings."""
        self.store.get("audits", audit_id)
        reason = deletion_reason(reason, _("删除考核"))
        now = self.store.now()
        with self.store.transaction():
            for f in self.store.query("SELECT id FROM findings WHERE audit_id = ? AND deleted_at IS NULL", (audit_id,)):
                self.store.update("findings", f["id"], {"deleted_at": now, "deleted_reason": reason})
            self.store.update("audits", audit_id, {"deleted_at": now, "deleted_reason": reason})

    def restore_audit(self, audit_id: str) -> None:
        """Bring back an audit and the findings deleted with it (not those deleted before)."""
        audit = self.store.get("audits", audit_id, include_deleted=True)
        if audit["deleted_at"] is None:
            return
        try:
            self.store.get("enterprises", audit["enterprise_id"])
        except UserError:
            raise UserError(_("该考核所属的企业已删除，请先恢复企业")) from None
        with self.store.transaction():
            self.store.restore("audits", audit_id)
            for f in self.store.query(
                "SELECT id FROM findings WHERE audit_id = ? AND deleted_at = ?", (audit_id, audit["deleted_at"])
            ):
                self.store.restore("findings", f["id"])

    def deleted(self, kind: str, limit: int = 500) -> list[dict]:
        """Deleted audits or enterprises (``kind``: "audits" / "enterprises"), newest first."""
        if kind == "enterprises":
            return self.store.query(
                "SELECT id, name, uscc, deleted_at, deleted_reason FROM enterprises "
                "WHERE deleted_at IS NOT NULL ORDER BY deleted_at DESC LIMIT ?",
                (limit,),
            )
        return self.store.query(
            """SELECT a.id, a.year, a.level, a.audit_date, a.deleted_at, a.deleted_reason, e.name AS enterprise
               FROM audits a JOIN enterprises e ON e.id = a.enterprise_id
               WHERE a.deleted_at IS NOT NULL ORDER BY a.deleted_at DESC LIMIT ?""",
            (limit,),
        )


ENTERPRISE_FIELDS = ("name", "uscc", "township_id", "role", "industry", "contact")
AUDIT_FIELDS = ("enterprise_id", "year", "level", "audit_date", "auditors", "score", "result")
