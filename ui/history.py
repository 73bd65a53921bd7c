"""History rows (from the core) described for people: action in Chinese, what changed."""

from __future__ import annotations

import json

ACTIONS = {"insert": "新增", "update": "修改", "soft_delete": "删除", "restore": "恢复", "delete": "彻底删除"}
TABLES = {"projects": "项目", "investments": "投资进展", "indicators": "指标", "observations": "观测值",
          "findings": "问题", "period_locks": "季度锁定"}
NOT_SHOWN = ("updated_at", "created_at", "id")


def describe(rows: list[dict], fields: tuple[str, ...] | None = None, most: int = 4) -> list[dict]:
    """Adds ``action_label``, ``table_label`` and ``change`` ("字段: 原值 → 新值；…") to each row."""
    out = []
    for h in rows:
        old = json.loads(h["old"]) if h["old"] else {}
        new = json.loads(h["new"]) if h["new"] else {}
        keys = [k for k in (fields or new or old) if k not in NOT_SHOWN and old.get(k) != new.get(k)]
        if not old:
            keys = [k for k in keys if new.get(k) is not None]
        change = "；".join(f"{k}: {old.get(k, '')} → {new.get(k, '')}" for k in keys[:most])
        out.append({**h, "action_label": ACTIONS.get(h["action"], h["action"]),
                    "table_label": TABLES.get(h["table_name"], h["table_name"]), "change": change})
    return out
