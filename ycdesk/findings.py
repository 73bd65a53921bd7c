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
from ycdesk.rules import blank_to_none, deletion_reason
from ycdesk.rules.findings import OPEN, RECTIFIED, finding_reason
from ycdesk.store.migrations import DELETED_INDEX, DESCRIPTION_INDEX, OPEN_INDEX, OPEN_INDEX_WHERE

TRANSITIONS = {
    "待整改": ("整改中", "已整改"),
    "整改中": ("已整改",),
    "已整改": ("已销号", "整改中"),
    "已销号": ("整改中",),
}
NEEDS_REASON = {("已整改", "整改中"), ("已销号", "整改中")}
DUE_SOON_DAYS = 7


def overdue_days(finding: dict, as_of: date) -> int | None:
    """Days an open ``finding`` is past its deadline on ``as_of`` (逾期天数); None when it is
    closed, has no deadline or is not overdue (due today is 0 days left, not overdue)."""
    if finding.get("status") not in OPEN or not finding.get("deadline"):
        return None
    days = (as_of - date.fromisoformat(finding["deadline"])).days
    return days if days > 0 else None


def due_state(finding: dict, as_of: date, soon_days: int = DUE_SOON_DAYS) -> str | None:
    """'overdue', 'due_soon' or None for ``finding`` on ``as_of``."""
    if finding["status"] not in OPEN or not finding.get("deadline"):
        return None
    if overdue_days(finding, as_of):
        return "overdue"
    deadline = date.fromisoformat(finding["deadline"])
    if deadline <= as_of + timedelta(days=soon_days):
        return "due_soon"
    return None


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

    def where(self, by_index: bool = True) -> tuple[str, list]:
        """Conditions on ``findings f`` alone: audit, enterprise and township filters become
        an ``audit_id IN (…)`` over the few hundred audits, so no count or page has to join
        a million rows. ``by_index``: a search as the list of row keys a search index gives
        (where one can), else as a test of each row read (see Findings._by_index)."""
        clauses, params = ["f.deleted_at IS NULL"], []
        audit_clauses, audit_params = [], []
        for column, value in (
            ("a.year", self.year),
            ("a.level", self.level),
            ("e.township_id", self.township_id),
            ("a.enterprise_id", self.enterprise_id),
        ):
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
            clauses.append(DUE_OPEN)
            if self.due == "overdue":
                clauses.append(f"{DUE_DEADLINE} < ?")
                params.append(self.as_of.isoformat())
            else:
                clauses.append(f"{DUE_DEADLINE} BETWEEN ? AND ?")
                params += [self.as_of.isoformat(), (self.as_of + timedelta(days=self.soon_days)).isoformat()]
        if self.open_only():
            # Redundant with the conditions above, but the very condition of the index of
            # open findings: with it SQLite may read that (small) index instead.
            clauses.append(OPEN_TERM)
        if self.text:
            # A substring of the description (plain instr() semantics, right for Chinese)
            # or of the enterprise's name (a few thousand names: instr() over them is cheap).
            named = NAMED_AUDITS
            index = search_index(self.text) if by_index else None
            if index is not None:
                # One list of row keys (the index's answer and the named enterprises'
                # findings), so a page walks it in key order instead of every row.
                table, match = index
                clauses.append(
                    f"f.rowid IN (SELECT rowid FROM {table} WHERE {table} MATCH ? UNION SELECT rowid FROM findings WHERE audit_id IN ({named}))"
                )
                params += [match, self.text]
            else:
                clauses.append(f"(instr(f.description, ?) > 0 OR f.audit_id IN ({named}))")
                params += [self.text, self.text]
        return " AND ".join(clauses), params

    def open_only(self) -> bool:
        """Only open findings can match: an open status, or a due filter (due dates are
        asked of open findings only)."""
        return self.status in OPEN or (self.due in ("overdue", "due_soon") and self.status in (None, ""))

    def audit_level(self) -> bool:
        """A condition on the findings' audits (year, level, township, enterprise, dates)."""
        return any(
            value not in (None, "")
            for value in (self.year, self.level, self.township_id, self.enterprise_id, self.audit_from, self.audit_to)
        )

    def narrowed(self) -> bool:
        """A condition besides status and due: audit-level, category or text."""
        return self.category not in (None, "") or bool(self.text) or self.audit_level()


# The partial index of open findings (migration 17) applies to a query that carries its
# condition word for word: FindingFilter.where adds this term whenever only open findings
# can match.
OPEN_TERM = "f." + OPEN_INDEX_WHERE.split(" AND ")[1]


def source(flt: FindingFilter) -> str:
    """FROM for a page in row order: open findings narrowed further (a few hundred of a
    million) are found through the index of open findings and sorted, rather than by
    walking a million rows in order past the few that match (0.27 s → 8 ms). An open
    status alone stays a walk: one row in twenty-five matches, the first page comes at once."""
    if flt.open_only() and flt.narrowed():
        return FROM.replace("findings f", f"findings f INDEXED BY {OPEN_INDEX}", 1)
    return FROM


# The trigram index (migration 15) answers substrings of three characters or more: a
# quoted phrase matches exactly the rows containing it, case included (the index is
# case-sensitive), as instr() would. One or two characters are looked up in the index of
# two-character pieces (migration 21) when that index can tell exactly
# (non-ASCII characters and digits); any other short text reads the descriptions with instr().
SEARCH_MIN = 3
# A search index's answer is used as a list of row keys up to this many; a longer list
# costs more to build (1M rowids: 2.7 s) than testing the text on the rows the other
# conditions select.
LIST_MAX = 20_000
# How 逾期/即将到期 begin theirs (see Findings.page).
DUE_OPEN = "f.status IN ('待整改','整改中')"
DUE_DEADLINE = "f.deadline"


def search_index(text: str | None) -> tuple[str, str] | None:
    """(index table, MATCH argument) of the index that finds exactly the descriptions
    holding ``text``, or None when none can."""
    if not text or "\x00" in text:  # FTS5 cuts a query at a NUL ("unterminated string")
        return None
    if len(text) >= SEARCH_MIN:
        return "findings_fts", fts_phrase(text)
    # The index's tokenizer splits at ASCII punctuation and spaces and folds ASCII case.
    if all(ord(c) > 127 or "0" <= c <= "9" for c in text):
        # Two characters are one piece; one character begins every piece holding it.
        return "findings_grams", f'"{text}"' if len(text) == 2 else f'"{text}" *'
    return None


# Audits read one by one for a sorted page with a text search before the rest is sorted at once.
SORTED_WALK_AUDITS = 8
# A filter selecting at most this many findings always has them sorted rather than walking
# a sort index (whose order meets a narrow filter's rows only here and there); see _few.
FEW_FLOOR = 2_000


# A search of one or two characters tests every description, in the index on it
# (migration 18: the text and the row key, a sixth of the table's pages) rather than in
# the table. Written with the index's expression so that the index alone answers it.
SHORT_MATCHES = (
    f"SELECT rowid FROM findings INDEXED BY {DESCRIPTION_INDEX} WHERE deleted_at IS NULL "
    "AND instr(COALESCE(description, ''), ?) > 0"
)
# Rows a page of a short search first reads in row order: a common text fills the page
# from them (one match in 100 is enough), a rare one is then looked up through the index.
SHORT_WINDOW = 20_000


def search_alone(flt: FindingFilter) -> bool:
    """A search and no other condition."""
    return bool(flt.text) and not (
        flt.category or flt.status or flt.due in ("overdue", "due_soon") or flt.audit_level()
    )


def short_search_alone(flt: FindingFilter) -> bool:
    """A search alone that no index answers (a short text of ASCII letters or punctuation)."""
    return search_alone(flt) and search_index(flt.text) is None


def fts_phrase(text: str) -> str:
    """``text`` as one FTS5 phrase: in double quotes, inner double quotes doubled."""
    return '"' + text.replace('"', '""') + '"'


# Columns a page can be sorted by, as never-NULL sort keys (a missing value sorts as the
# empty text, or 0), so "after the last key" is a plain comparison. The findings' own
# columns have an index on exactly these expressions (migration 16), so a first page reads
# 200 index entries instead of sorting a million rows; the audit-level ones (enterprise,
# township, year, level) are walked audit group by audit group (see Findings.page).
# "due" is the default order: open findings first, most overdue (earliest deadline) first,
# then those rectified awaiting verification, then closed ones — never a 2020 已销号 record
# at the top. It does not depend on the as-of day, so it can be indexed.
URGENCY = (
    "(CASE f.status WHEN '待整改' THEN '0' WHEN '整改中' THEN '0' WHEN '已整改' THEN '1' ELSE '2' END"
    " || COALESCE(f.deadline, '~'))"
)
DEFAULT_ORDER = "due"
AUDIT_LEVEL = ("enterprise", "township", "year", "level")
SORTABLE = {
    "due": URGENCY,
    "enterprise": "COALESCE(e.name, '')",
    "township": "COALESCE(t.name, '')",
    "year": "COALESCE(a.year, 0)",
    "level": "COALESCE(a.level, '')",
    "category": "COALESCE(f.category, '')",
    "description": "COALESCE(f.description, '')",
    "deadline": "COALESCE(f.deadline, '')",
    "status": "COALESCE(f.status, '')",
    "responsible": "COALESCE(f.responsible, '')",
}
AUDITS_WHERE = "SELECT a.id FROM audits a JOIN enterprises e ON e.id = a.enterprise_id WHERE a.deleted_at IS NULL AND"
# The audits of the enterprises whose name holds the searched text (its one parameter).
NAMED_AUDITS = f"{AUDITS_WHERE} instr(e.name, ?) > 0"


def _fixed_values(order: str, flt: FindingFilter) -> list[str] | None:
    """The only values the sort column can have under ``flt``, when the filter fixes them
    (sorting by 整改状态 while showing only 整改中, or only overdue — open — findings)."""
    if order == "status":
        if flt.status:
            return [flt.status]
        if flt.due in ("overdue", "due_soon"):
            return list(OPEN)
    if order == "category" and flt.category:
        return [flt.category]
    return None


def _key_range(order: str, key: str, flt: FindingFilter) -> list[tuple[str, list]]:
    """Conditions on the sort key itself implied by the filter (they select no row the
    filter would not), which SQLite can answer as a range of the sort index."""
    out: list[tuple[str, list]] = []
    open_only = flt.due in ("overdue", "due_soon") or flt.status in OPEN
    if order == "due":
        # Open findings' keys are 0 and the deadline: 逾期 and 即将到期 are ranges of them.
        if flt.due == "overdue":
            out.append((f"{key} < ?", ["0" + flt.as_of.isoformat()]))
        elif flt.due == "due_soon":
            soon = flt.as_of + timedelta(days=flt.soon_days)
            out.append((f"{key} >= ? AND {key} <= ?", ["0" + flt.as_of.isoformat(), "0" + soon.isoformat()]))
        elif open_only:
            out.append((f"{key} < ?", ["1"]))  # open findings: the keys starting with 0
        elif flt.status:
            prefix = "1" if flt.status == "已整改" else "2"
            out.append((f"{key} >= ? AND {key} < ?", [prefix, str(int(prefix) + 1)]))
    elif order == "deadline":
        if flt.due == "overdue":
            out.append((f"{key} < ?", [flt.as_of.isoformat()]))
        elif flt.due == "due_soon":
            out.append(
                (
                    f"{key} >= ? AND {key} <= ?",
                    [flt.as_of.isoformat(), (flt.as_of + timedelta(days=flt.soon_days)).isoformat()],
                )
            )
    return out


def _audit_clauses(flt: FindingFilter) -> tuple[list[str], list]:
    """The filter's conditions on the audit and enterprise alone (a sorted walk over the
    audits skips those that cannot match), as in :meth:`FindingFilter.where`: none at all
    (every audit, as the listing in row order has them) when it has none."""
    clauses, params = [], []
    for column, value in (
        ("a.year", flt.year),
        ("a.level", flt.level),
        ("e.township_id", flt.township_id),
        ("a.enterprise_id", flt.enterprise_id),
    ):
        if value not in (None, ""):
            clauses.append(f"{column} = ?")
            params.append(value)
    for op, value in ((">=", flt.audit_from), ("<=", flt.audit_to)):
        if value:
            clauses.append(f"a.audit_date {op} ?")
            params.append(value)
    return (["a.deleted_at IS NULL", *clauses] if clauses else []), params


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


# What a finding's edit may change; status and its dates move through the lifecycle.
EDITABLE = ("category", "description", "severity", "requirement", "deadline", "responsible", "note")


def _safe_name(name: str) -> str:
    """The original file name without folders or characters Windows refuses."""
    import re

    name = re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", Path(str(name)).name).strip(" .")
    return name or "佐证材料"


class Findings:
    def __init__(self, store) -> None:
        self.store = store
        # A short search's page that had to read the description index keeps the number of
        # descriptions matching (with the state of the data it was read in), so the count
        # asked right after it does not read the index a second time (see _short_search_page).
        self._short_count: tuple | None = None

    # -- reading ----------------------------------------------------------------------

    def page(
        self, flt: FindingFilter, after=0, limit: int = 200, *, order: str | None = None, descending: bool = False
    ) -> list[dict]:
        """The next ``limit`` findings after key ``after`` ("rows after the last key").

        Without ``order``, in row order: ``after`` is the last row's ``rk`` (0: from the
        start). With ``order`` (a key of :data:`SORTABLE`), by that column and then row
        order (for the audit-level columns: then audit, then row), ascending or descending:
        ``after`` is the last row's ``sk`` (None: from the start). Missing values sort first
        (last when descending), like empty text."""
        if order is None and search_alone(flt):
            index = search_index(flt.text)
            if index is not None:
                return self._search_page(flt.text, index, after or 0, limit)
            where, params = flt.where(by_index=False)
            return self._short_search_page(flt, where, params, after or 0, limit)
        listed = self._by_index(flt)
        where, params = flt.where(listed)
        if order is None:
            return self.store.query(
                f"SELECT {COLUMNS} {source(flt)} WHERE {where} AND f.rowid > ? ORDER BY f.rowid LIMIT ?",
                [*params, after or 0, limit],
            )
        try:
            key = SORTABLE[order]
        except KeyError:
            raise UserError(_("不能按“{0}”排序").format(order)) from None
        if order in AUDIT_LEVEL:
            return self._page_by_audit_key(flt, where, params, after, limit, key, descending, listed)
        column = {"status": "f.status", "category": "f.category"}.get(order)
        fixed = _fixed_values(order, flt)
        if fixed is not None:
            return self._page_by_values(where, params, after, limit, column, fixed, descending)
        if self._few(flt, limit):
            # The same text, but no longer the indexed expression: SQLite then reads the
            # few matches through the filter's own index and sorts them, instead of walking
            # the sort index past a million entries that fail the filter.
            return self._sorted_page(where, params, after, limit, f"({key} || '')", descending)
        # Many matches: walk the sort index. A search is then tested on each row walked,
        # not looked up as a list of row keys (building the list of a common text's 250,000
        # matches took longer than walking to the 200 of a page).
        if flt.text:
            where, params = flt.where(by_index=False)
        if flt.due in ("overdue", "due_soon"):
            # Nor may 逾期's or 即将到期's conditions: by them SQLite reads every open finding
            # due in the range (69,000 of a million overdue) and sorts them (0.2 s), where
            # the walk stops after a page (2 ms); they are tested on the rows walked, and
            # for the default order they are the sort key's range itself (_key_range).
            where = where.replace(DUE_OPEN, "+" + DUE_OPEN).replace(f"{DUE_DEADLINE} ", f"+{DUE_DEADLINE} ")
        # The part of the sort index the filter can match at all, as a range of the key, so
        # a descending walk does not first pass every row the filter excludes.
        for clause, values in _key_range(order, key, flt):
            where += f" AND {clause}"
            params = [*params, *values]
        return self._sorted_page(where, params, after, limit, key, descending)

    def _search_page(self, text: str, index: tuple[str, str], after: int, limit: int) -> list[dict]:
        """A page in row order for a search alone that an index answers. The index's matches
        and the named enterprises' findings are each read in row order only as far as the
        page reaches — listing all 250,000 matches of a common character to show 200 of them
        took longer than the rest of the search."""
        table, match = index
        named = self._named_keys(text)
        rows: list[dict] = []
        while len(rows) < limit:
            # At least a few dozen keys a round: soft-deleted matches crowding a page must
            # not bring it down to a round trip per key.
            want = max(limit - len(rows), 64)
            found = [
                r[0]
                for r in self.store.conn.execute(
                    f"SELECT rowid FROM {table} WHERE {table} MATCH ? AND rowid > ? ORDER BY rowid LIMIT ?",
                    (match, after, want),
                )
            ]
            by_name = named(after, want)
            # A list cut at ``want`` says nothing of the keys after its last one.
            ends = [keys[-1] for keys in (found, by_name) if len(keys) == want]
            both = sorted({*found, *by_name})
            keys = [k for k in both if k <= min(ends)][:want] if ends else both[:want]
            if not keys:
                break
            # Soft-deleted findings stay in the index (an undo brings them back): left out here.
            rows += self.store.query(
                f"SELECT {COLUMNS} {FROM} WHERE f.rowid IN ({','.join('?' * len(keys))}) AND f.deleted_at IS NULL "
                "ORDER BY f.rowid",
                keys,
            )
            after = keys[-1]
            if not ends and len(keys) == len(both):
                break  # both lists ended within this page
        return rows[:limit]  # the next page starts after the last row given

    def _by_index(self, flt: FindingFilter) -> bool:
        """Whether ``flt``'s search is best the index's list of row keys: when an index
        answers it and the list is short. A common text (问题, in every description) is
        tested on the rows the other conditions select instead."""
        index = search_index(flt.text)
        if index is None:
            return False
        return self._matches_up_to(index, LIST_MAX + 1) <= LIST_MAX

    def _matches_up_to(self, index: tuple[str, str], most: int) -> int:
        """How many rows ``index`` (a :func:`search_index` answer) holds, counted no further
        than ``most``."""
        table, match = index
        return self.store.scalar(
            f"SELECT COUNT(*) FROM (SELECT 1 FROM {table} WHERE {table} MATCH ? LIMIT ?)", [match, most]
        )

    def _named_total(self, text: str) -> int:
        """How many findings (not deleted) the enterprises whose name holds ``text`` have."""
        return self.store.scalar(
            f"SELECT COALESCE(SUM(found), 0) FROM finding_counts WHERE audit_id IN ({NAMED_AUDITS})",
            [text],
        )

    def _named_keys(self, text: str):
        """``(after, limit) -> row keys`` of the findings of enterprises whose name holds
        ``text``, in row order: none asked for when no name holds it; through the audits'
        index when they have few findings; else by walking the table in row order, which a
        common name fills quickly."""
        total = self._named_total(text)
        if not total:
            return lambda after, limit: []
        source = "findings INDEXED BY findings_audit_category" if total <= 10 * FEW_FLOOR else "findings NOT INDEXED"
        sql = f"SELECT rowid FROM {source} WHERE audit_id IN ({NAMED_AUDITS}) AND rowid > ? ORDER BY rowid LIMIT ?"
        return lambda after, limit: [r[0] for r in self.store.conn.execute(sql, (text, after, limit))]

    def _search_count(self, text: str, index: tuple[str, str]) -> int:
        """The findings a search alone lists: the index's answer less its soft-deleted
        findings (a few, tested one by one), plus the named enterprises' findings (from the
        per-audit counts) less those in both, counted from the smaller side. No list of a
        common text's 250,000 matches is built just to count it, and a text in every
        enterprise's name (有限) does not read a million descriptions."""
        table, match = index
        found = self.store.scalar(f"SELECT COUNT(*) FROM {table} WHERE {table} MATCH ?", [match])
        found -= self.store.scalar(
            f"SELECT COUNT(*) FROM findings INDEXED BY {DELETED_INDEX} WHERE deleted_at IS NOT NULL "
            "AND instr(COALESCE(description, ''), ?) > 0",
            [text],
        )
        named = self._named_total(text)
        if not (found and named):
            return found + named
        audits = f"({NAMED_AUDITS})"
        if found <= named:
            both = self.store.scalar(
                f"SELECT COUNT(*) FROM {table} CROSS JOIN findings f ON f.rowid = {table}.rowid "
                f"WHERE {table} MATCH ? AND f.deleted_at IS NULL AND f.audit_id IN {audits}",
                [match, text],
            )
        else:
            both = self.store.scalar(
                f"SELECT COUNT(*) FROM findings WHERE audit_id IN {audits} AND deleted_at IS NULL "
                "AND instr(COALESCE(description, ''), ?) > 0",
                [text, text],
            )
        return found + named - both

    def _short_search_page(self, flt: FindingFilter, where: str, params: list, after: int, limit: int) -> list[dict]:
        """A page in row order for a search of one or two characters alone. Reading the
        table in row order until the page is full stops early for a common text but reads
        all 220 MB of it for a rare one (0.2–1 s); so only SHORT_WINDOW rows are read that
        way, and the rest of the page comes from the matches found in the description
        index (at most about one row in a hundred, else the window would have filled it)."""
        rows = self.store.query(
            f"SELECT {COLUMNS} {FROM} WHERE {where} AND f.rowid > ? AND f.rowid <= ? ORDER BY f.rowid LIMIT ?",
            [*params, after, after + SHORT_WINDOW, limit],
        )
        if len(rows) >= limit:
            return rows
        named = f"SELECT rowid FROM findings WHERE audit_id IN ({NAMED_AUDITS})"
        # One read of the index gives the rest of the page and the number of matching
        # descriptions (the outer join keeps that number when the page has no more rows).
        rest = self.store.query(
            f"WITH m AS MATERIALIZED ({SHORT_MATCHES}) SELECT (SELECT COUNT(*) FROM m) AS matched, p.* "
            f"FROM (SELECT 1) LEFT JOIN (SELECT {COLUMNS} {FROM} WHERE f.deleted_at IS NULL AND f.rowid > ? AND "
            f"f.rowid IN (SELECT rowid FROM m UNION {named}) ORDER BY f.rowid LIMIT ?) p ORDER BY p.rk",
            [flt.text, after + SHORT_WINDOW, flt.text, limit - len(rows)],
        )
        state = self._data_state()
        if state is not None:
            self._short_count = (flt.text, state, rest[0]["matched"])
        for r in rest:
            del r["matched"]
        return rows + [r for r in rest if r["rk"] is not None]

    def _data_state(self):
        """What changes whenever the findings may have: this connection's changes and other
        connections' commits. None inside a transaction (it may yet roll back)."""
        conn = self.store.conn
        if conn.in_transaction:
            return None
        return (id(conn), conn.total_changes, conn.execute("PRAGMA data_version").fetchone()[0])

    def _short_matches(self, text: str) -> int:
        """The number of not-deleted findings whose description holds ``text``."""
        memo, self._short_count = self._short_count, None
        if memo is not None and memo[0] == text and memo[1] == self._data_state():
            return memo[2]
        return self.store.scalar(f"SELECT COUNT(*) FROM ({SHORT_MATCHES})", [text])

    def _page_by_values(
        self, where: str, params: list, after, limit: int, column: str, values: list[str], descending: bool
    ) -> list[dict]:
        """A page sorted by a column the filter holds to one value or a few: each value's
        rows are simply in row order (no sort, no index walk over other values' rows)."""
        sign, direction = ("<", "DESC") if descending else (">", "ASC")
        values = sorted(values, reverse=descending)
        if after:
            values = [v for v in values if (v <= after[0] if descending else v >= after[0])]
        rows: list[dict] = []
        for value in values:
            clause, extra = f" AND {column} = ?", [value]
            if after and value == after[0]:
                clause += f" AND f.rowid {sign} ?"
                extra.append(after[1])
            page = self.store.query(
                f"SELECT {COLUMNS} {FROM} WHERE {where}{clause} ORDER BY f.rowid {direction} LIMIT ?",
                [*params, *extra, limit - len(rows)],
            )
            for r in page:
                r["sk"] = (value, r["rk"])
            rows += page
            if len(rows) >= limit:
                break
        return rows

    def _few(self, flt: FindingFilter, limit: int) -> bool:
        """Whether ``flt`` surely selects few enough findings that sorting them beats walking
        the sort index, judged cheaply: from the per-audit counts for a filter by audit or
        enterprise, from the search index for a text search (with the enterprises whose
        name holds the text).

        Walking reads about ``limit / share`` index entries and their rows, where share is
        the filter's part of all N findings; sorting reads all ``n = share * N`` matches. The
        two cost the same (per row, measured alike) when ``n * n = limit * N``: 14,000 for a
        200-row page of a million findings."""
        total = self.store.scalar("SELECT COALESCE(SUM(found), 0) FROM finding_counts")
        few = max(FEW_FLOOR, int((limit * total) ** 0.5))
        clauses, params = _audit_clauses(flt)
        if clauses:
            audited = self.store.scalar(
                "SELECT COALESCE(SUM(c.found), 0) FROM finding_counts c JOIN audits a ON a.id = c.audit_id "
                f"JOIN enterprises e ON e.id = a.enterprise_id WHERE {' AND '.join(clauses)}",
                params,
            )
            if audited <= few:
                return True
            if audited <= 8 * few and any((flt.category, flt.status, flt.due, flt.text)):
                # The audits hold a few times too many, but the other conditions leave some
                # part of them, and then walking costs their inverse share: sorting is bounded
                # (those audits' rows), walking is not (measured: 23,000 rows of some audits,
                # 926 of them 待整改, walked in 1.7-2 s, sorted in 0.1 s).
                return True
        index = search_index(flt.text)
        if index is not None:
            return self._matches_up_to(index, few + 1) + self._named_total(flt.text) <= few
        return False

    def _sorted_page(self, where: str, params: list, after, limit: int, key: str, descending: bool) -> list[dict]:
        sign, direction = ("<", "DESC") if descending else (">", "ASC")
        if after:
            value, rowid = after
            where += f" AND ({key} {sign} ? OR ({key} = ? AND f.rowid {sign} ?))"
            params = [*params, value, value, rowid]
        rows = self.store.query(
            f"SELECT {COLUMNS}, {key} AS sort_value {FROM} WHERE {where} ORDER BY {key} {direction}, "
            f"f.rowid {direction} LIMIT ?",
            [*params, limit],
        )
        for r in rows:
            r["sk"] = (r.pop("sort_value"), r["rk"])
        return rows

    def _page_by_audit_key(
        self, flt: FindingFilter, where: str, params: list, after, limit: int, key: str, descending: bool, listed: bool
    ) -> list[dict]:
        """A page sorted by a column of the audit or enterprise, which no index on findings
        can hold. The order is (value, audit, row): the few hundred audits the filter can
        match are put in order here, then read one after another, each in row order through
        the index by audit (a few thousand entries), until the page is full. Sorting a
        million joined rows instead takes seconds. ``sk`` is (value, audit id, rowid).

        A text search's index answers, when ``where`` holds them (``listed``), are a set
        SQLite builds once per statement: when the first audits read give few matches, the
        rest is one sorted statement over the matches instead of a set rebuilt for every
        audit."""
        sign, direction = ("<", "DESC") if descending else (">", "ASC")
        clauses, audit_params = _audit_clauses(flt)
        audits = [
            (r["v"], r["id"])
            for r in self.store.query(
                f"SELECT {key} AS v, a.id FROM audits a JOIN enterprises e ON e.id = a.enterprise_id "
                f"LEFT JOIN townships t ON t.id = e.township_id WHERE {' AND '.join(clauses) or '1'} "
                f"ORDER BY v {direction}, a.id {direction}",
                audit_params,
            )
        ]
        if after:  # resume at the last row's audit (or the next one, if it has gone since)
            mark = tuple(after[:2])
            audits = [x for x in audits if (x <= mark if descending else x >= mark)]
        rows: list[dict] = []
        for visited, (value, audit_id) in enumerate(audits):
            if listed and visited == SORTED_WALK_AUDITS:
                rows += self._sorted_by_audit(where, params, after, limit - len(rows), key, descending)
                break
            clause, extra = " AND f.audit_id = ?", [audit_id]
            if after and (value, audit_id) == tuple(after[:2]):
                clause += f" AND f.rowid {sign} ?"
                extra.append(after[2])
            page = self.store.query(
                f"SELECT {COLUMNS} {FROM} WHERE {where}{clause} ORDER BY f.rowid {direction} LIMIT ?",
                [*params, *extra, limit - len(rows)],
            )
            for r in page:
                r["sk"] = (value, audit_id, r["rk"])
            rows += page
            if len(rows) >= limit:
                break
            after = (value, audit_id, -1 if descending else 2**63 - 1)  # past this audit's rows
        return rows

    def _sorted_by_audit(self, where: str, params: list, after, limit: int, key: str, descending: bool) -> list[dict]:
        sign, direction = ("<", "DESC") if descending else (">", "ASC")
        if after:
            value, audit_id, rowid = after
            where += f" AND ({key} {sign} ? OR ({key} = ? AND (a.id {sign} ? OR (a.id = ? AND f.rowid {sign} ?))))"
            params = [*params, value, value, audit_id, audit_id, rowid]
        rows = self.store.query(
            f"SELECT {COLUMNS}, {key} AS sort_value {FROM} WHERE {where} "
            f"ORDER BY {key} {direction}, a.id {direction}, f.rowid {direction} LIMIT ?",
            [*params, limit],
        )
        for r in rows:
            r["sk"] = (r.pop("sort_value"), r["audit_id"], r["rk"])
        return rows

    def rows(self, keys: list[int]) -> list[dict]:
        """The findings with these row keys (``rk``), as :meth:`page` gives them, in key order."""
        if not keys:
            return []
        return self.store.query(
            f"SELECT {COLUMNS} {FROM} WHERE f.rowid IN ({','.join('?' * len(keys))}) ORDER BY f.rowid", list(keys)
        )

    def count(self, flt: FindingFilter) -> int:
        if not any((flt.category, flt.status, flt.due in ("overdue", "due_soon"), flt.text)):
            # Only audit-level conditions (or none): the sum of the per-audit counts
            # (migration 15) rather than a pass over a million findings.
            where, params = flt.where(by_index=False)
            audits = where.removeprefix("f.deleted_at IS NULL").removeprefix(" AND ")
            return self.store.scalar(
                "SELECT COALESCE(SUM(f.found), 0) FROM finding_counts f" + (f" WHERE {audits}" if audits else ""),
                params,
            )
        index = search_index(flt.text) if search_alone(flt) else None
        if index is not None:
            return self._search_count(flt.text, index)
        if short_search_alone(flt):
            # The descriptions holding the text, counted in the index on them, and the
            # named enterprises' other findings (found by audit).
            return self._short_matches(flt.text) + self.store.scalar(
                f"SELECT COUNT(*) FROM findings f WHERE f.deleted_at IS NULL AND f.audit_id IN "
                f"({NAMED_AUDITS}) AND instr(f.description, ?) = 0",
                [flt.text] * 2,
            )
        where, params = flt.where(self._by_index(flt))
        if flt.open_only():
            # Open findings only: counted from the index of open findings alone. Without
            # the hint the planner, which cannot tell how rare an open finding is, goes
            # by category or audit and reads every matching row.
            return self.store.scalar(f"SELECT COUNT(*) FROM findings f INDEXED BY {OPEN_INDEX} WHERE {where}", params)
        if flt.status and not (flt.narrowed() or flt.due):
            # A status alone (a closed one, most of the table): its entries in the
            # (status, deadline) index less the few deleted ones — no row read per match.
            return self.store.scalar(
                f"SELECT (SELECT COUNT(*) FROM findings WHERE status = ?) - (SELECT COUNT(*) FROM findings "
                f"INDEXED BY {DELETED_INDEX} WHERE deleted_at IS NOT NULL AND status = ?)",
                [flt.status] * 2,
            )
        return self.store.scalar(f"SELECT COUNT(*) FROM findings f WHERE {where}", params)

    def matches(self, flt: FindingFilter, finding_id: str) -> bool:
        """Whether the finding is among those ``flt`` lists (a new one may not be: the
        tab then clears what hides it)."""
        where, params = flt.where(by_index=False)  # one row: tested, no list built
        return bool(
            self.store.scalar(f"SELECT COUNT(*) FROM findings f WHERE {where} AND f.id = ?", [*params, finding_id])
        )

    def get(self, finding_id: str) -> dict:
        rows = self.store.query(f"SELECT {COLUMNS} {FROM} WHERE f.id = ?", (finding_id,))
        if not rows:
            raise UserError(_("问题记录不存在：{0}").format(finding_id))
        return rows[0]

    def categories(self) -> list[str]:
        """The checklist of finding categories (configurable; seeded with the official items)."""
        return [
            r["name"]
            for r in self.store.query("SELECT name FROM finding_categories WHERE deleted_at IS NULL ORDER BY position")
        ]

    def add_category(self, name: str) -> str:
        name = (name or "").strip()
        if not name:
            raise UserError(_("问题类别名称不能为空"))
        position = (self.store.scalar("SELECT MAX(position) FROM finding_categories") or 0) + 1
        return self.store.insert("finding_categories", {"name": name, "position": position})

    def remove_category(self, name: str) -> None:
        """Retire a category from the checklist; findings already filed keep it."""
        row = self.store.query("SELECT id FROM finding_categories WHERE name = ? AND deleted_at IS NULL", (name,))
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

    def years(self) -> list[int]:
        return [
            r["year"]
            for r in self.store.query("SELECT DISTINCT year FROM audits WHERE deleted_at IS NULL ORDER BY year")
        ]

    # -- editing ------------------------------------------------------------------------

    def update(self, finding_id: str, changes: dict, *, today: date | None = None) -> None:
        """Correct a finding's own fields (description, category, deadline, responsible …),
        judged by the same finding validator as an imported row. Status and the dates that
        go with it move only through :meth:`transition`, which keeps the lifecycle events."""
        unknown = set(changes) - set(EDITABLE)
        if unknown:
            raise UserError(
                _("问题的“{0}”不能在此修改（整改状态请用“开始整改/标记已整改/验收销号”）").format(
                    "、".join(sorted(unknown))
                )
            )
        finding = self.store.get("findings", finding_id)
        cleaned = {k: blank_to_none(v) for k, v in changes.items()}
        cleaned = {k: v for k, v in cleaned.items() if v != finding[k]}
        if not cleaned:
            return
        audit = self.store.get("audits", finding["audit_id"])
        failure = finding_reason(
            {**finding, **cleaned},
            audit_year=audit["year"],
            inspected=audit["audit_date"],
            categories=self.categories(),
            today=today or self.store.today(),
            stored=finding,
        )
        if failure:
            raise UserError(failure)
        self.store.update("findings", finding_id, cleaned)

    def delete(self, finding_id: str, reason: str) -> None:
        """Soft-delete a finding, with why (kept on the row and in history; :meth:`restore`)."""
        self.store.soft_delete("findings", finding_id, deletion_reason(reason, _("删除问题")))

    def restore(self, finding_id: str) -> None:
        """Bring back a deleted finding (its audit must still be there)."""
        finding = self.store.get("findings", finding_id, include_deleted=True)
        try:
            self.store.get("audits", finding["audit_id"])
        except UserError:
            raise UserError(_("该问题所属的考核已删除，请先恢复考核")) from None
        self.store.restore("findings", finding_id)

    def deleted(self, limit: int = 500) -> list[dict]:
        """Deleted findings whose audit is still there, newest deletion first (to restore)."""
        return self.store.query(
            """SELECT f.id, f.category, f.description, f.deleted_at, f.deleted_reason, a.year, a.level,
                   e.name AS enterprise FROM findings f JOIN audits a ON a.id = f.audit_id
                   JOIN enterprises e ON e.id = a.enterprise_id
                WHERE f.deleted_at IS NOT NULL AND a.deleted_at IS NULL
                ORDER BY f.deleted_at DESC LIMIT ?""",
            (limit,),
        )

    def history(self, finding_id: str) -> list[dict]:
        """Changes of the finding and of its evidence files, newest first."""
        return self.store.history_with_children("findings", finding_id, (("attachments", "finding_id"),))

    # -- lifecycle ----------------------------------------------------------------------

    def allowed(self, finding: dict) -> tuple[str, ...]:
        return TRANSITIONS.get(finding["status"], ())

    def transition(
        self,
        finding_id: str,
        to: str,
        *,
        rectified_date: str | None = None,
        verifier: str | None = None,
        verified_date: str | None = None,
        reason: str | None = None,
        today: date | None = None,
    ) -> None:
        """Move a finding along its lifecycle. The new state is judged by the same finding
        validator as a typed or imported record, and the move is kept as an event with the
        day it took effect, so figures as of an earlier day still see the earlier state."""
        finding = self.store.get("findings", finding_id)
        audit = self.store.get("audits", finding["audit_id"])
        current = finding["status"]
        if to not in self.allowed(finding):
            raise UserError(_("问题当前为“{0}”，不能直接改为“{1}”").format(current, to))
        today = today or self.store.today()
        reason = (reason or "").strip() or None
        if (current, to) in NEEDS_REASON and not reason:
            raise UserError(_("将“{0}”的问题退回“整改中”需要填写原因").format(current))
        changes: dict = {"status": to}
        if to == "已整改":
            done = _date(rectified_date or finding["rectified_date"], _("整改完成日期"))
            if done is None:
                raise UserError(_("标记为已整改需要填写整改完成日期"))
            changes["rectified_date"] = done.isoformat()
        if to == "已销号":
            checked = _date(verified_date, _("验收日期"))
            changes.update(
                verifier=(verifier or "").strip() or None, verified_date=checked.isoformat() if checked else None
            )
        withdrawn = {}
        if to == "整改中" and current in RECTIFIED:
            # Sent back: the earlier rectification and verification no longer stand, but
            # they did stand until today, and the event keeps them for figures as of then.
            withdrawn = {"rectified_date": finding["rectified_date"], "verified_date": finding["verified_date"]}
            changes.update(rectified_date=None, verifier=None, verified_date=None)
        failure = finding_reason(
            {**finding, **changes},
            audit_year=audit["year"],
            inspected=audit["audit_date"],
            categories=self.categories(),
            today=today,
            stored=finding,
        )
        if failure:
            raise UserError(failure)
        effective = {"已整改": changes.get("rectified_date"), "已销号": changes.get("verified_date")}.get(to)
        with self.store.transaction():
            self.store.update("findings", finding_id, changes)
            self.store.insert(
                "finding_events",
                {
                    "finding_id": finding_id,
                    "from_status": current,
                    "to_status": to,
                    "reason": reason,
                    "operator": self.store.operator,
                    "effective_date": effective or today.isoformat(),
                    **withdrawn,
                },
            )

    def events(self, finding_id: str) -> list[dict]:
        return self.store.query(
            "SELECT * FROM finding_events WHERE finding_id = ? AND deleted_at IS NULL ORDER BY created_at, rowid",
            (finding_id,),
        )

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
        version = 1 + (
            self.store.scalar(
                "SELECT MAX(version) FROM attachments WHERE finding_id = ? AND original_name = ? "
                "AND deleted_at IS NULL",
                (finding_id, source.name),
            )
            or 0
        )
        return self.store.insert(
            "attachments",
            {
                "finding_id": finding_id,
                "original_name": source.name,
                "sha256": sha,
                "size": source.stat().st_size,
                "version": version,
                "operator": self.store.operator,
            },
        )

    def attachments(self, finding_id: str) -> list[dict]:
        return self.store.query(
            "SELECT * FROM attachments WHERE finding_id = ? AND deleted_at IS NULL ORDER BY original_name, version",
            (finding_id,),
        )

    def open_copy(self, attachment_id: str) -> Path:
        """A copy of an evidence file under its original name and extension, in this
        process's temporary folder (removed at exit): the stored file is named by its hash,
        which no viewer can open by extension. The copy is checked against its SHA-256."""
        item = self.store.get("attachments", attachment_id)
        self._check(item)
        from ycdesk.tempdir import process_dir

        folder = process_dir() / "evidence" / item["id"]
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / _safe_name(item["original_name"])
        shutil.copyfile(self.attachment_path(item), target)
        return target

    def save_copy(self, attachment_id: str, dest: str | Path) -> Path:
        """Save an evidence file out to ``dest`` (byte for byte, checked first)."""
        item = self.store.get("attachments", attachment_id)
        self._check(item)
        dest = Path(dest)
        if dest.resolve() == self.attachment_path(item).resolve():
            raise UserError(_("不能保存到工作区的佐证文件夹本身"))
        try:
            tmp = dest.with_name(dest.name + ".part")
            shutil.copyfile(self.attachment_path(item), tmp)
            tmp.replace(dest)
        except OSError as exc:
            raise UserError(_("无法保存到“{0}”：{1}").format(dest, exc.strerror or exc)) from None
        return dest

    def remove_attachment(self, attachment_id: str, reason: str) -> None:
        """Take an evidence file off a finding, with why. The row is soft-deleted (history
        keeps who, when and the reason); the stored file stays, so undo can bring it back."""
        self.store.soft_delete("attachments", attachment_id, deletion_reason(reason, _("移除佐证材料")))

    def _check(self, item: dict) -> None:
        if not self.verify(item):
            raise UserError(_("“{0}”缺失或已被改动（SHA-256 不符）").format(item["original_name"]))

    def attachment_path(self, attachment: dict) -> Path:
        return self.files_dir / attachment["sha256"][:2] / attachment["sha256"]

    def verify(self, attachment: dict) -> bool:
        path = self.attachment_path(attachment)
        if not path.exists():
            return False
        return hashlib.sha256(path.read_bytes()).hexdigest() == attachment["sha256"]

    # -- repeats ---------------------------------------------------------------------------

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
        return {
            r["id"]
            for r in self.store.query(
                f"""SELECT f.id FROM findings f JOIN audits a ON a.id = f.audit_id
                WHERE f.deleted_at IS NULL {extra} AND EXISTS (
                  SELECT 1 FROM audits a2 WHERE a2.enterprise_id = a.enterprise_id
                    AND a2.year < a.year AND a2.deleted_at IS NULL AND EXISTS (
                      SELECT 1 FROM findings f2 WHERE f2.audit_id = a2.id
                        AND f2.category = f.category AND f2.deleted_at IS NULL))""",
                params,
            )
        }
