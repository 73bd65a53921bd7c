"""中期评估（2023）/ 终期考核（2025）: indicators, investment and audits against the plan (规划 4.3).

Each indicator gets a verdict (达标 / 未达标 / 已完成 / 未完成 / 待下达 with the target still
missing named / 无数据), each category (环境质量, 污染减排 …) and the plan as a whole a count,
the audit pass rates are set against their targets with the rule stated, and the report
ends with a conclusion and recommendations drafted from the figures (editable). Every
figure is as of 31 December of the year (:mod:`ycdesk.stats`).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from reportlab.lib.units import mm

from ycdesk import stats
from ycdesk.errors import UserError
from ycdesk.i18n import _
from ycdesk.periods import Period
from ycdesk.reports import data, fonts, profile
from ycdesk.reports.base import STATUS_FILL, build_pdf, data_hash, para, table
from ycdesk.reports.quarterly import DEMO_MARK, _demo, _names, cover, project_section, signature, text_section

KINDS = {2023: "中期评估", 2025: "终期考核"}
PASS_RULE = (
    "规范化管理达标率＝考核结果为“达标”的单位数÷有考核结果的单位数（按单位类型分别计算，"
    "产生和经营单位同时计入两类），与规划目标（产生单位96%、经营单位100%）比较，不低于目标为达标。"
)
MET = ("达标", "已完成")
NOT_MET = ("未达标", "未完成")


def gather(store, year: int, *, conclusion: str | None = None, recommendations: str | None = None) -> dict:
    if year not in KINDS:
        raise UserError(_("规划要求在2023年进行中期评估、2025年进行终期考核，不支持{0}年").format(year))
    end = date(year, 12, 31)
    to_date = stats.audit_figures(store, stats.Cut(as_of=end))
    this_year = stats.audit_figures(store, stats.Cut(as_of=end, year=year))
    indicators = data.indicators(store, end, year_end=True)
    content = {
        "year": year,
        "kind": KINDS[year],
        "as_of": end.isoformat(),
        "issuer": profile.get(store, "issuer"),
        "demo": bool(_demo(store)),
        "indicators": indicators,
        "categories": _by_category(indicators),
        "series": data.key_series(store, end),
        "projects": data.projects(store, Period(year)),
        "audits": {
            "year": {k: this_year[k] for k in ("units", "found", "rectified", "rectification_rate")},
            "to_date": {k: to_date[k] for k in ("units", "found", "rectified", "rectification_rate", "overdue")},
            "pass_rates": [_pass_rate(role, this_year, to_date) for role in stats.RATE_TARGETS],
        },
    }
    content["overall"] = overall_text(content)
    drafted = draft(content)
    content["conclusion"] = drafted["conclusion"] if conclusion is None else conclusion.strip()
    content["recommendations"] = drafted["recommendations"] if recommendations is None else recommendations.strip()
    return content


def _by_category(indicators: list[dict]) -> list[dict]:
    groups: dict[str, list[dict]] = {}
    for r in indicators:
        groups.setdefault(r["category"] or "其他", []).append(r)
    out = []
    for category, rows in groups.items():
        counts = {
            label: sum(1 for r in rows if r["status"] in statuses)
            for label, statuses in (
                ("met", MET),
                ("not_met", NOT_MET),
                ("waiting", ("待下达",)),
                ("no_data", ("无数据",)),
            )
        }
        verdict = "未达标" if counts["not_met"] else "待评价" if counts["waiting"] or counts["no_data"] else "达标"
        out.append({"category": category, "count": len(rows), **counts, "verdict": verdict})
    return out


def _pass_rate(role: str, this_year: dict, to_date: dict) -> dict:
    target = stats.RATE_TARGETS[role]

    def verdict(value) -> str:
        return "无考核结果" if value is None else "达标" if value >= target else "未达标"

    year_rate, all_rate = this_year[f"pass_rate_{role}"], to_date[f"pass_rate_{role}"]
    return {
        "role": role,
        "target": target,
        "year": year_rate,
        "year_verdict": verdict(year_rate),
        "to_date": all_rate,
        "to_date_verdict": verdict(all_rate),
    }


def overall_text(c: dict) -> str:
    ind = c["indicators"]
    met = [r for r in ind if r["status"] in MET]
    off = [r for r in ind if r["status"] in NOT_MET]
    waiting = [r for r in ind if r["status"] == "待下达"]
    no_data = [r for r in ind if r["status"] == "无数据"]
    text = f"“十四五”规划{len(ind)}项主要指标中，达标或已完成{len(met)}项（{_names(met) or '无'}）"
    text += f"；未达标或未完成{len(off)}项（{_names(off)}）" if off else "；没有未达标的指标"
    if waiting:
        text += f"；目标待省市下达、尚不能评价{len(waiting)}项（{_names(waiting)}）"
    if no_data:
        text += f"；无监测数据、尚不能评价{len(no_data)}项（{_names(no_data)}）"
    verdict = "总体未达到规划要求" if off else "已评价指标均达到规划要求" if met else "尚不能作出总体评价"
    return text + f"。{verdict}。"


def draft(c: dict) -> dict[str, str]:
    """结论 and 建议 drafted from the figures (the user edits them before issue)."""
    t = c["projects"]["total"]
    a = c["audits"]
    conclusion = [
        c["overall"],
        f"重大工程累计完成投资{t['completed']}亿元，为十四五计划投资{t['fyp']}亿元的{t['rate'] or '0%'}；"
        f"计划进度为{t['planned']}亿元，滞后项目{t['lagging']}个。",
        f"危险废物规范化管理考核累计涉及{a['to_date']['units']}家单位，发现问题{a['to_date']['found']}处，"
        f"整改率{_pct(a['to_date']['rectification_rate'])}，截至年末逾期未整改{a['to_date']['overdue']}处。",
    ]
    for r in a["pass_rates"]:
        if r["to_date_verdict"] == "未达标":
            conclusion.append(f"{r['role']}单位规范化管理达标率{_pct(r['to_date'])}，低于目标{r['target']}%。")
    recommendations = []
    off = [r for r in c["indicators"] if r["status"] in NOT_MET]
    if off:
        recommendations.append(f"针对{_names(off)}制定专项整改方案，明确时间表和责任单位。")
    waiting = [r for r in c["indicators"] if r["status"] == "待下达"]
    if waiting:
        recommendations.append(f"尽快取得{_names(waiting)}的省市下达目标，补充评价。")
    if t["lagging"]:
        recommendations.append("对滞后的重大工程开展专项督查，必要时调整投资计划。")
    if any(r["to_date_verdict"] == "未达标" for r in a["pass_rates"]):
        recommendations.append("加强危险废物产生和经营单位规范化管理帮扶，提高考核达标率。")
    if not recommendations:
        recommendations.append("保持现有工作力度，巩固规划实施成效。")
    return {
        "conclusion": "\n".join(conclusion),
        "recommendations": "\n".join(f"{n}. {t}" for n, t in enumerate(recommendations, 1)),
    }


def _pct(value) -> str:
    return "—" if value is None else f"{value}%"


def verdict_section(c: dict, heading: str) -> list:
    story = [para(heading, "h1")]
    rows = [["序号", "指标", "类别", "目标值", f"{c['year']}年值", "期间", "评价"]]
    fills = {}
    for i, r in enumerate(c["indicators"], 1):
        rows.append([str(r["seq"]), r["name"], r["category"], r["target"], r["value"], r["period"], r["verdict"]])
        if r["status"] in STATUS_FILL:
            fills[(6, i)] = STATUS_FILL[r["status"]]
    story.append(table(rows, [8 * mm, 48 * mm, 18 * mm, 22 * mm, 16 * mm, 14 * mm, 44 * mm], fills=fills))
    story.append(
        para(
            "评价规则：有数值目标的按最新年度值与目标比较（方向按指标性质）；“完成”类目标按是否完成；"
            "“完成省市下达指标”在下达值录入前为待下达，不作评价。",
            "small",
        )
    )
    story.append(para("按类别", "h2"))
    rows = [["类别", "指标数", "达标或已完成", "未达标", "待下达", "无数据", "类别评价"]] + [
        [
            g["category"],
            str(g["count"]),
            str(g["met"]),
            str(g["not_met"]),
            str(g["waiting"]),
            str(g["no_data"]),
            g["verdict"],
        ]
        for g in c["categories"]
    ]
    story.append(table(rows, [30 * mm, 16 * mm, 24 * mm, 18 * mm, 18 * mm, 18 * mm, 30 * mm]))
    story.append(para(c["overall"], "text"))
    return story


def audit_section(c: dict, heading: str) -> list:
    a, year = c["audits"], c["year"]
    story = [para(heading, "h1")]
    rows = [
        ["项目", f"{year}年", f"累计（至{year}年末）"],
        ["考核单位", str(a["year"]["units"]), str(a["to_date"]["units"])],
        ["发现问题", str(a["year"]["found"]), str(a["to_date"]["found"])],
        ["已整改", str(a["year"]["rectified"]), str(a["to_date"]["rectified"])],
        ["整改率", _pct(a["year"]["rectification_rate"]), _pct(a["to_date"]["rectification_rate"])],
    ]
    fills = {}
    for r in a["pass_rates"]:
        rows.append(
            [
                f"{r['role']}单位规范化管理达标率（目标 {r['target']}%）",
                f"{_pct(r['year'])}　{r['year_verdict']}",
                f"{_pct(r['to_date'])}　{r['to_date_verdict']}",
            ]
        )
        for col, key in ((1, "year_verdict"), (2, "to_date_verdict")):
            if r[key] in STATUS_FILL:
                fills[(col, len(rows) - 1)] = STATUS_FILL[r[key]]
    story.append(table(rows, [80 * mm, 45 * mm, 45 * mm], fills=fills))
    story.append(para("达标率计算规则：" + PASS_RULE, "small"))
    return story


def build(
    store,
    year: int,
    path: str | Path,
    progress=None,
    *,
    conclusion: str | None = None,
    recommendations: str | None = None,
) -> dict:
    step = progress or (lambda fraction, text: None)
    step(0.1, "汇总…")
    content = gather(store, year, conclusion=conclusion, recommendations=recommendations)
    fonts.check_content(content)
    digest = data_hash(content)
    title = f"越城区生态环境保护“十四五”规划{content['kind']}报告"
    as_of = date.fromisoformat(content["as_of"])
    who = profile.preparer(store)
    story = cover(
        title,
        [
            f"{year}年",
            f"数据截至：{content['as_of']}",
            f"编制单位：{content['issuer']}",
            *([f"编制：{who}"] if who else []),
        ],
        digest,
    )
    story += verdict_section(content, "一、“十四五”指标评价")
    story += project_section(content["projects"], "二、重大工程投资完成情况（对照十四五计划投资）")
    story += audit_section(content, "三、危险废物规范化管理考核（对照达标率目标）")
    story += text_section("四、评价结论", content["conclusion"])
    story += text_section("五、意见建议", content["recommendations"])
    story += signature(content["issuer"], as_of)
    build_pdf(
        path,
        story,
        title=title,
        header=f"{title}　{year}年",
        footer=f"数据截至 {content['as_of']}　" + (f"编制：{who}　" if who else "") + f"指纹 {digest[:12]}",
        author=who or content["issuer"],
        watermark=DEMO_MARK if content["demo"] else "",
        created=as_of,
    )
    step(1.0, "完成")
    return {"hash": digest, "path": str(path), "content": content}
