"""What each exportable table looks like in a spreadsheet: Chinese headers and value kinds.

These headers are the canonical ones: the import engine accepts exactly these (plus
synonyms), so an exported file re-imports unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from ycdesk.money import to_unit
from ycdesk.registry import declare


@dataclass(frozen=True)
class Column:
    header: str
    key: str
    kind: str = "text"  # text | code | int | float | yi | wan | tonnes | pct


@dataclass(frozen=True)
class TableSpec:
    name: str
    title: str
    sql: str
    columns: tuple[Column, ...]
    # Adds computed fields (e.g. progress figures) to the queried records, as of a day
    # (ycdesk.stats), and may leave out records that did not exist yet on that day.
    enrich: Callable | None = None


C = Column

TABLES: dict[str, TableSpec] = {}


def register(spec: TableSpec) -> TableSpec:
    """Declare an export table (``ycdesk export``'s choices, 文件 → 导出表格). A second
    declaration of a name is an error."""
    return declare(TABLES, spec.name, spec, "export table")


def unregister(name: str) -> None:
    """For tests that declare a throwaway table."""
    TABLES.pop(name, None)


def _spec(name: str, title: str, sql: str, *columns: Column, enrich=None) -> None:
    register(TableSpec(name, title, sql, columns, enrich))


def _project_progress(store, records: list[dict], as_of) -> list[dict]:
    from ycdesk.progress import Progress
    from ycdesk.rules.dates import current_quarter

    progress = Progress(store)
    for r in records:
        r["units"] = r["units"] or ""
    rows = progress.project_rows(current_quarter(as_of), records)
    for r in rows:
        r["lagging_text"] = "是" if r["lagging"] else "否"
    return rows


_spec(
    "projects",
    "重大工程",
    """SELECT p.*, t.name AS township,
              (SELECT group_concat(unit, '、') FROM
                 (SELECT unit FROM project_units u WHERE u.project_id = p.id
                  AND u.deleted_at IS NULL ORDER BY position)) AS units
       FROM projects p LEFT JOIN townships t ON t.id = p.township_id
       WHERE p.deleted_at IS NULL ORDER BY p.seq""",
    C("序号", "seq", "int"),
    C("领域", "domain"),
    C("项目名称", "name"),
    C("建设规模和内容", "content"),
    C("开始年份", "start_year", "int"),
    C("结束年份", "end_year", "int"),
    C("总投资（亿元）", "total_yuan", "yi"),
    C("十四五计划投资（亿元）", "fyp_yuan", "yi"),
    C("责任单位", "units"),
    C("所属镇街", "township"),
    C("状态", "status"),
    C("备注", "note"),
    C("累计完成（亿元）", "completed_yuan", "yi"),
    C("完成率（%）", "rate", "pct"),
    C("滞后", "lagging_text"),
    C("ID", "id", "code"),
    enrich=_project_progress,
)


def _indicator_status(store, records: list[dict], as_of) -> list[dict]:
    from ycdesk.indicators import indicator_rows

    by_id = {r["id"]: r for r in indicator_rows(store, as_of=as_of)}
    for r in records:
        row = by_id[r["id"]]
        r.update(
            latest_value=row["latest_value"],
            latest_period=row["latest_period"],
            status=row["status"] or "",
            on_track_text={True: "是", False: "否", None: ""}[row["on_track"]],
        )
    return records


_spec(
    "indicators",
    "指标",
    "SELECT * FROM indicators WHERE deleted_at IS NULL ORDER BY plan, seq, code",
    C("编码", "code", "code"),
    C("规划", "plan"),
    C("指标性质", "nature"),
    C("指标类别", "category"),
    C("序号", "seq", "int"),
    C("指标名称", "name"),
    C("单位", "unit"),
    C("方向", "direction"),
    C("2020年现状值", "baseline_text"),
    C("目标值", "target_text"),
    C("目标年份", "target_year", "int"),
    C("标准限值", "limit_value", "float"),
    C("出处", "source"),
    C("备注", "note"),
    C("下达目标值", "assigned_target_text"),
    C("下达文件", "assigned_target_source"),
    C("最新值", "latest_value"),
    C("最新期", "latest_period", "code"),
    C("状态", "status"),
    C("符合进度", "on_track_text"),
    C("ID", "id", "code"),
    enrich=_indicator_status,
)
_spec(
    "observations",
    "指标观测值",
    """SELECT o.*, i.code, i.name AS indicator FROM observations o
       JOIN indicators i ON i.id = o.indicator_id
       WHERE o.deleted_at IS NULL ORDER BY i.plan, i.seq, i.code, o.period, o.scope""",
    C("指标编码", "code", "code"),
    C("指标名称", "indicator"),
    C("期间", "period", "code"),
    C("值", "value", "float"),
    C("文字值", "value_text"),
    C("范围", "scope"),
    C("来源", "source"),
    C("填报人", "operator"),
    C("备注", "note"),
    C("ID", "id", "code"),
)
_spec(
    "investments",
    "投资进展",
    """SELECT v.*, p.seq, p.name AS project FROM investments v
       JOIN projects p ON p.id = v.project_id
       WHERE v.deleted_at IS NULL ORDER BY p.seq, v.period""",
    C("项目序号", "seq", "int"),
    C("项目名称", "project"),
    C("期间", "period", "code"),
    C("完成投资（万元）", "amount_yuan", "wan"),
    C("来源", "source"),
    C("填报人", "operator"),
    C("备注", "note"),
    C("ID", "id", "code"),
)
_spec(
    "initiatives",
    "重大改革、政策和平台",
    "SELECT * FROM initiatives WHERE deleted_at IS NULL ORDER BY CASE kind WHEN '改革' THEN 1 WHEN '政策' THEN 2 ELSE 3 END, seq",
    C("类型", "kind"),
    C("序号", "seq", "int"),
    C("名称", "name"),
    C("依据和理由", "basis"),
    C("十四五具体举措", "measures"),
    C("牵头单位", "lead_units"),
    C("配合单位", "coop_units"),
    C("状态", "status"),
    C("备注", "note"),
    C("ID", "id", "code"),
)
_spec(
    "townships",
    "镇街",
    "SELECT * FROM townships WHERE deleted_at IS NULL ORDER BY position",
    C("序号", "position", "int"),
    C("名称", "name"),
    C("类型", "kind"),
    C("ID", "id", "code"),
)
_spec(
    "enterprises",
    "企业",
    """SELECT e.*, t.name AS township FROM enterprises e
       LEFT JOIN townships t ON t.id = e.township_id
       WHERE e.deleted_at IS NULL ORDER BY e.name, e.id""",
    C("企业名称", "name"),
    C("统一社会信用代码", "uscc", "code"),
    C("代码校验提示", "uscc_warning"),
    C("所属镇街", "township"),
    C("企业类型", "role"),
    C("行业", "industry"),
    C("联系人", "contact"),
    C("ID", "id", "code"),
)
_spec(
    "audits",
    "规范化考核",
    """SELECT a.*, e.name AS enterprise, e.uscc FROM audits a
       JOIN enterprises e ON e.id = a.enterprise_id
       WHERE a.deleted_at IS NULL ORDER BY a.year, a.level, e.name, a.id""",
    C("企业名称", "enterprise"),
    C("统一社会信用代码", "uscc", "code"),
    C("考核年度", "year", "int"),
    C("考核级别", "level"),
    C("检查日期", "audit_date", "code"),
    C("检查人员", "auditors"),
    C("得分", "score", "float"),
    C("考核结果", "result"),
    C("ID", "id", "code"),
)


def _finding_due(store, records: list[dict], as_of) -> list[dict]:
    from ycdesk import stats

    day = as_of.isoformat()
    rectified = stats.rectified_on(store, as_of)
    out = []
    for r in records:
        if stats.audit_dated(r) > day:
            continue  # not found yet on that day
        r["overdue_text"] = "是" if r["deadline"] and r["deadline"] < day and not rectified(r) else "否"
        out.append(r)
    return out


_spec(
    "findings",
    "考核问题",
    """SELECT f.*, a.year, a.level, a.audit_date, e.name AS enterprise, e.uscc,
              t.name AS township
       FROM findings f JOIN audits a ON a.id = f.audit_id
       JOIN enterprises e ON e.id = a.enterprise_id
       LEFT JOIN townships t ON t.id = e.township_id
       WHERE f.deleted_at IS NULL ORDER BY a.year, a.level, e.name, f.id""",
    C("企业名称", "enterprise"),
    C("统一社会信用代码", "uscc", "code"),
    C("所属镇街", "township"),
    C("考核年度", "year", "int"),
    C("考核级别", "level"),
    C("检查日期", "audit_date", "code"),
    C("问题类别", "category"),
    C("问题描述", "description"),
    C("严重程度", "severity"),
    C("整改要求", "requirement"),
    C("整改期限", "deadline", "code"),
    C("责任人", "responsible"),
    C("整改状态", "status"),
    C("整改完成日期", "rectified_date", "code"),
    C("验收人", "verifier"),
    C("验收日期", "verified_date", "code"),
    C("备注", "note"),
    C("是否逾期", "overdue_text"),
    C("ID", "id", "code"),
    enrich=_finding_due,
)
_spec(
    "audit_aggregates",
    "规范化考核汇总（规划数据）",
    "SELECT * FROM audit_aggregates WHERE deleted_at IS NULL ORDER BY year, level",
    C("年份", "year", "int"),
    C("考核级别", "level"),
    C("考核单位数", "units", "int"),
    C("发现问题数", "found", "int"),
    C("整改完成数", "rectified", "int"),
    C("出处", "source"),
)
_spec(
    "sludge",
    "印染污泥台账",
    "SELECT * FROM sludge WHERE deleted_at IS NULL ORDER BY year",
    C("年份", "year", "int"),
    C("印染企业数", "enterprise_count", "int"),
    C("污泥产生量（t）", "produced_kg", "tonnes"),
    C("污泥处置量（t）", "disposed_kg", "tonnes"),
    C("出处", "source"),
)
_spec(
    "history",
    "修改记录",
    "SELECT * FROM history_full ORDER BY seq",
    C("序号", "seq", "int"),
    C("时间", "at", "code"),
    C("操作人", "operator"),
    C("表", "table_name"),
    C("记录ID", "row_id", "code"),
    C("操作", "action"),
    C("原值", "old"),
    C("新值", "new"),
)


def cell_value(column: Column, raw):
    """Database value → the exact value a spreadsheet cell gets (Decimal for money)."""
    if raw is None:
        return None
    if column.kind == "yi":
        return to_unit(raw, "亿元").quantize(Decimal("0.01"))
    if column.kind == "wan":
        return to_unit(raw, "万元").normalize() if raw % 10_000 else Decimal(raw // 10_000)
    if column.kind == "tonnes":
        value = Decimal(raw) / 1000
        return value.normalize() if raw % 1000 else Decimal(raw // 1000)
    if column.kind == "pct":
        return raw  # already a Decimal with one decimal place
    if column.kind == "float":
        return int(raw) if float(raw).is_integer() else raw
    if column.kind == "code":
        return str(raw)
    return raw
