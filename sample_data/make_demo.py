"""Generate the demo records in sample_data/demo/ (synthetic, clearly marked 演示).

The demo enterprises, audits and findings are invented, but their per-year/level counts
equal what the plan reports (2020 市级 14 units 35/35; 2021 市级 10 units 24/24;
2021 区级 40 units 137/137), followed by 2022–2025 audits with open and overdue
findings. Observations and investment progress for 2021–2025 are plausible, not real.
The output is deterministic (fixed seed) so the committed CSVs are reviewable diffs.

Usage: python sample_data/make_demo.py
"""

from __future__ import annotations

import csv
import random
import sys
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from ycdesk.uscc import CHARSET, make  # noqa: E402

DEMO = HERE / "demo"
rng = random.Random(20211231)

TOWNSHIPS = [r["名称"] for r in csv.DictReader(open(HERE / "plan" / "townships.csv", encoding="utf-8"))]
INDUSTRIES = [
    ("印染", "产生"),
    ("化工", "产生"),
    ("电镀", "产生"),
    ("医药", "产生"),
    ("机械制造", "产生"),
    ("危废利用处置", "经营"),
    ("废矿物油回收", "产生和经营"),
]
SURNAMES = "王李张刘陈杨黄赵周吴徐孙朱马胡郭何高林罗"

# The official assessment items (危险废物规范化环境管理评估指标), with typical problems.
CATEGORIES = {
    "污染环境防治责任制度": ["未建立危险废物污染环境防治责任制度", "责任制度未明确岗位责任人"],
    "识别标志": ["贮存场所未设置危险废物识别标志", "包装容器标签信息填写不全"],
    "管理计划": ["未按规定制定年度危险废物管理计划", "管理计划未在系统中备案"],
    "申报登记/管理台账": ["危险废物管理台账记录不完整", "未按时申报危险废物产生、贮存情况"],
    "源头分类": ["危险废物与一般固废混合贮存", "不相容危险废物未分类收集"],
    "转移联单": ["转移联单填写不规范", "转移危险废物未运行电子联单"],
    "经营许可": ["委托无经营许可证单位处置危险废物", "超出许可类别接收危险废物"],
    "应急预案备案": ["突发环境事件应急预案未备案", "未按预案开展应急演练"],
    "贮存设施": ["贮存场所防渗、防腐措施不到位", "贮存场所未设置渗滤液收集设施", "贮存超过一年未处置"],
    "利用/处置设施": ["处置设施运行记录不全", "焚烧设施未按要求开展自行监测"],
    "业务培训": ["未对相关管理人员开展危险废物业务培训"],
}
REQUIREMENTS = [
    "立即整改并报送整改材料",
    "限期完善制度并上墙公示",
    "规范设置后拍照上传",
    "补齐台账并在系统中更新",
    "完成改造并申请验收",
]

# (year, level, units, findings, how many stay open) — the first three are the plan's.
AUDIT_PLAN = [
    (2020, "市级", 14, 35, 0),
    (2021, "市级", 10, 24, 0),
    (2021, "区级", 40, 137, 0),
    (2022, "区级", 30, 88, 0),
    (2023, "市级", 10, 21, 0),
    (2023, "区级", 30, 84, 2),
    (2024, "区级", 35, 97, 6),
    (2025, "市级", 10, 23, 5),
    (2025, "区级", 36, 101, 30),
]


def person() -> str:
    return rng.choice(SURNAMES) + "某"


def uscc() -> str:
    body = "".join(rng.choice(CHARSET) for _ in range(6))
    return make("91330602MA2" + body)


def enterprises(n: int = 70) -> list[dict]:
    out = []
    for i in range(1, n + 1):
        industry, role = INDUSTRIES[i % len(INDUSTRIES)]
        out.append(
            {
                "企业名称": f"示例{industry}企业{i:02d}（演示）",
                "统一社会信用代码": uscc(),
                "所属镇街": rng.choice(TOWNSHIPS),
                "企业类型": role,
                "行业": industry,
                "联系人": person(),
            }
        )
    return out


def split(total: int, parts: int) -> list[int]:
    """``total`` findings over ``parts`` units, each unit at least one."""
    counts = [1] * parts
    for _ in range(total - parts):
        counts[rng.randrange(parts)] += 1
    return counts


def audits_and_findings(firms: list[dict]) -> tuple[list[dict], list[dict]]:
    audits, findings = [], []
    number = 0
    for year, level, units, total, open_count in AUDIT_PLAN:
        chosen = rng.sample(firms, units)
        counts = split(total, units)
        open_left = open_count
        for firm, count in zip(chosen, counts):
            audit_day = date(year, rng.randint(3, 10), rng.randint(1, 28))
            score = rng.randint(62, 98)
            audits.append(
                {
                    "统一社会信用代码": firm["统一社会信用代码"],
                    "企业名称": firm["企业名称"],
                    "考核年度": year,
                    "考核级别": level,
                    "检查日期": audit_day.isoformat(),
                    "检查人员": f"{person()}、{person()}",
                    "得分": score,
                    "考核结果": "达标" if score >= 90 else "基本达标" if score >= 70 else "不达标",
                }
            )
            for _ in range(count):
                number += 1
                category = rng.choice(list(CATEGORIES))
                deadline = audit_day + timedelta(days=rng.choice([30, 60, 90]))
                row = {
                    "编号": f"DEMO-{number:04d}",
                    "统一社会信用代码": firm["统一社会信用代码"],
                    "企业名称": firm["企业名称"],
                    "考核年度": year,
                    "考核级别": level,
                    "问题类别": category,
                    "问题描述": rng.choice(CATEGORIES[category]),
                    "严重程度": rng.choice(["一般", "一般", "较重", "严重"]),
                    "整改要求": rng.choice(REQUIREMENTS),
                    "整改期限": deadline.isoformat(),
                    "责任人": person(),
                    "整改状态": "已销号",
                    "整改完成日期": "",
                    "验收人": "",
                    "验收日期": "",
                }
                if open_left > 0:
                    open_left -= 1
                    row["整改状态"] = rng.choice(["待整改", "整改中"])
                    if year == 2025 and open_left % 3 == 0:
                        # Some still inside their deadline: due soon rather than overdue.
                        row["整改期限"] = (date(2026, 12, 1) + timedelta(days=rng.randint(0, 90))).isoformat()
                else:
                    done = audit_day + timedelta(days=rng.randint(7, 80))
                    row["整改完成日期"] = done.isoformat()
                    if year >= 2025 and rng.random() < 0.2:
                        row["整改状态"] = "已整改"  # awaiting verification
                    else:
                        row["验收人"] = f"区生态环境分局{person()}"
                        row["验收日期"] = (done + timedelta(days=rng.randint(3, 20))).isoformat()
                findings.append(row)
    return audits, findings


def observations() -> list[dict]:
    rows = []
    series = {
        "FYP14-02": [27, 29, 26, 25],
        "FYP14-03": [91.5, 90.8, 93.2, 94.0],
        "FYP14-01": [97.3, 100, 100, 100],
        "FYP14-08": [100, 100, 100, 100],
    }
    for code, values in series.items():
        for year, value in zip(range(2022, 2026), values):
            rows.append({"指标编码": code, "期间": year, "值": value, "范围": "全区", "来源": "演示数据"})
    for township in TOWNSHIPS[:6]:
        for quarter in (1, 2, 3):
            rows.append(
                {
                    "指标编码": "FYP14-02",
                    "期间": f"2025Q{quarter}",
                    "值": rng.randint(20, 34),
                    "范围": township,
                    "来源": "演示数据",
                }
            )
    return rows


def investments() -> list[dict]:
    rows = []
    projects = csv.DictReader(open(HERE / "plan" / "projects.csv", encoding="utf-8"))
    for p in projects:
        seq = int(p["序号"])
        fyp_wan = int(Decimal(p["十四五计划投资（亿元）"]) * 10000)
        years = [y for y in range(max(int(p["开始年份"]), 2021), min(int(p["结束年份"]), 2025) + 1)]
        if not years or "储备" in p["项目名称"]:
            continue
        pace = 0.35 if seq % 7 == 3 else rng.uniform(0.88, 1.0)  # a few projects lag
        left = fyp_wan
        for year in years:
            amount = min(left, int(fyp_wan / len(years) * pace * rng.uniform(0.92, 1.05)))
            left -= amount
            if amount:
                rows.append({"项目序号": seq, "期间": year, "完成投资（万元）": amount, "来源": "演示数据"})
    return rows


def write(name: str, rows: list[dict]) -> None:
    with open(DEMO / name, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main() -> None:
    DEMO.mkdir(exist_ok=True)
    firms = enterprises()
    audits, findings = audits_and_findings(firms)
    write("enterprises.csv", firms)
    write("audits.csv", audits)
    write("findings.csv", findings)
    write("observations.csv", observations())
    write("investments.csv", investments())


if __name__ == "__main__":
    main()
