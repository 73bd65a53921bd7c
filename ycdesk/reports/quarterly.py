"""季度报告: indicators, project investment and hazardous-waste audits for one quarter."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Spacer, Table, TableStyle

from ycdesk.errors import UserError
from ycdesk.i18n import _
from ycdesk.periods import Period, parse_period
from ycdesk.reports import data
from ycdesk.reports.base import FONT, STATUS_FILL, build_pdf, data_hash, para, table
from ycdesk.reports.charts import bar_chart, series_chart
from ycdesk.rules.dates import check_report_period
from ycdesk.townships import DISTRICT

TITLE = "越城区生态环境保护“十四五”规划实施情况季度报告"


def quarter_start(p: Period) -> date:
    return date(p.year, 3 * (p.quarter - 1) + 1, 1)


def gather(store, period: str, township: str | None = None, notes: str = "") -> dict:
    p = parse_period(period)
    if p.quarter is None:
        raise UserError(_("季度报告需要季度，如 2024Q3，收到“{0}”").format(period))
    check_report_period(p)
    township_id = store.townships.id_for(township) if township else None
    scope = township or DISTRICT
    end = p.end
    return {
        "period": str(p), "label": p.label, "scope": scope, "as_of": end.isoformat(),
        "indicators": data.indicators(store, end, scope=scope),
        "series": data.key_series(store, end, scope),
        "projects": data.projects(store, p, township_id),
        "audits": data.audits(store, quarter_start(p), end, township_id),
        "notes": notes.strip(),
    }


def cover(title: str, lines: list[str], digest: str) -> list:
    story = [Spacer(1, 60 * mm), para(title, "title"), Spacer(1, 12 * mm)]
    story += [para(line, "subtitle") for line in lines]
    story += [Spacer(1, 40 * mm), para(f"数据指纹（SHA-256）：{digest}", "small"), PageBreak()]
    return story


def indicator_section(rows: list[dict], series: list[dict], heading: str) -> list:
    story = [para(heading, "h1")]
    header = ["序号", "指标", "性质", "2020年现状值", "目标值", "最新值", "期间", "状态", "进度"]
    body, fills = [header], {}
    for i, r in enumerate(rows, 1):
        body.append([str(r["seq"]), r["name"], r["nature"] or "", r["baseline"], r["target"], r["value"],
                     r["period"], r["status"], r["on_track"]])
        if r["status"] in STATUS_FILL:
            fills[(7, i)] = STATUS_FILL[r["status"]]
    story.append(table(body, [8 * mm, 50 * mm, 11 * mm, 18 * mm, 20 * mm, 14 * mm, 14 * mm, 14 * mm, 21 * mm],
                       fills=fills))
    if series:
        charts = [series_chart(s["name"], s["points"], target=s["target"], target_label=f"目标 {s['target_text']}")
                  for s in series]
        row = Table([charts], colWidths=[85 * mm] * len(charts))
        row.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), FONT)]))  # Table's default is Helvetica
        story += [Spacer(1, 4 * mm), row]
    return story


def project_section(p: dict, heading: str) -> list:
    story = [para(heading, "h1")]
    if not p["domains"]:
        return story + [para("本范围内没有登记重大工程。")]
    header = ["领域", "项目数", "总投资（亿元）", "十四五计划（亿元）", "计划至今（亿元）", "累计完成（亿元）", "完成率", "滞后"]
    body = [header] + [[d["domain"], str(d["count"]), d["total"], d["fyp"], d["planned"], d["completed"], d["rate"],
                        str(d["lagging"])] for d in p["domains"]]
    t = p["total"]
    body.append(["合计", str(t["count"]), t["total"], t["fyp"], t["planned"], t["completed"], t["rate"], str(t["lagging"])])
    story.append(table(body, [24 * mm, 13 * mm, 23 * mm, 25 * mm, 23 * mm, 23 * mm, 17 * mm, 12 * mm], bold_last=True))
    story.append(Spacer(1, 3 * mm))
    story.append(bar_chart("各领域投资（亿元）", [d["domain"] for d in p["domains"]], {
        "总投资": [d["total_yi"] for d in p["domains"]],
        "十四五计划": [d["fyp_yi"] for d in p["domains"]],
        "累计完成": [d["completed_yi"] for d in p["domains"]]}))
    story.append(para("滞后项目（累计完成低于计划进度的80%）", "h2"))
    if p["lagging"]:
        rows = [["序号", "项目名称", "领域", "计划至今（亿元）", "累计完成（亿元）", "完成率"]] + [
            [str(r["seq"]), r["name"], r["domain"], r["planned"], r["completed"], r["rate"]] for r in p["lagging"]]
        story.append(table(rows, [10 * mm, 70 * mm, 22 * mm, 24 * mm, 24 * mm, 16 * mm]))
    else:
        story.append(para("无。"))
    return story


def audit_section(a: dict, heading: str, scope: str) -> list:
    story = [para(heading, "h1")]
    rows = [["范围", "考核次数", "考核单位", "发现问题", "已整改", "整改率"]]
    for label, c in (("本季度", a["this_period"]), ("累计", a["to_date"])):
        rows.append([label, str(c["audits"]), str(c["units"]), str(c["found"]), str(c["rectified"]), c["rate"]])
    story.append(table(rows, [30 * mm, 24 * mm, 24 * mm, 24 * mm, 24 * mm, 24 * mm]))
    story.append(Spacer(1, 3 * mm))
    by_year = a["by_year_level"]
    if by_year:
        story.append(bar_chart(f"各年度、级别发现与整改问题数（{scope}）", [f"{r['year']}{r['level']}" for r in by_year],
                               {"发现问题": [r["found"] for r in by_year], "已整改": [r["rectified"] for r in by_year]}))
    towns = [t for t in a["by_township"] if scope == DISTRICT or t["township"] == scope]
    story.append(para(f"逾期未整改问题（共 {a['overdue_total']} 处），按镇街", "h2"))
    if towns:
        story.append(table([["镇街", "未销号", "其中逾期"]] + [[t["township"], str(t["open"]), str(t["overdue"])] for t in towns],
                           [50 * mm, 30 * mm, 30 * mm]))
    if a["overdue"]:
        story.append(para(f"逾期时间最长的 {len(a['overdue'])} 处", "h2"))
        rows = [["企业", "镇街", "问题类别", "整改期限", "逾期天数", "状态"]] + [
            [o["enterprise"], o["township"], o["category"], o["deadline"], str(o["days"]), o["status"]]
            for o in a["overdue"]]
        story.append(table(rows, [55 * mm, 22 * mm, 32 * mm, 22 * mm, 17 * mm, 17 * mm]))
    else:
        story.append(para("无逾期问题。"))
    return story


def build(store, period: str, path: str | Path, *, township: str | None = None, notes: str = "",
          progress=None) -> dict:
    """Write the quarterly report; returns its data hash and page-independent facts."""
    step = progress or (lambda fraction, text: None)
    step(0.1, "汇总指标…")
    content = gather(store, period, township, notes)
    digest = data_hash(content)
    step(0.6, "排版…")
    scope = content["scope"]
    story = cover(TITLE, [content["label"], f"范围：{scope}", f"数据截至：{content['as_of']}",
                          f"编制：{store.operator}"], digest)
    story += indicator_section(content["indicators"], content["series"] if scope == DISTRICT else [],
                               "一、指标完成情况")
    story += project_section(content["projects"], "二、重大工程投资进展")
    story += audit_section(content["audits"], "三、危险废物规范化管理考核", scope)
    story += [para("四、备注", "h1"), para(content["notes"] or "无。")]
    build_pdf(path, story, title=f"{TITLE}（{content['label']}）",
              header=f"{TITLE}　{content['label']}　{scope}",
              footer=f"数据截至 {content['as_of']}　编制：{store.operator}　指纹 {digest[:12]}",
              author=store.operator)
    step(1.0, "完成")
    return {"hash": digest, "path": str(path), "content": content}
