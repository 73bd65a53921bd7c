"""Build a workspace from ``sample_data/``: the plan's own tables, then the demo records.

Plan rows get ids derived from their place in the plan (``stable_id``), so every
workspace built from the same sample data agrees on them. Demo rows carry ``is_demo = 1``
and :func:`remove_demo` deletes all of them in one step.
"""

from __future__ import annotations

import csv
import re
from decimal import Decimal
from pathlib import Path

from ycdesk.i18n import _
from ycdesk.money import parse_amount
from ycdesk.paths import sample_data_dir
from ycdesk.store.ids import stable_id
from ycdesk.townships import CITY, DISTRICT

_UNIT_IN_NAME = re.compile(r"[（(]([^（）()]*)[）)]\s*\*?$")
AIR_UNITS = {"μg/m3": "μg/m³", "mg/m3": "mg/m³"}
EI_LOWER_IS_BETTER = ("土地胁迫指数", "污染负荷指数")

# Monitoring series read from the text-only tables: code, column, name, unit, direction.
AQI_SERIES = [
    ("MON-AQI-RATE", "优良天数比例（%）", "空气质量优良天数比例", "%", "越高越好"),
    ("MON-AQI-L1", "一级（优）天数", "AQI一级（优）天数", "天", "越高越好"),
    ("MON-AQI-L2", "二级（良）天数", "AQI二级（良）天数", "天", "越高越好"),
    ("MON-AQI-POLLUTED", "污染天数", "环境空气污染天数", "天", "越低越好"),
    ("MON-AQI-L3", "三级（轻度污染）天数", "AQI三级（轻度污染）天数", "天", "越低越好"),
    ("MON-AQI-L4", "四级（中度污染）天数", "AQI四级（中度污染）天数", "天", "越低越好"),
    ("MON-AIR-INDEX", "城市环境空气质量综合指数", "城市环境空气质量综合指数", None, "越低越好"),
]
WATER_SERIES = {
    "市级考核断面": ("MON-WATER-CITY", "市级考核断面"),
    "考核出入境断面": ("MON-WATER-BORDER", "考核出入境断面"),
}
# 十四五 indicators whose 2021 value the plan states in its text.
FYP14_2021 = {
    2: ("28", "air_2021.csv：2021年PM2.5浓度均值28 μg/m3"),
    3: ("92.1", "2021年AQI达到优良天数比例为92.1%（国控点）"),
}


def read_csv(path: Path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _number(text: str) -> float | None:
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def _kg(tonnes: str) -> int:
    return int(Decimal(tonnes) * 1000)


def load_plan(store, root: Path | None = None) -> None:
    """The plan's data: townships, indicators and series, projects, 附表1–3, audits, sludge."""
    plan = (root or sample_data_dir()) / "plan"
    with store.transaction():
        for row in read_csv(plan / "townships.csv"):
            store.insert(
                "townships",
                {
                    "id": stable_id("township", row["名称"]),
                    "name": row["名称"],
                    "kind": row["类型"],
                    "position": int(row["序号"]),
                },
            )
        _load_indicators(store, plan)
        _load_series(store, plan)
        _load_projects(store, plan)
        for row in read_csv(plan / "audit_aggregates.csv"):
            store.insert(
                "audit_aggregates",
                {
                    "id": stable_id("audit_aggregate", row["年份"], row["考核级别"]),
                    "year": int(row["年份"]),
                    "level": row["考核级别"],
                    "units": int(row["考核单位数"]),
                    "found": int(row["发现问题数"]),
                    "rectified": int(row["整改完成数"]),
                    "source": row["出处"],
                },
            )
        for row in read_csv(plan / "sludge.csv"):
            store.insert(
                "sludge",
                {
                    "id": stable_id("sludge", row["年份"]),
                    "year": int(row["年份"]),
                    "enterprise_count": int(row["印染企业数"]),
                    "produced_kg": _kg(row["污泥产生量（t）"]),
                    "disposed_kg": _kg(row["污泥处置量（t）"]),
                    "source": row["出处"],
                },
            )
        store.set_meta("plan_loaded_at", store.now())


def _load_indicators(store, plan: Path) -> None:
    meta = {(r["规划"], int(r["序号"])): r for r in read_csv(plan / "indicator_meta.csv")}
    ind = store.indicators
    for row in read_csv(plan / "indicators_fyp14.csv"):
        seq = int(row["序号"])
        m = meta[("十四五", seq)]
        code = f"FYP14-{seq:02d}"
        indicator_id = ind.add(
            {
                "code": code,
                "plan": "十四五",
                "nature": row["指标性质"],
                "category": row["指标类别"],
                "seq": seq,
                "name": row["指标名称"],
                "unit": m["单位"] or None,
                "direction": m["方向"] or None,
                "baseline_text": row["2020年现状值"],
                "baseline_value": _number(row["2020年现状值"]),
                "target_text": row["2025年目标值"],
                "target_year": 2025,
                "source": "表2-1",
                "note": m["说明"] or None,
            },
            row_id=stable_id("indicator", code),
        )
        if seq in FYP14_2021:
            value, source = FYP14_2021[seq]
            ind.add_observation(
                indicator_id, "2021", value, source=source, row_id=stable_id("observation", code, "2021", DISTRICT)
            )
    for row in read_csv(plan / "indicators_fyp13.csv"):
        seq = int(row["序号"])
        m = meta[("十三五", seq)]
        code = f"FYP13-{seq:02d}"
        indicator_id = ind.add(
            {
                "code": code,
                "plan": "十三五",
                "nature": row["指标性质"],
                "category": row["指标类别"],
                "seq": seq,
                "name": row["指标名称"],
                "unit": m["单位"] or None,
                "direction": m["方向"] or None,
                "target_text": row["2020年指标"],
                "target_year": 2020,
                "source": "表1-3",
                "note": f"原文完成情况：{row['完成情况']}",
            },
            row_id=stable_id("indicator", code),
        )
        ind.add_observation(
            indicator_id,
            "2020",
            row["2020年实现值"],
            source="表1-3 2020年实现值",
            row_id=stable_id("observation", code, "2020", DISTRICT),
        )
    for row in read_csv(plan / "text_targets.csv"):
        seq = int(row["序号"])
        code = f"TXT-{seq:02d}"
        ind.add(
            {
                "code": code,
                "plan": "规划文本",
                "seq": seq,
                "name": row["指标名称"],
                "unit": row["单位"],
                "direction": row["方向"],
                "target_text": row["2025年目标值"],
                "target_year": int(row["目标年份"]),
                "source": row["出处"],
            },
            row_id=stable_id("indicator", code),
        )


def _series(store, code: str, seq: int, name: str, unit, direction, source: str, **extra) -> str:
    return store.indicators.add(
        {
            "code": code,
            "plan": "监测",
            "seq": seq,
            "name": name,
            "unit": unit,
            "direction": direction,
            "source": source,
            **extra,
        },
        row_id=stable_id("indicator", code),
    )


def _observe(store, indicator_id: str, code: str, period, value, scope=DISTRICT, **kw) -> None:
    store.indicators.add_observation(
        indicator_id,
        str(period),
        value,
        scope=scope,
        row_id=stable_id("observation", code, period, scope),
        **kw,
    )


def _load_series(store, plan: Path) -> None:
    seq = 0
    ids: dict[str, tuple[str, str]] = {}
    for row in read_csv(plan / "air_pollutants.csv"):
        item = row["监测项目"]
        if item not in ids:
            seq += 1
            pollutant, raw_unit = item.rstrip(")").split("(")
            code = "MON-" + pollutant.replace(".", "")
            limit = row["二级标准"]
            ids[item] = (
                _series(
                    store,
                    code,
                    seq,
                    f"{pollutant}年平均浓度",
                    AIR_UNITS[raw_unit],
                    "越低越好",
                    "表1-1",
                    limit_value=_number(limit),
                    limit_text=f"GB3095-2012二级标准 {limit}",
                ),
                code,
            )
        indicator_id, code = ids[item]
        _observe(store, indicator_id, code, row["年份"], row["年平均值"], source="表1-1")
    for row in read_csv(plan / "air_2021.csv"):
        indicator_id, code = ids[row["监测项目"]]
        _observe(store, indicator_id, code, row["年份"], row["年平均值"], source=row["出处"])

    for row in read_csv(plan / "ecological_index.csv"):
        name = row["指数"]
        code = "MON-EI-" + name
        if name not in ids:
            seq += 1
            direction = "越低越好" if name in EI_LOWER_IS_BETTER else "越高越好"
            ids[name] = (_series(store, code, seq, name, None, direction, "表1-2"), code)
        scope = CITY if row["地区"] == "绍兴市" else DISTRICT
        _observe(store, ids[name][0], code, row["年份"], row["值"], scope=scope, source="表1-2")

    aqi = read_csv(plan / "aqi_days.csv")
    for code, column, name, unit, direction in AQI_SERIES:
        seq += 1
        indicator_id = _series(store, code, seq, name, unit, direction, "1.1.2 空气环境质量")
        for row in aqi:
            _observe(store, indicator_id, code, row["年份"], row[column], source=row["出处"])

    water = read_csv(plan / "water_sections.csv")
    for kind, (prefix, label) in WATER_SERIES.items():
        seq += 1
        count_id = _series(store, prefix + "-COUNT", seq, f"{label}数", "个", None, "1.1.2 水环境质量")
        seq += 1
        rate_id = _series(store, prefix + "-RATE", seq, f"{label}达标率", "%", "越高越好", "1.1.2 水环境质量")
        for row in water:
            if not row["断面类型"].startswith(kind):
                continue
            note = "自动监测" if "自动监测" in row["断面类型"] else None
            _observe(store, count_id, prefix + "-COUNT", row["年份"], row["断面数"], source=row["出处"], note=note)
            _observe(store, rate_id, prefix + "-RATE", row["年份"], row["达标率（%）"], source=row["出处"], note=note)


def _load_projects(store, plan: Path) -> None:
    for row in read_csv(plan / "projects.csv"):
        seq = int(row["序号"])
        store.projects.add(
            {
                "seq": seq,
                "domain": row["领域"],
                "name": row["项目名称"],
                "content": row["建设规模和内容"],
                "start_year": int(row["开始年份"]),
                "end_year": int(row["结束年份"]),
                "total_yuan": parse_amount(row["总投资（亿元）"]),
                "fyp_yuan": parse_amount(row["十四五计划投资（亿元）"]),
                "status": "储备" if "储备项目" in row["项目名称"] else None,
            },
            units=row["责任单位"].split("、"),
            row_id=stable_id("project", seq),
        )
    for row in read_csv(plan / "initiatives.csv"):
        store.insert(
            "initiatives",
            {
                "id": stable_id("initiative", row["类型"], row["序号"]),
                "kind": row["类型"],
                "seq": int(row["序号"]),
                "name": row["名称"],
                "basis": row["依据和理由"],
                "measures": row["十四五具体举措"],
                "lead_units": row["牵头单位"],
                "coop_units": row["配合单位"] or None,
            },
        )


# -- demo records ---------------------------------------------------------------------

DEMO_TABLES = (
    "findings",
    "audits",
    "enterprises",
    "investments",
    "observations",
    "project_units",
    "projects",
    "indicators",
)


def load_demo(store, root: Path | None = None) -> None:
    demo = (root or sample_data_dir()) / "demo"
    with store.transaction():
        enterprise_ids: dict[str, str] = {}
        for row in read_csv(demo / "enterprises.csv"):
            enterprise_ids[row["统一社会信用代码"]] = store.audits.add_enterprise(
                {
                    "name": row["企业名称"],
                    "uscc": row["统一社会信用代码"],
                    "township_id": store.townships.id_for(row["所属镇街"]),
                    "role": row["企业类型"],
                    "industry": row["行业"],
                    "contact": row["联系人"],
                    "is_demo": 1,
                },
                row_id=stable_id("enterprise", row["统一社会信用代码"]),
            )
        audit_ids: dict[tuple, str] = {}
        for row in read_csv(demo / "audits.csv"):
            key = (row["统一社会信用代码"], row["考核年度"], row["考核级别"])
            audit_ids[key] = store.audits.add_audit(
                {
                    "enterprise_id": enterprise_ids[row["统一社会信用代码"]],
                    "year": int(row["考核年度"]),
                    "level": row["考核级别"],
                    "audit_date": row["检查日期"],
                    "auditors": row["检查人员"],
                    "score": _number(row["得分"]),
                    "result": row["考核结果"] or None,
                    "is_demo": 1,
                },
                row_id=stable_id("audit", *key),
            )
        for row in read_csv(demo / "findings.csv"):
            key = (row["统一社会信用代码"], row["考核年度"], row["考核级别"])
            store.audits.add_finding(
                {
                    "audit_id": audit_ids[key],
                    "category": row["问题类别"],
                    "description": row["问题描述"],
                    "severity": row["严重程度"] or None,
                    "requirement": row["整改要求"],
                    "deadline": row["整改期限"] or None,
                    "responsible": row["责任人"],
                    "status": row["整改状态"],
                    "rectified_date": row["整改完成日期"] or None,
                    "verifier": row["验收人"] or None,
                    "verified_date": row["验收日期"] or None,
                    "is_demo": 1,
                },
                row_id=stable_id("finding", row["编号"]),
            )
        for row in read_csv(demo / "observations.csv"):
            indicator = store.indicators.by_code(row["指标编码"])
            _observe(
                store,
                indicator["id"],
                row["指标编码"],
                row["期间"],
                row["值"],
                scope=row["范围"],
                source=row["来源"],
                is_demo=True,
            )
        projects = {p["seq"]: p["id"] for p in store.projects.list()}
        for row in read_csv(demo / "investments.csv"):
            seq = int(row["项目序号"])
            store.projects.add_investment(
                projects[seq],
                row["期间"],
                parse_amount(row["完成投资（万元）"], "万元"),
                source=row["来源"],
                is_demo=True,
                row_id=stable_id("investment", seq, row["期间"]),
            )
        store.set_meta("demo_loaded_at", store.now())


def demo_count(store) -> int:
    return sum(store.scalar(f"SELECT COUNT(*) FROM {t} WHERE is_demo = 1 AND deleted_at IS NULL") for t in DEMO_TABLES)


def remove_demo(store) -> int:
    """Delete every demo record (children first). History keeps what was removed."""
    if store.role.is_township:  # the district removes them, and the removal reaches the townships
        store.check_scope("audits", {"id": ""})
    removed = 0
    with store.transaction():
        # Events and evidence a user added to a demo finding go with it.
        for table in ("finding_events", "attachments"):
            removed += store.conn.execute(
                f"DELETE FROM {table} WHERE finding_id IN (SELECT id FROM findings WHERE is_demo = 1)"
            ).rowcount
        for table in DEMO_TABLES:
            removed += store.conn.execute(f"DELETE FROM {table} WHERE is_demo = 1").rowcount
        store.set_meta("demo_removed_at", store.now())
    return removed


def init_workspace(store, *, demo: bool = True, root: Path | None = None) -> None:
    if store.scalar("SELECT COUNT(*) FROM projects"):
        from ycdesk.errors import UserError

        raise UserError(_("工作区“{0}”已有数据，不能重复初始化").format(store.path))
    # Seeded records name the source, not whoever ran init: plan and demo rows are then the
    # same in every workspace (same ids, same fields), so exchanges between a district and
    # its townships see no difference in them.
    person = store.operator
    try:
        store.operator = _("规划数据")
        load_plan(store, root)
        if demo:
            store.operator = _("演示数据")
            load_demo(store, root)
    finally:
        store.operator = person
