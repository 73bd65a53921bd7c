"""Per-kind import rules: how a parsed row finds its existing record and what it writes.

Each handler's ``apply(row)`` first resolves and validates with reads only (raising
``UserError`` for a row the user must fix), then writes. It returns ``"new"``,
``"updated"`` or ``"unchanged"`` and reports each write to the batch log for undo.
Lookups are loaded once per import into dicts, so 100,000 rows do not mean 100,000 scans.
"""

from __future__ import annotations

import re

from ycdesk.errors import UserError
from ycdesk.i18n import _
from ycdesk.imports import values as v
from ycdesk.periods import parse_period
from ycdesk.townships import CITY, DISTRICT
from ycdesk.uscc import validate


class BulkInserts:
    """New rows queued per table and written with executemany, parents before children.

    Ids and timestamps are assigned here, so a row's id is known (for the caches and the
    batch log) before it is written; one import shares one timestamp."""

    ORDER = ("enterprises", "audits", "findings", "observations", "investments", "projects", "project_units")
    CHUNK = 20_000  # queued rows are written in chunks so a big file's rows do not all wait in memory

    def __init__(self, store) -> None:
        self.store = store
        self.now = store.now()
        self.pending: dict[str, list[dict]] = {}
        self.queued: dict[str, dict] = {}  # id → the queued row, still changeable

    def add(self, table: str, record: dict) -> str:
        from ycdesk.store.ids import new_id

        row = {"id": new_id(), **record, "created_at": self.now, "updated_at": self.now}
        self.pending.setdefault(table, []).append(row)
        self.queued[row["id"]] = row
        if len(self.queued) >= self.CHUNK:
            self.flush()
        return row["id"]

    def flush(self) -> None:
        import sqlite3

        for table in sorted(self.pending, key=self.ORDER.index):
            rows = self.pending.pop(table)
            for r in rows:
                self.queued.pop(r["id"], None)
            columns = sorted({k for r in rows for k in r})
            try:
                self.store.bulk_insert(table, columns, ([r.get(c) for c in columns] for r in rows))
            except sqlite3.IntegrityError as exc:
                raise UserError(_("写入{0}时违反约束：{1}").format(table, exc)) from None


class Handler:
    table = ""
    fields: tuple[str, ...] = ()  # columns compared and written

    def __init__(self, store, log) -> None:
        self.store, self.log = store, log
        self.bulk = BulkInserts(store)
        self.townships = {t["name"]: t["id"] for t in store.townships.list()}
        self.townships.update({n.removesuffix("街道").removesuffix("镇"): i for n, i in list(self.townships.items())})

    def township_id(self, name: str | None) -> str | None:
        if not name:
            return None
        if name not in self.townships:
            raise UserError(_("镇街“{0}”不在越城区镇街名单中").format(name))
        return self.townships[name]

    def write(self, table: str, existing: dict | None, record: dict) -> tuple[str, str]:
        """Insert or update ``record``; logs what changed so the batch can be undone.
        Returns the outcome and the row's id."""
        if existing is None:
            row_id = self.bulk.add(table, record)
            self.log(table, row_id, "insert", None)
            return "new", row_id
        changes = {k: val for k, val in record.items() if k != "id" and existing.get(k) != val}
        if not changes:
            return "unchanged", existing["id"]
        if existing["id"] in self.bulk.queued:
            # The same record twice in one file: the later row wins before anything is written.
            self.bulk.queued[existing["id"]].update(changes)
            existing.update(changes)
            return "updated", existing["id"]
        self.log(table, existing["id"], "update", {k: existing.get(k) for k in (*changes, "updated_at")})
        self.store.update(table, existing["id"], changes)
        existing.update(changes)
        return "updated", existing["id"]


class Enterprises(Handler):
    def __init__(self, store, log) -> None:
        super().__init__(store, log)
        rows = store.query("SELECT * FROM enterprises WHERE deleted_at IS NULL")
        self._checked: dict = {}
        self.by_id = {r["id"]: r for r in rows}
        self.by_uscc = {r["uscc"]: r for r in rows if r["uscc"]}
        self.by_name = {r["name"]: r for r in rows}

    def find(self, name: str, uscc: str | None, row_id: str | None = None) -> dict | None:
        if row_id:
            return self.by_id.get(row_id)
        if uscc and uscc in self.by_uscc:
            return self.by_uscc[uscc]
        return self.by_name.get(name)

    def checked_code(self, uscc: str | None) -> tuple[str | None, str | None]:
        if not uscc:
            return None, None
        check = self._checked.get(uscc)
        if check is None:
            check = self._checked[uscc] = validate(uscc)
        if check.error:
            raise UserError(check.error)
        return check.code, check.warning

    def remember(self, row: dict) -> None:
        self.by_id[row["id"]] = row
        if row.get("uscc"):
            self.by_uscc[row["uscc"]] = row
        self.by_name[row["name"]] = row

    def ensure(self, name: str, uscc: str | None, township: str | None) -> dict:
        """The enterprise a finding row names, created if it is not known yet."""
        code, warning = self.checked_code(uscc)
        existing = self.find(name, code)
        if existing is not None:
            return existing
        record = {"name": name, "uscc": code, "uscc_warning": warning, "township_id": self.township_id(township)}
        _outcome, row_id = self.write("enterprises", None, record)
        row = {**record, "id": row_id}
        self.remember(row)
        return row

    def apply(self, row: dict) -> str:
        # Only the columns the sheet has are written: a missing column never blanks a field.
        code, warning = self.checked_code(row.get("uscc"))
        record = {"name": row["name"]}
        if "uscc" in row:
            record.update(uscc=code, uscc_warning=warning)
        if "township" in row:
            record["township_id"] = self.township_id(row["township"])
        for key in ("role", "industry", "contact"):
            if key in row:
                record[key] = row[key]
        existing = self.find(row["name"], code, row.get("id"))
        if existing is None and row.get("id"):
            record["id"] = row["id"]
        outcome, row_id = self.write("enterprises", existing, record)
        self.remember(existing if existing is not None else {**record, "id": row_id})
        return outcome


class Findings(Handler):
    FIELDS = ("category", "description", "severity", "requirement", "deadline", "responsible", "status",
              "rectified_date", "verifier", "verified_date", "note")

    def __init__(self, store, log) -> None:
        super().__init__(store, log)
        self.enterprises = Enterprises(store, log)
        self.enterprises.bulk = self.bulk  # one queue, so parents are written before children
        self.audits = {(r["enterprise_id"], r["year"], r["level"]): r for r in store.query(
            "SELECT * FROM audits WHERE deleted_at IS NULL")}
        self.findings_by_id: dict[str, dict] = {}
        self.findings_by_key: dict[tuple, dict] = {}
        for r in store.query(
            "SELECT f.*, a.enterprise_id, a.year, a.level FROM findings f JOIN audits a ON a.id = f.audit_id "
            "WHERE f.deleted_at IS NULL"):
            self.findings_by_id[r["id"]] = r
            self.findings_by_key[(r["enterprise_id"], r["year"], r["level"], r["category"], r["description"])] = r
        self.categories = set(store.findings.categories())

    def apply(self, row: dict) -> str:
        # Validate everything before the first write.
        if row["category"] not in self.categories:
            raise UserError(_("问题类别“{0}”不在考核清单中").format(row["category"]))
        status = row["status"]
        if status == "已销号" and not (row.get("rectified_date") and row.get("verifier") and row.get("verified_date")):
            raise UserError(_("销号需要整改完成日期、验收人和验收日期"))
        if status in ("已整改",) and not row.get("rectified_date"):
            raise UserError(_("已整改的问题需要整改完成日期"))
        self.enterprises.checked_code(row.get("uscc"))
        self.township_id(row.get("township"))
        enterprise = self.enterprises.ensure(row["enterprise"], row.get("uscc"), row.get("township"))
        key = (enterprise["id"], row["year"], row["level"])
        audit = self.audits.get(key)
        if audit is None:
            audit_id = self.bulk.add("audits", {"enterprise_id": enterprise["id"], "year": row["year"],
                                                "level": row["level"], "audit_date": row.get("audit_date")})
            self.log("audits", audit_id, "insert", None)
            audit = {"id": audit_id, "enterprise_id": enterprise["id"], "year": row["year"], "level": row["level"]}
            self.audits[key] = audit
        record = {k: row.get(k) for k in self.FIELDS}
        record["audit_id"] = audit["id"]
        # A row that carries an ID matches by it alone (two findings may read the same);
        # a row without one matches on enterprise, year, level, category and description.
        if row.get("id"):
            existing = self.findings_by_id.get(row["id"])
        else:
            existing = self.findings_by_key.get((*key, row["category"], row["description"]))
        if existing is None and row.get("id"):
            record["id"] = row["id"]
        outcome, new_id = self.write("findings", existing, record)
        if existing is None:
            new = {**record, "id": new_id, "enterprise_id": key[0], "year": key[1], "level": key[2]}
            self.findings_by_id[new_id] = new
            self.findings_by_key[(*key, row["category"], row["description"])] = new
        return outcome


class Observations(Handler):
    def __init__(self, store, log) -> None:
        super().__init__(store, log)
        self.indicators = {r["code"]: r for r in store.indicators.list()}
        self.by_name = {r["name"]: r for r in self.indicators.values()}
        self.existing = {(r["indicator_id"], r["period"], r["scope"]): r for r in store.query(
            "SELECT * FROM observations WHERE deleted_at IS NULL")}
        self.by_id = {r["id"]: r for r in self.existing.values()}

    def apply(self, row: dict) -> str:
        indicator = self.indicators.get(row.get("code") or "") or self.by_name.get(row.get("indicator") or "")
        if indicator is None:
            raise UserError(_("找不到指标“{0}”").format(row.get("code") or row.get("indicator") or ""))
        period = str(parse_period(row["period"]))
        scope = row.get("scope") or DISTRICT
        township_id = None if scope in (DISTRICT, CITY) else self.township_id(scope)
        if township_id:
            scope = next(n for n, i in self.townships.items() if i == township_id and (n.endswith("街道") or n.endswith("镇")))
        raw, text = row.get("value"), row.get("value_text")
        number = None
        if raw not in (None, ""):
            try:
                number = v.parse_percent(raw, indicator["unit"])
            except ValueError:
                text = text or v.clean_text(raw)
        if number is None and not text:
            raise UserError(_("“{0}”的值为空").format(indicator["name"]))
        if number is not None and indicator["unit"] == "%" and not 0 <= number <= 100:
            raise UserError(_("“{0}”是百分比，应在0到100之间，收到{1}").format(indicator["name"], raw))
        if self.store.indicators.is_locked(period):
            raise UserError(_("{0}的数据已签收锁定").format(parse_period(period).label))
        record = {"indicator_id": indicator["id"], "period": period, "value": number, "value_text": text,
                  "scope": scope, "township_id": township_id, "source": row.get("source"),
                  "operator": row.get("operator") or self.store.operator, "note": row.get("note")}
        existing = (self.by_id.get(row["id"]) if row.get("id")
                    else self.existing.get((indicator["id"], period, scope)))
        if existing is None and row.get("id"):
            record["id"] = row["id"]
        outcome, new_id = self.write("observations", existing, record)
        if existing is None:
            self.existing[(indicator["id"], period, scope)] = self.by_id[new_id] = {**record, "id": new_id}
        return outcome


class Investments(Handler):
    def __init__(self, store, log) -> None:
        super().__init__(store, log)
        self.projects = store.projects.list()
        self.by_seq = {p["seq"]: p for p in self.projects}
        self.by_name = {p["name"]: p for p in self.projects}
        self.existing = {(r["project_id"], r["period"]): r for r in store.query(
            "SELECT * FROM investments WHERE deleted_at IS NULL")}
        self.by_id = {r["id"]: r for r in self.existing.values()}
        self.done = {}
        for r in self.existing.values():
            self.done[r["project_id"]] = self.done.get(r["project_id"], 0) + r["amount_yuan"]

    def apply(self, row: dict) -> str:
        project = self.by_seq.get(row.get("seq")) or self.by_name.get(row.get("project") or "")
        if project is None:
            raise UserError(_("找不到项目“{0}”").format(row.get("seq") or row.get("project") or ""))
        p = parse_period(row["period"])
        if not project["start_year"] <= p.year <= project["end_year"]:
            raise UserError(_("项目“{0}”的起止年限为{1}–{2}，不能填报{3}的投资").format(
                project["name"], project["start_year"], project["end_year"], p.label))
        existing = (self.by_id.get(row["id"]) if row.get("id")
                    else self.existing.get((project["id"], str(p))))
        total = self.done.get(project["id"], 0) - (existing["amount_yuan"] if existing else 0) + row["amount"]
        if total > project["total_yuan"]:
            from ycdesk.money import format_yi

            raise UserError(_("项目“{0}”累计完成投资{1}亿元将超过总投资{2}亿元").format(
                project["name"], format_yi(total), format_yi(project["total_yuan"])))
        record = {"project_id": project["id"], "period": str(p), "amount_yuan": row["amount"],
                  "source": row.get("source"), "operator": row.get("operator") or self.store.operator,
                  "note": row.get("note")}
        if existing is None and row.get("id"):
            record["id"] = row["id"]
        outcome, new_id = self.write("investments", existing, record)
        self.done[project["id"]] = total
        if existing is None:
            self.existing[(project["id"], str(p))] = self.by_id[new_id] = {**record, "id": new_id}
        return outcome


class Projects(Handler):
    def __init__(self, store, log) -> None:
        super().__init__(store, log)
        self.projects = store.projects.list()
        self.by_id = {p["id"]: p for p in self.projects}
        self.by_seq = {p["seq"]: p for p in self.projects}

    def apply(self, row: dict) -> str:
        from ycdesk.projects import _check_project

        units = [u.strip() for u in re.split(r"[、,，;；\n]", row["units"] or "") if u.strip()]
        record = {"seq": row["seq"], "domain": row["domain"], "name": row["name"], "content": row.get("content"),
                  "start_year": row["start_year"], "end_year": row["end_year"], "total_yuan": row["total"],
                  "fyp_yuan": row["fyp"], "township_id": self.township_id(row.get("township")),
                  "status": row.get("status"), "note": row.get("note")}
        _check_project(record, units)
        existing = self.by_id.get(row["id"]) if row.get("id") else self.by_seq.get(row["seq"])
        if existing is None:
            if row.get("id"):
                record["id"] = row["id"]
            project_id = self.store.projects.add(record, units)
            self.log("projects", project_id, "insert", None)
            for u in self.store.query("SELECT id FROM project_units WHERE project_id = ?", (project_id,)):
                self.log("project_units", u["id"], "insert", None)
            return "new"
        fields = {k: val for k, val in record.items() if existing.get(k) != val}
        if not fields and units == existing["units"]:
            return "unchanged"
        if fields:
            self.log("projects", existing["id"], "update", {k: existing.get(k) for k in (*fields, "updated_at")})
            self.store.update("projects", existing["id"], fields)
        if units != existing["units"]:
            for u in self.store.query(
                    "SELECT * FROM project_units WHERE project_id = ? AND deleted_at IS NULL", (existing["id"],)):
                self.log("project_units", u["id"], "update", {"deleted_at": None, "updated_at": u["updated_at"]})
                self.store.soft_delete("project_units", u["id"])
            for position, unit in enumerate(units, 1):
                uid = self.store.insert("project_units", {"project_id": existing["id"], "unit": unit, "position": position})
                self.log("project_units", uid, "insert", None)
        return "updated"


HANDLERS = {"findings": Findings, "enterprises": Enterprises, "observations": Observations,
            "investments": Investments, "projects": Projects}
