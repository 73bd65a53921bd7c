"""Hazardous-waste standardized-management audits: enterprises, audits and findings."""

from __future__ import annotations

from datetime import date

from ycdesk.errors import UserError
from ycdesk.i18n import _
from ycdesk.uscc import validate

LEVELS = ("市级", "区级")
ROLES = ("产生", "经营", "产生和经营")
RESULTS = ("达标", "基本达标", "不达标")
STATUSES = ("待整改", "整改中", "已整改", "已销号")



class Audits:
    def __init__(self, store) -> None:
        self.store = store

    # -- enterprises --------------------------------------------------------------------

    def add_enterprise(self, record: dict, *, row_id: str | None = None) -> str:
        name = (record.get("name") or "").strip()
        if not name:
            raise UserError(_("企业名称不能为空"))
        row = dict(record, name=name)
        if record.get("uscc"):
            check = validate(record["uscc"])
            if check.error:
                raise UserError(check.error)
            row["uscc"] = check.code
            row["uscc_warning"] = check.warning
        if row.get("role") not in (None, *ROLES):
            raise UserError(_("企业类型应为{0}之一").format("、".join(ROLES)))
        if row_id:
            row["id"] = row_id
        return self.store.insert("enterprises", row)

    def enterprises(self) -> list[dict]:
        return self.store.query(
            "SELECT * FROM enterprises WHERE deleted_at IS NULL ORDER BY name"
        )

    # -- audits and findings --------------------------------------------------------------

    def add_audit(self, record: dict, *, row_id: str | None = None) -> str:
        if record.get("level") not in LEVELS:
            raise UserError(_("考核级别应为市级或区级"))
        if record.get("result") not in (None, *RESULTS):
            raise UserError(_("考核结果应为{0}之一").format("、".join(RESULTS)))
        self.store.get("enterprises", record["enterprise_id"])
        row = dict(record)
        if row_id:
            row["id"] = row_id
        return self.store.insert("audits", row)

    def add_finding(self, record: dict, *, row_id: str | None = None) -> str:
        if not (record.get("description") or "").strip():
            raise UserError(_("问题描述不能为空"))
        categories = self.store.findings.categories()
        if record.get("category") not in categories:
            raise UserError(_("问题类别“{0}”不在考核清单中，可选：{1}").format(
                record.get("category"), "、".join(categories)))
        status = record.get("status", "待整改")
        if status not in STATUSES:
            raise UserError(_("整改状态“{0}”无法识别，应为{1}之一").format(status, "、".join(STATUSES)))
        if status == "已销号" and not (
            record.get("rectified_date") and record.get("verifier") and record.get("verified_date")
        ):
            raise UserError(_("销号需要整改完成日期、验收人和验收日期"))
        for key in ("deadline", "rectified_date", "verified_date"):
            if record.get(key):
                try:
                    date.fromisoformat(record[key])
                except ValueError:
                    raise UserError(_("日期“{0}”应写作 YYYY-MM-DD").format(record[key])) from None
        self.store.get("audits", record["audit_id"])
        row = dict(record, status=status)
        if row_id:
            row["id"] = row_id
        return self.store.insert("findings", row)

    def by_year_level(self, counts: dict | None = None) -> dict[int, dict[str, dict[str, int]]]:
        """Units audited, findings found and rectified per year and level.

        Counted per audit from the findings' covering index, then summed here: a join of
        every finding to its audit would read a million rows for a few hundred audits."""
        counts = self.store.findings.per_audit() if counts is None else counts
        out: dict[int, dict[str, dict]] = {}
        units: dict[tuple, set] = {}
        for a in self.store.query(
            "SELECT id, enterprise_id, year, level FROM audits WHERE deleted_at IS NULL "
            "ORDER BY year, CASE level WHEN '市级' THEN 0 ELSE 1 END"
        ):
            level = out.setdefault(a["year"], {}).setdefault(
                a["level"], {"units": 0, "found": 0, "rectified": 0})
            units.setdefault((a["year"], a["level"]), set()).add(a["enterprise_id"])
            c = counts.get(a["id"])
            if c:
                level["found"] += c["found"]
                level["rectified"] += c["rectified"] or 0
        for (year, lv), members in units.items():
            out[year][lv]["units"] = len(members)
        return out
