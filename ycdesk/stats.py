"""Every figure ycdesk reports, computed in one place, as of a date and for a scope.

数据截至 D ("as of D") means, for each kind of figure:

- **audits**: an audit counts once it is dated on or before D (an audit entered without a
  date counts from the end of its year). Units (考核单位) are the distinct enterprises of
  those audits, whether or not an audit found anything.
- **findings** belong to their audit and count with it. A finding is *rectified* as of D
  when its completion date (整改完成日期) is on or before D — or it was rectified on or
  before D and only sent back after D; *closed* (销号) likewise by its verification date;
  *open* otherwise; *overdue* when open and its deadline is before D.
- **investment**: records whose period ends on or before D (an annual figure at its year's
  end); planned-to-date follows the plan's profile up to D.
- **indicators**: observations whose period ends on or before D; the latest of them is the
  indicator's value.

Scope is the whole district or one township: the township's enterprises (audits and
findings), its projects and its own observations.

Tabs, charts, ``summary``, exports and reports all ask this module, so one question gets
one number everywhere, and the figures of a closed period do not move when later data
arrives. A correction of the past (a late-entered 2023 finding, a deleted record) does
change them: that is what the register of issued reports detects.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from ycdesk.townships import DISTRICT

RATE_TARGETS = {"产生": 96, "经营": 100}  # 规范化管理达标率 targets in the plan's text
AGE_BUCKETS = ("≤30天", "31–90天", ">90天")


@dataclass(frozen=True)
class Cut:
    """The question every figure answers: as of which day, for which township (None: 全区)."""

    as_of: date
    township_id: str | None = None
    # Optional narrowing of the audits counted (a year, a level, audits dated from a day).
    year: int | None = None
    level: str | None = None
    dated_from: date | None = None
    enterprise_id: str | None = None

    @property
    def day(self) -> str:
        return self.as_of.isoformat()


def rate(part: int, whole: int) -> Decimal | None:
    """A percentage with one decimal, rounded half up (never a binary-float artefact)."""
    if not whole:
        return None
    return (Decimal(100 * part) / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def age_bucket(days_overdue: int) -> str:
    return AGE_BUCKETS[0] if days_overdue <= 30 else AGE_BUCKETS[1] if days_overdue <= 90 else AGE_BUCKETS[2]


# -- the state of a finding as of a day ------------------------------------------------------


def _withdrawn_events(field_name: str, day: str) -> str:
    """Send-backs that withdrew a rectification (or verification) made on or before ``day``
    only after ``day``: on ``day`` those findings were still rectified (or closed)."""
    return (
        f"SELECT finding_id FROM finding_events WHERE deleted_at IS NULL AND to_status = '整改中' "
        f"AND {field_name} <= '{day}' AND effective_date > '{day}'"
    )


def _withdrawn(store, day: str, field_name: str) -> str | None:
    """SQL for the findings of :func:`_withdrawn_events`, or None when there are none, so
    the usual query carries no subquery at all."""
    if not store.scalar(f"SELECT EXISTS ({_withdrawn_events(field_name, day)})"):
        return None
    return f"f.id IN ({_withdrawn_events(field_name, day)})"


def rectified_on(store, day: date):
    """A test ``finding → bool``: rectified as of ``day`` (the rule of :func:`state_sql`,
    for findings already in hand, such as the rows of an export)."""
    text = day.isoformat()
    withdrawn = {r["finding_id"] for r in store.query(_withdrawn_events("rectified_date", text))}
    return lambda f: bool(f["rectified_date"] and f["rectified_date"] <= text) or f["id"] in withdrawn


def audit_dated(audit: dict) -> str:
    """The day an audit counts from: its date, or the end of its year without one."""
    return audit["audit_date"] or f"{audit['year']}-12-31"


def state_sql(store, day: str) -> tuple[str, str]:
    """SQL expressions (1/0) over ``findings f``: rectified as of ``day``, closed as of ``day``.

    ``day`` is an ISO date produced here (``date.isoformat``), never user text, so it is
    written into the SQL: the expressions are repeated inside aggregates."""
    date.fromisoformat(day)  # refuse anything that is not a plain date
    out = []
    for column in ("rectified_date", "verified_date"):
        base = f"COALESCE(f.{column} <= '{day}', 0)"  # no date: not (yet) rectified, never NULL
        withdrawn = _withdrawn(store, day, column)
        out.append(base if withdrawn is None else f"(CASE WHEN {base} THEN 1 WHEN {withdrawn} THEN 1 ELSE 0 END)")
    return out[0], out[1]


# -- audits in a cut -----------------------------------------------------------------------


def _audit_where(cut: Cut) -> tuple[str, list]:
    """WHERE over ``audits a JOIN enterprises e`` for the audits a cut counts."""
    where = ["a.deleted_at IS NULL", "COALESCE(a.audit_date, a.year || '-12-31') <= ?"]
    params: list = [cut.day]
    if cut.dated_from is not None:
        where.append("COALESCE(a.audit_date, a.year || '-12-31') >= ?")
        params.append(cut.dated_from.isoformat())
    for column, value in (
        ("e.township_id", cut.township_id),
        ("a.year", cut.year),
        ("a.level", cut.level),
        ("a.enterprise_id", cut.enterprise_id),
    ):
        if value not in (None, ""):
            where.append(f"{column} = ?")
            params.append(value)
    return " AND ".join(where), params


AUDITS_FROM = "audits a JOIN enterprises e ON e.id = a.enterprise_id"


def _audits(store, cut: Cut) -> list[dict]:
    where, params = _audit_where(cut)
    return store.query(
        f"""SELECT a.id, a.enterprise_id, a.year, a.level, a.audit_date, a.score, a.result, e.role,
                   COALESCE(t.name, '未填镇街') AS township
            FROM {AUDITS_FROM} LEFT JOIN townships t ON t.id = e.township_id
            WHERE {where}
            ORDER BY a.year, CASE a.level WHEN '市级' THEN 0 ELSE 1 END, a.rowid""",
        params,
    )


def _per_audit(store, cut: Cut) -> dict[str, dict]:
    """found / rectified / closed / overdue per audit of the cut.

    Read from the per-audit counts (migration 15) less the findings dated after the day,
    so only the findings not rectified (or not verified) by the day are read, never the
    whole table: rectified as of D = rectified by any date − rectified after D (+ those
    rectified by D and withdrawn only after D), and likewise closed."""
    day = cut.day
    where, params = _audit_where(cut)
    # The unary + keeps the planner off the audit_id indexes (see _open).
    in_cut = f"+f.audit_id IN (SELECT a.id FROM {AUDITS_FROM} WHERE {where})"
    per = {
        r["audit_id"]: {
            "audit_id": r["audit_id"],
            "found": r["found"],
            "rectified": r["rectified"],
            "closed": r["verified"],
            "overdue": 0,
        }
        for r in store.query(f"SELECT f.* FROM finding_counts f WHERE f.found > 0 AND {in_cut[1:]}", params)
    }
    for column, key, index in (
        ("rectified_date", "rectified", "findings_unrectified"),
        ("verified_date", "closed", "findings_verified"),
    ):
        for r in store.query(
            f"""SELECT f.audit_id, COUNT(*) AS n FROM findings f INDEXED BY {index}
                    WHERE f.deleted_at IS NULL AND f.{column} > ? AND {in_cut} GROUP BY f.audit_id""",
            [day, *params],
        ):
            per[r["audit_id"]][key] -= r["n"]
        withdrawn = _withdrawn(store, day, column)
        if withdrawn is not None:  # rectified (verified) by the day, sent back after it
            for r in store.query(
                f"""SELECT f.audit_id, COUNT(*) AS n FROM findings f WHERE f.deleted_at IS NULL
                        AND {withdrawn} AND NOT COALESCE(f.{column} <= ?, 0) AND {in_cut} GROUP BY f.audit_id""",
                [day, *params],
            ):
                per[r["audit_id"]][key] += r["n"]
    open_sql, open_params = _open(store, cut)
    for r in store.query(
        f"SELECT o.audit_id, COUNT(*) AS n FROM {open_sql} o WHERE o.deadline < ? GROUP BY o.audit_id",
        [*open_params, day],
    ):
        per[r["audit_id"]]["overdue"] = r["n"]
    return per


def _totals(audits: list[dict], per: dict[str, dict]) -> dict:
    found = sum(per[a["id"]]["found"] for a in audits if a["id"] in per)
    rectified = sum(per[a["id"]]["rectified"] or 0 for a in audits if a["id"] in per)
    closed = sum(per[a["id"]]["closed"] or 0 for a in audits if a["id"] in per)
    overdue = sum(per[a["id"]]["overdue"] or 0 for a in audits if a["id"] in per)
    return {
        "audits": len(audits),
        "units": len({a["enterprise_id"] for a in audits}),
        "found": found,
        "rectified": rectified,
        "closed": closed,
        "open": found - rectified,
        "overdue": overdue,
        "rectification_rate": rate(rectified, found),
    }


def audit_figures(store, cut: Cut) -> dict:
    """Audits, units, findings found / rectified / closed / open / overdue, the rectification
    rate and the 规范化管理达标率 of producing and operating units, as of the cut."""
    return _figures(_audits(store, cut), _per_audit(store, cut))


def audit_figures_by_year_level(store, cut: Cut) -> list[dict]:
    """One row per (audit year, level) as of the cut: audits, units, found, rectified."""
    return _by_year_level(_audits(store, cut), _per_audit(store, cut))


def open_by_township(store, cut: Cut) -> list[dict]:
    """Open and overdue findings per township as of the cut, most open first."""
    return _by_township(_audits(store, cut), _per_audit(store, cut))


def audit_views(store, cut: Cut, period_from: date | None = None) -> dict:
    """The three above from one read of the cut's audits and counts, for screens and
    reports that show them together (the read is most of the cost). With ``period_from``
    also ``period_figures``: :func:`audit_figures` for the cut narrowed to audits dated
    from that day. An audit's figures depend only on the audit and the day, and those
    audits are among the cut's, so they come from the same read."""
    audits, per = _audits(store, cut), _per_audit(store, cut)
    out = {
        "figures": _figures(audits, per),
        "by_year_level": _by_year_level(audits, per),
        "by_township": _by_township(audits, per),
    }
    if period_from is not None:
        out["period_figures"] = _figures(_audits(store, replace(cut, dated_from=period_from)), per)
    return out


def _figures(audits: list[dict], per: dict[str, dict]) -> dict:
    out = _totals(audits, per)
    for role, target in RATE_TARGETS.items():
        judged = [a for a in audits if a["result"] and a["role"] and role in a["role"]]
        out[f"pass_rate_{role}"] = rate(sum(1 for a in judged if a["result"] == "达标"), len(judged))
        out[f"pass_target_{role}"] = target
    return out


def _by_year_level(audits: list[dict], per: dict[str, dict]) -> list[dict]:
    groups: dict[tuple, list[dict]] = {}
    for a in audits:
        groups.setdefault((a["year"], a["level"]), []).append(a)
    rows = []
    for (year, level), members in groups.items():
        t = _totals(members, per)
        rows.append(
            {
                "year": year,
                "level": level,
                "audits": t["audits"],
                "units": t["units"],
                "found": t["found"],
                "rectified": t["rectified"],
                "open": t["open"],
            }
        )
    return rows


def _by_township(audits: list[dict], per: dict[str, dict]) -> list[dict]:
    towns: dict[str, dict] = {}
    for a in audits:
        c = per.get(a["id"])
        if not c:
            continue
        still_open = c["found"] - (c["rectified"] or 0)
        if still_open:
            town = towns.setdefault(a["township"], {"township": a["township"], "open": 0, "overdue": 0})
            town["open"] += still_open
            town["overdue"] += c["overdue"] or 0
    return sorted(towns.values(), key=lambda t: (-t["open"], t["township"]))


def _open(store, cut: Cut) -> tuple[str, list]:
    """A subquery of the findings open as of the cut, in its audits — columns ``rk``
    (rowid), ``audit_id``, ``deadline`` — and its parameters.

    Open as of D: no rectification date on or before D, and not withdrawn after D. Both
    halves (no date; a date after D) are ranges of the index of findings by rectification
    date (migration 15), read without touching the table: the open findings and those
    rectified later, not the million closed ones."""
    date.fromisoformat(cut.day)  # a plain date, written into the SQL like state_sql's
    where, params = _audit_where(cut)
    withdrawn = _withdrawn(store, cut.day, "rectified_date")
    # The unary + keeps the planner off the audit_id indexes, which would read every
    # finding of every audit.
    rest = f"AND +f.audit_id IN (SELECT a.id FROM {AUDITS_FROM} WHERE {where})" + (
        "" if withdrawn is None else f" AND NOT {withdrawn}"
    )
    half = (
        "SELECT f.rowid AS rk, f.audit_id, f.deadline FROM findings f INDEXED BY findings_unrectified "
        "WHERE f.deleted_at IS NULL AND {} " + rest
    )
    later = f"f.rectified_date > '{cut.day}'"
    return f"({half.format('f.rectified_date IS NULL')} UNION ALL {half.format(later)})", params * 2


def open_deadlines(store, cut: Cut) -> dict[str | None, int]:
    """The findings open as of the cut, counted by deadline (None: no deadline). One read
    of the open findings answers every figure by deadline — overdue, due soon, how long
    overdue — where each used to read them again (the 危废考核 panel read 75,000 open
    findings of a million twice)."""
    open_sql, params = _open(store, cut)
    return {
        r["d"]: r["n"]
        for r in store.query(f"SELECT o.deadline AS d, COUNT(*) AS n FROM {open_sql} o GROUP BY d", params)
    }


def due(store, cut: Cut, soon_days: int, deadlines: dict | None = None) -> dict[str, int]:
    """Open findings overdue, and due within ``soon_days`` (deadline today counts as due).
    ``deadlines``: :func:`open_deadlines` of the same cut, when already read."""
    deadlines = open_deadlines(store, cut) if deadlines is None else deadlines
    soon = (cut.as_of + timedelta(days=soon_days)).isoformat()
    return {
        "overdue": sum(n for d, n in deadlines.items() if d is not None and d < cut.day),
        "due_soon": sum(n for d, n in deadlines.items() if d is not None and cut.day <= d <= soon),
    }


def ageing(store, cut: Cut, deadlines: dict | None = None) -> dict[str, int]:
    """Overdue open findings by how long they are overdue, as of the cut. ``deadlines``:
    :func:`open_deadlines` of the same cut, when already read."""
    deadlines = open_deadlines(store, cut) if deadlines is None else deadlines
    buckets = dict.fromkeys(AGE_BUCKETS, 0)
    for d, n in deadlines.items():
        if d is not None and d < cut.day:
            buckets[age_bucket((cut.as_of - date.fromisoformat(d)).days)] += n
    return buckets


def oldest_overdue(store, cut: Cut, limit: int) -> list[dict]:
    """The ``limit`` findings overdue longest as of the cut, with their status on that day.
    The ``limit`` are chosen from the open subquery's own columns (an index range), so
    only they are read from the table, not every overdue finding."""
    open_sql, params = _open(store, cut)
    rows = store.query(
        f"""SELECT f.id, f.category, f.deadline, f.status, e.name AS enterprise,
                   COALESCE(t.name, '') AS township
            FROM findings f JOIN audits a ON a.id = f.audit_id JOIN enterprises e ON e.id = a.enterprise_id
            LEFT JOIN townships t ON t.id = e.township_id
            WHERE f.rowid IN (SELECT o.rk FROM {open_sql} o WHERE o.deadline < ? ORDER BY o.deadline, o.rk LIMIT ?)
            ORDER BY f.deadline, f.rowid LIMIT ?""",
        [*params, cut.day, limit, limit],
    )
    return [
        {
            "enterprise": r["enterprise"],
            "township": r["township"],
            "category": r["category"],
            "deadline": r["deadline"],
            "days": (cut.as_of - date.fromisoformat(r["deadline"])).days,
            "status": open_status_at(store, r, cut.day),
        }
        for r in rows
    ]


def open_status_at(store, finding: dict, day: str) -> str:
    """待整改 or 整改中 for a finding open on ``day``: the status the first lifecycle move after
    ``day`` started from, else today's status; 待整改 when neither says (a rectification
    entered by import carries no move)."""
    later = store.query(
        "SELECT from_status FROM finding_events WHERE finding_id = ? AND deleted_at IS NULL "
        "AND effective_date > ? ORDER BY effective_date, rowid LIMIT 1",
        (finding["id"], day),
    )
    status = later[0]["from_status"] if later else finding["status"]
    return status if status in ("待整改", "整改中") else "待整改"


def enterprise_audits(store, enterprise_id: str, as_of: date) -> list[dict]:
    """Each audit of one enterprise with its findings found and open as of ``as_of``."""
    cut = Cut(as_of=as_of, enterprise_id=enterprise_id)
    audits = _audits(store, cut)
    per = _per_audit(store, cut)
    rows = []
    for a in audits:
        c = per.get(a["id"]) or {"found": 0, "rectified": 0}
        rows.append(
            {
                "id": a["id"],
                "year": a["year"],
                "level": a["level"],
                "audit_date": a["audit_date"],
                "score": a["score"],
                "result": a["result"],
                "found": c["found"],
                "open": c["found"] - (c["rectified"] or 0),
            }
        )
    return rows


# -- investment and indicators -------------------------------------------------------------


def investment(store, period, township_id: str | None = None) -> tuple[dict[str, dict], dict]:
    """Per-domain and overall investment rollups for the projects in scope, to the end of
    ``period`` (records whose period ends by then; planned path to then)."""
    return store.projects.rollups_by_domain(period, township=township_id)


def observations_to(store, indicator_id: str, as_of: date, scope: str = DISTRICT) -> list[dict]:
    from ycdesk.periods import parse_period

    return [o for o in store.indicators.observations(indicator_id, scope) if parse_period(o["period"]).end <= as_of]


# -- cross-tabs (pandas) -----------------------------------------------------------------------


def crosstabs(store, cut: Cut) -> dict:
    """The 统计 cross-tabs as of the cut, as pandas DataFrames with 合计 margins: findings by
    township × year and category × year, open findings by township × category, and overdue
    findings by township × how long overdue. One read of the findings in the cut (a
    covering-index scan plus the audit join), then pandas does the pivoting — what it is
    for, instead of a GROUP BY and a hand-written pivot per table."""
    import pandas as pd

    rectified, _closed = state_sql(store, cut.day)
    where, params = _audit_where(cut)
    frame = pd.read_sql_query(
        f"""SELECT a.year AS 年度, COALESCE(t.name, '未填镇街') AS 镇街, f.category AS 类别,
                   {rectified} AS rectified, f.deadline
            FROM findings f JOIN audits a ON a.id = f.audit_id JOIN enterprises e ON e.id = a.enterprise_id
            LEFT JOIN townships t ON t.id = e.township_id
            WHERE f.deleted_at IS NULL AND {where}""",
        store.conn,
        params=params,
    )
    frame["年度"] = frame["年度"].astype(str)
    still_open = frame[frame["rectified"] == 0]
    overdue = still_open[still_open["deadline"].notna() & (still_open["deadline"] < cut.day)].copy()
    overdue["账龄"] = (pd.Timestamp(cut.as_of) - pd.to_datetime(overdue["deadline"])).dt.days.map(age_bucket)

    def table(rows, index: str, columns: str, order=None):
        if rows.empty:
            return pd.DataFrame()
        out = pd.crosstab(rows[index], rows[columns], margins=True, margins_name="合计")
        if order is not None:
            out = out.reindex(columns=[c for c in (*order, "合计") if c in out.columns])
        return out

    return {
        "镇街×年度（发现问题）": table(frame, "镇街", "年度"),
        "类别×年度（发现问题）": table(frame, "类别", "年度"),
        "镇街×类别（未整改）": table(still_open, "镇街", "类别"),
        "镇街×账龄（逾期未整改）": table(overdue, "镇街", "账龄", AGE_BUCKETS),
    }


def export_crosstabs(store, cut: Cut, path) -> list[str]:
    """The cross-tabs as one workbook, a sheet each, with the as-of day in a first sheet.
    Returns the sheet names."""
    import pandas as pd

    tables = crosstabs(store, cut)
    scope = "全区" if cut.township_id is None else store.get("townships", cut.township_id)["name"]
    with pd.ExcelWriter(path, engine="xlsxwriter") as writer:
        pd.DataFrame({"项目": ["数据截至", "范围"], "值": [cut.day, scope]}).to_excel(
            writer, sheet_name="说明", index=False
        )
        for name, frame in tables.items():
            # Excel limits sheet names to 31 characters and forbids a few symbols.
            (frame if not frame.empty else pd.DataFrame({"说明": ["无数据"]})).to_excel(
                writer, sheet_name=name[:31].replace("×", "x")
            )
    return ["说明", *[n[:31].replace("×", "x") for n in tables]]
