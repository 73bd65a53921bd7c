"""History in plain language: table, action and field names in Chinese, local times,
"原值 → 新值", a record's name. One map for the app, the import undo and the CLI."""

from __future__ import annotations

import json
from datetime import datetime

from ycdesk.i18n import _

TABLE_LABELS = {
    "enterprises": "企业",
    "audits": "考核",
    "findings": "问题",
    "observations": "观测值",
    "investments": "投资进展",
    "projects": "项目",
    "project_units": "项目责任单位",
    "finding_events": "整改状态记录",
    "attachments": "佐证材料",
    "townships": "镇街",
    "indicators": "指标",
    "project_plan_years": "年度计划投资",
    "initiative_progress": "进展记录",
    "initiatives": "改革·政策·平台",
    "audit_aggregates": "考核汇总",
    "sludge": "污泥处置",
    "period_locks": "季度锁定",
    "finding_categories": "问题类别",
}
ACTION_LABELS = {"insert": "新增", "update": "修改", "soft_delete": "删除", "restore": "恢复", "delete": "彻底删除"}

# Column → what the user calls it (the import headers where there is one).
FIELD_LABELS = {
    "period": "期间",
    "value": "值",
    "value_text": "文字值",
    "scope": "范围",
    "source": "来源",
    "operator": "填报人",
    "note": "备注",
    "evidence_path": "佐证材料",
    "amount_yuan": "完成投资（万元）",
    "name": "名称",
    "content": "建设内容",
    "status": "状态",
    "domain": "领域",
    "start_year": "开工年份",
    "end_year": "完工年份",
    "total_yuan": "总投资（万元）",
    "fyp_yuan": "十四五计划投资（万元）",
    "seq": "序号",
    "unit": "单位",
    "position": "顺序",
    "code": "编码",
    "plan": "规划",
    "nature": "属性",
    "category": "类别",
    "direction": "方向",
    "baseline_text": "2020年现状值",
    "baseline_value": "现状值（数值）",
    "target_text": "目标",
    "assigned_target_text": "下达目标",
    "assigned_target_source": "下达文件",
    "uscc": "统一社会信用代码",
    "uscc_warning": "信用代码提示",
    "role": "企业类型",
    "industry": "行业",
    "contact": "联系人",
    "year": "年度",
    "level": "考核级别",
    "audit_date": "检查日期",
    "auditors": "检查人员",
    "score": "得分",
    "result": "考核结果",
    "description": "问题描述",
    "severity": "严重程度",
    "requirement": "整改要求",
    "deadline": "整改期限",
    "responsible": "责任人",
    "rectified_date": "整改完成日期",
    "verifier": "验收人",
    "verified_date": "验收日期",
    "deleted_at": "删除时间",
    "kind": "类型",
    "basis": "依据",
    "measures": "主要举措",
    "lead_units": "牵头单位",
    "coop_units": "配合单位",
    "units": "单位数",
    "found": "发现问题数",
    "rectified": "已整改数",
    "enterprise_count": "企业数",
    "produced_kg": "产生量（千克）",
    "disposed_kg": "处置量（千克）",
    "locked_by": "锁定人",
    "reason": "原因",
    "unlock_reason": "解锁原因",
    "original_name": "文件名",
    "sha256": "文件指纹（SHA-256）",
    "size": "大小（字节）",
    "version": "版本",
    "stored_name": "存储文件名",
    "deleted_reason": "删除原因",
}
# Bookkeeping, not content: never shown as a change.
NOISE = frozenset({"id", "updated_at", "created_at", "is_demo"})
_NAME_FIELDS = ("name", "description", "period", "original_name", "unit")


def field_label(key: str) -> str:
    if key in FIELD_LABELS:
        return FIELD_LABELS[key]
    if key.endswith("_id"):
        return TABLE_LABELS.get(key[:-3] + "s", key)
    return key


def local_time(at: str | None) -> str:
    """ "2026-12-02T09:26:17+00:00" → "2026-12-02 17:26" on a UTC+8 machine."""
    if not at:
        return ""
    try:
        moment = datetime.fromisoformat(at)
    except ValueError:
        return at
    if moment.tzinfo is not None:
        moment = moment.astimezone()
    return moment.strftime("%Y-%m-%d %H:%M")


def _shown(value, key: str = "") -> str:
    if value is None or value == "":
        return "（空）"
    if key.endswith("_yuan") and isinstance(value, int):  # money is stored in yuan, read in 万元
        from ycdesk.money import format_wan

        return format_wan(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value)
    return text if len(text) <= 40 else text[:39] + "…"


def changed_fields(old: dict | None, new: dict | None, fields=None) -> list[str]:
    """The content fields that differ between two versions of a record."""
    old, new = old or {}, new or {}
    keys = [k for k in (fields or new or old) if k not in NOISE and not k.endswith("_id")]
    keys = [k for k in keys if old.get(k) != new.get(k)]
    if not old:  # a new record: its filled fields
        keys = [k for k in keys if new.get(k) not in (None, "")]
    if new and old and "deleted_at" in keys:  # said by the action (删除/恢复), not as a field
        keys.remove("deleted_at")
    return keys


def change_text(old: dict | None, new: dict | None, fields=None, most: int = 4) -> str:
    """ "期间：（空） → 2025Q3；值：5 → 6" for the fields that changed."""
    keys = changed_fields(old, new, fields)
    if not old or not new:  # a new record, or one removed for good: its values
        keys = [k for k in changed_fields(None, old or new, fields) if k != "deleted_at"]
        parts = [_("{0}：{1}").format(field_label(k), _shown((old or new).get(k), k)) for k in keys[:most]]
    else:
        parts = [
            _("{0}：{1} → {2}").format(field_label(k), _shown(old.get(k), k), _shown(new.get(k), k))
            for k in keys[:most]
        ]
    if len(keys) > most:
        parts.append(_("等 {0} 项").format(len(keys)))
    return "；".join(parts)


def name_of(values: dict | None) -> str:
    """A record's name from its values: its name, description, period… (short)."""
    for key in _NAME_FIELDS:
        value = (values or {}).get(key)
        if value:
            text = str(value)
            return text if len(text) <= 30 else text[:29] + "…"
    return ""


def record_label(store, table: str, row_id: str) -> str:
    """The name of a record as it is now (deleted ones included), or ""."""
    rows = store.query(f"SELECT * FROM {table} WHERE id = ?", (row_id,))
    return name_of(rows[0]) if rows else ""


def describe(rows: list[dict], fields: tuple[str, ...] | None = None, most: int = 4) -> list[dict]:
    """History rows for people: adds ``action_label``, ``table_label``, ``when`` (local
    time) and ``change`` ("字段：原值 → 新值；…"), and ``record`` (its name)."""
    out = []
    for h in rows:
        old = json.loads(h["old"]) if h["old"] else None
        new = json.loads(h["new"]) if h["new"] else None
        change = change_text(old, new, fields, most)
        if not change and h["action"] in ("soft_delete", "restore"):  # what was deleted or came back
            change = change_text(None, new or old, fields, most)
        out.append(
            {
                **h,
                "action_label": ACTION_LABELS.get(h["action"], h["action"]),
                "table_label": TABLE_LABELS.get(h["table_name"], h["table_name"]),
                "when": local_time(h["at"]),
                "record": name_of(new or old),
                "change": change,
            }
        )
    return out
