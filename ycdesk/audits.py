"""Hazardous-waste standardized-management audits: enterprises, audits and findings."""

from __future__ import annotations

from ycdesk.errors import UserError
from ycdesk.i18n import _
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
        return self.store.query(
            "SELECT * FROM enterprises WHERE deleted_at IS NULL ORDER BY name"
        )

    def with_enterprise(self) -> list[dict]:
        """Every audit with its enterprise's name, newest first (the notice picker)."""
        return self.store.query(
            """SELECT a.id, a.year, a.level, a.audit_date, e.name FROM audits a
               JOIN enterprises e ON e.id = a.enterprise_id
               WHERE a.deleted_at IS NULL ORDER BY a.year DESC, e.name""")

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
        reason = finding_reason(row, audit_year=audit["year"], inspected=audit["audit_date"],
                                categories=self.store.findings.categories(), today=self.store.today())
        if reason:
            raise UserError(reason)
        if row_id:
            row["id"] = row_id
        return self.store.insert("findings", row)
