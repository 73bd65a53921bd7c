"""Per-kind import rules: how a parsed row finds its existing record and what it writes.

Each handler's ``apply(row)`` first resolves and validates with reads only (raising
``UserError`` for a row the user must fix), then writes. It returns ``"new"``,
``"updated"`` or ``"unchanged"``. Every write lands in history; the span of history an
import wrote is what undoing its batch replays.
Lookups are loaded once per import into dicts, so 100,000 rows do not mean 100,000 scans.
"""

from __future__ import annotations

import re

from ycdesk.errors import UserError
from ycdesk.i18n import _
from ycdesk.imports import values as v
from ycdesk.imports.bulk import BulkInserts
from ycdesk.periods import parse_period
from ycdesk.rules import investments as investment_rules
from ycdesk.rules.audits import audit_reason, enterprise_code, enterprise_reason
from ycdesk.rules.findings import JUDGED, OPEN, RECTIFIED, finding_reasons
from ycdesk.rules.observations import observation_period, observation_value
from ycdesk.store.ids import new_ids
from ycdesk.townships import CITY, DISTRICT


class Handler:
    table = ""  # the table most of a file's rows land in

    def __init__(self, store) -> None:
        self.store = store
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
        """Insert or update ``record``. Returns the outcome and the row's id."""
        if existing is None:
            self.store.check_scope(table, record)  # a township writes only its own scope
            return "new", self.bulk.add(table, record)
        changes = {k: val for k, val in record.items() if k != "id" and existing.get(k) != val}
        if not changes:
            return "unchanged", existing["id"]
        self.store.check_scope(table, {**existing, **changes}, old=existing, changed=changes)
        if not self.bulk.update_queued(existing["id"], changes):
            if existing["id"] in self.bulk.queued:
                self.bulk.flush()  # still waiting to be written: write it, then update it
            self.store.update(table, existing["id"], changes)
        existing.update(changes)
        return "updated", existing["id"]

    def apply_rows(self, keys: list[str], columns: list[list], indices: list[int], step) -> tuple[dict, list]:
        """Apply the rows ``indices`` of the parsed ``columns``. Returns the outcome counts
        and ``(index, reason)`` for each refused row. Kinds with big files override this
        with a loop that builds no dict per row."""
        counts = {"new": 0, "updated": 0, "unchanged": 0}
        errors = []
        for n, i in enumerate(indices):
            if n % 500 == 0:
                step(n, len(indices))
            try:
                outcome = self.apply({k: column[i] for k, column in zip(keys, columns)})
            except UserError as exc:
                # Handlers validate before they queue any write, so a refused row left nothing.
                errors.append((i, str(exc)))
                continue
            counts[outcome] += 1
        return counts, errors


class EnterpriseRows(Handler):
    table = "enterprises"

    def __init__(self, store) -> None:
        super().__init__(store)
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
        code, warning, reason = self.code_check(uscc)
        if reason:
            raise UserError(reason)
        return code, warning

    def code_check(self, uscc: str | None) -> tuple[str | None, str | None, str | None]:
        """:func:`enterprise_code` once per distinct code in a file."""
        check = self._checked.get(uscc)
        if check is None:
            check = self._checked[uscc] = enterprise_code(uscc)
        return check

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
        reason = enterprise_reason(row)
        if reason:
            raise UserError(reason)
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


class FindingRows(Handler):
    table = "findings"
    FIELDS = (
        "category",
        "description",
        "severity",
        "requirement",
        "deadline",
        "responsible",
        "status",
        "rectified_date",
        "verifier",
        "verified_date",
        "note",
    )

    def __init__(self, store) -> None:
        super().__init__(store)
        self.enterprises = EnterpriseRows(store)
        self.enterprises.bulk = self.bulk  # one queue, so parents are written before children
        audits = store.query("SELECT id, enterprise_id, year, level, audit_date FROM audits WHERE deleted_at IS NULL")
        self.audits = {(r["enterprise_id"], r["year"], r["level"]): r["id"] for r in audits}
        self.audit_dates = {r["id"]: r["audit_date"] for r in audits}
        self.audit_reasons: dict[tuple, str | None] = {}  # (year, level, date) → refusal, once each
        self.finding_answers: dict[tuple, str | None] = {}  # what the finding validator judged → its answer
        self.today = store.today()
        # Each finding under its id and under its natural key (enterprise, year, level,
        # category, description): a record from the workspace as a dict, a new one from
        # this file as its queued row (a list). Workspace records are read as the rows
        # come to need them (see _load_matches).
        self.matches: dict = {}
        self.loaded_firms: set[str] = set()
        self.firms: dict[tuple, str | _Refused] = {}  # (name, code, 镇街) as typed → enterprise id
        self.categories = set(store.findings.categories())

    COLUMNS = ("id", "audit_id", *FIELDS, "created_at", "updated_at")  # a queued finding's layout
    AUDIT_COLUMNS = ("id", "enterprise_id", "year", "level", "audit_date", "created_at", "updated_at")

    def apply_rows(self, keys: list[str], columns: list[list], indices: list[int], step) -> tuple[dict, list]:
        # Findings files are the big ones (100,000 rows), so rows are handled a column at a
        # time in blocks: each distinct enterprise and audit is resolved once, new findings
        # are queued as lists, and only a row matching an existing record takes the
        # record-by-record path. Outcomes are exactly those of applying the rows in order.
        blank = [None] * (len(columns[0]) if columns else 0)
        column = dict(zip(keys, columns))
        c = {
            k: column.get(k, blank)
            for k in (*self.FIELDS, "enterprise", "uscc", "township", "year", "level", "audit_date", "id")
        }
        counts = {"new": 0, "updated": 0, "unchanged": 0}
        errors: list[tuple[int, str]] = []
        for start in range(0, len(indices), self.BLOCK):
            step(start, len(indices))
            self._apply_block(c, indices[start : start + self.BLOCK], counts, errors)
        return counts, errors

    BLOCK = 10_000  # rows between progress reports (and chances to cancel)

    def _apply_block(self, c: dict, rows: list[int], counts: dict, errors: list) -> None:
        refused = self._block_reasons(c, rows)
        if refused:
            errors += refused
            skip = {i for i, _r in refused}
            rows = [i for i in rows if i not in skip]
        firm_keys = list(zip(_pick(c["enterprise"], rows), _pick(c["uscc"], rows), _pick(c["township"], rows)))
        for key in dict.fromkeys(firm_keys):  # first appearance first, as row order would
            if key not in self.firms:
                self.firms[key] = self._firm(*key)
        firm_ids = [self.firms[key] for key in firm_keys]
        if any(type(f) is _Refused for f in firm_ids):
            keep = [n for n, f in enumerate(firm_ids) if type(f) is not _Refused]
            errors += [(i, f.reason) for i, f in zip(rows, firm_ids) if type(f) is _Refused]
            rows, firm_ids = [rows[n] for n in keep], [firm_ids[n] for n in keep]
        if not rows:
            return
        bulk, now = self.bulk, self.bulk.now
        audit_keys = list(zip(firm_ids, _pick(c["year"], rows), _pick(c["level"], rows)))
        # A new audit takes its date from the first row that names it.
        first = dict(zip(reversed(audit_keys), reversed(rows)))
        new_audits = [
            [bulk.next_id(), *key, c["audit_date"][i], now, now] for key, i in first.items() if key not in self.audits
        ]
        if new_audits:
            bulk.add_rows("audits", self.AUDIT_COLUMNS, new_audits)
            self.audits.update((tuple(a[1:4]), a[0]) for a in new_audits)
            self.audit_dates.update((a[0], a[4]) for a in new_audits)
        audit_ids = list(map(self.audits.__getitem__, audit_keys))
        values = list(zip(*[_pick(c[k], rows) for k in self.FIELDS]))
        # A row that carries an ID matches by it alone (two findings may read the same);
        # a row without one matches on enterprise, year, level, category and description.
        finding_keys = [
            (*key, cat, desc)
            for key, cat, desc in zip(audit_keys, _pick(c["category"], rows), _pick(c["description"], rows))
        ]
        ids = _pick(c["id"], rows)
        self._load_matches(firm_ids, ids)
        matches = self.matches
        with_ids = all(ids)  # an exported sheet carries every row's ID; a received one none
        lookups = ids if with_ids else finding_keys
        if (with_ids or not any(ids)) and len(set(lookups)) == len(lookups) and not any(map(matches.get, lookups)):
            # The usual big file: every row a new finding, no two alike.
            fresh = ids if with_ids else new_ids(len(rows))
            new_rows = [[fid, aid, *vals, now, now] for fid, aid, vals in zip(fresh, audit_ids, values)]
            matches.update(zip(finding_keys, new_rows))
            if with_ids:
                matches.update(zip(ids, new_rows))
            counts["new"] += len(new_rows)
            bulk.add_rows("findings", self.COLUMNS, new_rows)
            return
        new_rows = []
        for row_id, finding_key, audit_id, vals in zip(ids, finding_keys, audit_ids, values):
            existing = matches.get(row_id or finding_key)
            if existing is None:
                row = [row_id or bulk.next_id(), audit_id, *vals, now, now]
                new_rows.append(row)
                matches[finding_key] = row
                if row_id:
                    matches[row_id] = row
                counts["new"] += 1
            elif type(existing) is list and not bulk.flushed:
                # Queued earlier in this file and not written yet: the later row wins.
                changed = existing[1:-2] != [audit_id, *vals]
                existing[1:-2] = [audit_id, *vals]
                counts["updated" if changed else "unchanged"] += 1
            else:
                if type(existing) is list:  # queued earlier and written since: now a record like any other
                    existing = matches[row_id or finding_key] = dict(zip(self.COLUMNS, existing))
                outcome, _id = self.write("findings", existing, {"audit_id": audit_id, **dict(zip(self.FIELDS, vals))})
                counts[outcome] += 1
        bulk.add_rows("findings", self.COLUMNS, new_rows)

    # By enterprise: audits first; by ID: findings first. (CROSS JOIN fixes the order: with
    # 500 values in the list SQLite chose to scan every finding.)
    MATCH_SQL = {
        "a.enterprise_id": "FROM audits a CROSS JOIN findings f ON f.audit_id = a.id",
        "f.id": "FROM findings f CROSS JOIN audits a ON a.id = f.audit_id",
    }

    def _load_matches(self, firm_ids: list[str], ids: list) -> None:
        """The workspace's findings a block of rows may match, read when first needed:
        every finding of the block's enterprises (a row without an ID matches on
        enterprise, year, level, category and description) and those with the IDs the
        rows carry. Reading all findings up front made an import into a workspace of a
        million findings build a million dicts first (17 of its 30 s). A key already
        known keeps its entry (a row of this file, or the same record), as it would
        have after reading everything first; of two records with one natural key the
        later (by rowid) is the one matched, as before."""
        firms = [f for f in dict.fromkeys(firm_ids) if f not in self.loaded_firms]
        self.loaded_firms.update(firms)
        wanted = [i for i in dict.fromkeys(ids) if i and i not in self.matches]
        matches = self.matches
        for column, values in (("a.enterprise_id", firms), ("f.id", wanted)):
            for start in range(0, len(values), 500):
                chunk = values[start : start + 500]
                for r in self.store.query(
                    f"SELECT f.*, a.enterprise_id, a.year, a.level {self.MATCH_SQL[column]} WHERE "
                    f"f.deleted_at IS NULL AND {column} IN ({','.join('?' * len(chunk))}) ORDER BY f.rowid DESC",
                    chunk,
                ):
                    matches.setdefault(r["id"], r)
                    matches.setdefault((r["enterprise_id"], r["year"], r["level"], r["category"], r["description"]), r)

    def write(self, table: str, existing: dict | None, record: dict) -> tuple[str, str]:
        """A finding already in the workspace whose status the sheet changes gets the same
        lifecycle event as a move made in the app (dated by its completion or verification
        date, or today), so figures as of an earlier day keep what held then."""
        before = dict(existing) if existing is not None and table == "findings" else None
        in_workspace = before is not None and before["id"] not in self.bulk.queued
        outcome, row_id = super().write(table, existing, record)
        if in_workspace and outcome == "updated" and record.get("status") != before["status"]:
            to = record["status"]
            withdrawn = {}
            if before["status"] in RECTIFIED and to in OPEN:
                withdrawn = {
                    "rectified_date": before.get("rectified_date"),
                    "verified_date": before.get("verified_date"),
                }
            effective = {"已整改": record.get("rectified_date"), "已销号": record.get("verified_date")}.get(to)
            self.store.insert(
                "finding_events",
                {
                    "finding_id": row_id,
                    "from_status": before["status"],
                    "to_status": to,
                    "reason": _("导入"),
                    "operator": self.store.operator,
                    "effective_date": effective or self.today.isoformat(),
                    **withdrawn,
                },
            )
        return outcome, row_id

    def _block_reasons(self, c: dict, rows: list[int]) -> list[tuple[int, str]]:
        """(row, why it cannot be imported as it stands) for the rows of a block that fail
        the audit and finding validators (the same as for a typed record), audit first.
        Reads only, so a refused row writes nothing — not even its enterprise."""
        years, levels, days = _pick(c["year"], rows), _pick(c["level"], rows), _pick(c["audit_date"], rows)
        audit = [self._audit_reason(key) for key in zip(years, levels, days)]
        inspected = list(days)
        for n, i in enumerate(rows):
            if not inspected[n] and not audit[n]:
                # The row names no inspection date: its audit's, if it exists already.
                firm = self.firms.get((c["enterprise"][i], c["uscc"][i], c["township"][i]))
                if firm is None or type(firm) is _Refused:
                    known = self.enterprises.find(c["enterprise"][i], self.enterprises.code_check(c["uscc"][i])[0])
                    firm = known["id"] if known else None
                inspected[n] = self.audit_dates.get(self.audits.get((firm, years[n], levels[n])))
        found = finding_reasons(
            {k: _pick(c[k], rows) for k in JUDGED},
            years,
            inspected,
            categories=self.categories,
            today=self.today,
            answers=self.finding_answers,
        )
        return [(i, a or f) for i, a, f in zip(rows, audit, found) if a or f]

    def _audit_reason(self, key: tuple) -> str | None:
        """The audit validator's answer for (year, level, date), once per distinct key."""
        reason = self.audit_reasons.get(key, False)
        if reason is False:
            year, level, day = key
            reason = self.audit_reasons[key] = audit_reason(
                {"year": year, "level": level, "audit_date": day}, self.today
            )
        return reason

    def _firm(self, name, uscc, township):
        """The enterprise id for a row's name, code and 镇街 (created if new), or why not."""
        try:  # validate code and 镇街 before ensure() may create the enterprise
            self.enterprises.checked_code(uscc)
            self.township_id(township)
            return self.enterprises.ensure(name, uscc, township)["id"]
        except UserError as exc:
            return _Refused(str(exc))


def _pick(column: list, rows: list[int]) -> list:
    """``column``'s cells at ``rows``; a plain slice when the rows are consecutive (usual)."""
    if rows and rows[-1] - rows[0] + 1 == len(rows):
        return column[rows[0] : rows[-1] + 1]
    return [column[i] for i in rows]


class _Refused:
    __slots__ = ("reason",)

    def __init__(self, reason: str) -> None:
        self.reason = reason


class ObservationRows(Handler):
    table = "observations"

    def __init__(self, store) -> None:
        super().__init__(store)
        self.indicators = {r["code"]: r for r in store.indicators.list()}
        self.by_name = {r["name"]: r for r in self.indicators.values()}
        self.existing = {
            (r["indicator_id"], r["period"], r["scope"]): r
            for r in store.query("SELECT * FROM observations WHERE deleted_at IS NULL")
        }
        self.by_id = {r["id"]: r for r in self.existing.values()}
        self.today = store.today()

    def apply(self, row: dict) -> str:
        indicator = self.indicators.get(row.get("code") or "") or self.by_name.get(row.get("indicator") or "")
        if indicator is None:
            raise UserError(_("找不到指标“{0}”").format(row.get("code") or row.get("indicator") or ""))
        p = observation_period(row["period"], self.today)  # no reason column: a later period is refused
        period = str(p)
        scope = row.get("scope") or DISTRICT
        township_id = None if scope in (DISTRICT, CITY) else self.township_id(scope)
        if township_id:
            scope = next(
                n for n, i in self.townships.items() if i == township_id and (n.endswith("街道") or n.endswith("镇"))
            )
        raw, text = row.get("value"), v.clean_text(row.get("value_text")) or None
        if raw in (None, ""):
            number, text = observation_value(text, indicator)
        else:
            number, remark = observation_value(raw, indicator)
            text = remark or text
        self.store.indicators.check_unlocked(p)
        record = {
            "indicator_id": indicator["id"],
            "period": period,
            "value": number,
            "value_text": text,
            "scope": scope,
            "township_id": township_id,
            "source": row.get("source"),
            "operator": row.get("operator") or self.store.operator,
            "note": row.get("note"),
        }
        existing = self.by_id.get(row["id"]) if row.get("id") else self.existing.get((indicator["id"], period, scope))
        if existing is None and row.get("id"):
            record["id"] = row["id"]
        outcome, new_id = self.write("observations", existing, record)
        if existing is None:
            self.existing[(indicator["id"], period, scope)] = self.by_id[new_id] = {**record, "id": new_id}
        return outcome


class InvestmentRows(Handler):
    table = "investments"

    def __init__(self, store) -> None:
        super().__init__(store)
        self.projects = store.projects.list()
        self.by_seq = {p["seq"]: p for p in self.projects}
        self.by_name = {p["name"]: p for p in self.projects}
        self.existing = {
            (r["project_id"], r["period"]): r for r in store.query("SELECT * FROM investments WHERE deleted_at IS NULL")
        }
        self.by_id = {r["id"]: r for r in self.existing.values()}
        self.today = store.today()
        self.done = {}
        for r in self.existing.values():
            self.done[r["project_id"]] = self.done.get(r["project_id"], 0) + r["amount_yuan"]

    def apply(self, row: dict) -> str:
        project = self.by_seq.get(row.get("seq")) or self.by_name.get(row.get("project") or "")
        if project is None:
            raise UserError(_("找不到项目“{0}”").format(row.get("seq") or row.get("project") or ""))
        existing = (
            self.by_id.get(row["id"])
            if row.get("id")
            else self.existing.get((project["id"], str(parse_period(row["period"]))))
        )
        other = self.done.get(project["id"], 0) - (existing["amount_yuan"] if existing else 0)
        p = investment_rules.investment(
            project, row["period"], row["amount"], completed_other_yuan=other, today=self.today
        )
        total = other + row["amount"]
        record = {
            "project_id": project["id"],
            "period": str(p),
            "amount_yuan": row["amount"],
            "source": row.get("source"),
            "operator": row.get("operator") or self.store.operator,
            "note": row.get("note"),
        }
        if existing is None and row.get("id"):
            record["id"] = row["id"]
        outcome, new_id = self.write("investments", existing, record)
        self.done[project["id"]] = total
        if existing is None:
            self.existing[(project["id"], str(p))] = self.by_id[new_id] = {**record, "id": new_id}
        return outcome


class ProjectRows(Handler):
    table = "projects"

    def __init__(self, store) -> None:
        super().__init__(store)
        self.projects = store.projects.list()
        self.by_id = {p["id"]: p for p in self.projects}
        self.by_seq = {p["seq"]: p for p in self.projects}

    def apply(self, row: dict) -> str:
        units = [u.strip() for u in re.split(r"[、,，;；\n]", row["units"] or "") if u.strip()]
        record = {
            "seq": row["seq"],
            "domain": row["domain"],
            "name": row["name"],
            "content": row.get("content"),
            "start_year": row["start_year"],
            "end_year": row["end_year"],
            "total_yuan": row["total"],
            "fyp_yuan": row["fyp"],
            "township_id": self.township_id(row.get("township")),
            "status": row.get("status"),
            "note": row.get("note"),
        }
        investment_rules.project(record, units)
        existing = self.by_id.get(row["id"]) if row.get("id") else self.by_seq.get(row["seq"])
        if existing is None:
            if row.get("id"):
                record["id"] = row["id"]
            self.store.projects.add(record, units)
            return "new"
        fields = {k: val for k, val in record.items() if existing.get(k) != val}
        if not fields and units == existing["units"]:
            return "unchanged"
        if fields:
            self.store.update("projects", existing["id"], fields)
        if units != existing["units"]:
            for u in self.store.query(
                "SELECT * FROM project_units WHERE project_id = ? AND deleted_at IS NULL", (existing["id"],)
            ):
                self.store.soft_delete("project_units", u["id"])
            for position, unit in enumerate(units, 1):
                self.store.insert("project_units", {"project_id": existing["id"], "unit": unit, "position": position})
        return "updated"
