"""季度报告: what a bureau submits each quarter, for the district or one township.

一、总体情况 (conclusions written from the figures), 二、指标 (with 同比), 三、重大工程 (the
quarter's investment, 同比, 滞后 projects named), 四、危废考核 (本季度 / 累计 / 逾期 by
township), 五、改革、政策与平台 (附表1–3 progress), 六、存在问题 and 七、下一步工作 (prefilled
from the data, editable before issue), and the 落款. Every figure is as of the quarter's
end (:mod:`ycdesk.stats`), for the report's scope.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, PageBreak, Spacer, Table, TableStyle

from ycdesk.errors import UserError
from ycdesk.i18n import _
from ycdesk.periods import Period, parse_period
from ycdesk.reports import data, fonts, profile
from ycdesk.reports.base import FONT, STATUS_FILL, build_pdf, chinese_date, data_hash, para, table, units
from ycdesk.reports.charts import bar_chart, series_chart
from ycdesk.rules.dates import check_report_period
from ycdesk.townships import DISTRICT

TITLE = "越城区生态环境保护“十四五”规划实施情况季度报告"
DEMO_MARK = "演示数据"


def quarter_start(p: Period) -> date:
    return date(p.year, 3 * (p.quarter - 1) + 1, 1)


def gather(
    store,
    period: str,
    township: str | None = None,
    notes: str = "",
    *,
    problems: str | None = None,
    next_steps: str | None = None,
) -> dict:
    p = parse_period(period)
    if p.quarter is None:
        raise UserError(_("季度报告需要季度，如 2024Q3，收到“{0}”").format(period))
    check_report_period(p)
    township_id = store.townships.id_for(township) if township else None
    scope = township or DISTRICT
    end = p.end
    content = {
        "period": str(p),
        "label": p.label,
        "scope": scope,
        "as_of": end.isoformat(),
        "issuer": profile.get(store, "issuer"),
        "demo": bool(_demo(store)),
        "indicators": data.indicators(store, end, scope=scope),
        "series": data.key_series(store, end, scope),
        "projects": data.projects(store, p, township_id),
        "audits": data.audits(store, quarter_start(p), end, township_id),
        "initiatives": data.initiatives(store, end) if scope == DISTRICT else [],
        "notes": notes.strip(),
    }
    content["summary"] = summary_text(content)
    drafted = prefill(content)
    content["problems"] = drafted["problems"] if problems is None else problems.strip()
    content["next_steps"] = drafted["next_steps"] if next_steps is None else next_steps.strip()
    return content


def _demo(store) -> int:
    from ycdesk.seed import demo_count

    return demo_count(store)


def _names(rows: list[dict], limit: int = 6) -> str:
    names = [r["name"] for r in rows]
    return "、".join(names[:limit]) + (f"等{len(names)}项" if len(names) > limit else "")


def summary_text(c: dict) -> str:
    """一、总体情况: the key conclusions, written from the figures."""
    ind = c["indicators"]
    met = [r for r in ind if r["status"] in ("达标", "已完成")]
    off = [r for r in ind if r["status"] in ("未达标", "未完成")]
    waiting = [r for r in ind if r["status"] == "待下达"]
    no_data = [r for r in ind if r["status"] == "无数据"]
    parts = [f"截至{c['as_of']}，{c['scope']}“十四五”规划{len(ind)}项主要指标中，达标或已完成{len(met)}项"]
    parts.append(f"未达标{len(off)}项（{_names(off)}）" if off else "没有未达标的指标")
    if waiting:
        parts.append(f"目标待省市下达{len(waiting)}项")
    if no_data:
        parts.append(f"尚无监测数据{len(no_data)}项（{_names(no_data)}）")
    text = "，".join(parts) + "。"
    pr = c["projects"]
    if pr["domains"]:
        t = pr["total"]
        text += (
            f"重大工程{t['count']}项累计完成投资{t['completed']}亿元，占十四五计划投资{t['fyp']}亿元的"
            f"{t['rate'] or '0%'}，同期计划进度为{t['planned']}亿元"
        )
        q = pr.get("quarter")
        if q:
            text += f"；本季度完成投资{q['amount']}亿元，上年同期{q['last_year']}亿元"
            text += f"（同比{q['change']}）" if q["change"] != "—" else "（上年同期无可比数）"
            text += f"；累计完成较上年同期{q['completed_last_year']}亿元变化{q['completed_change']}"
        lagging = pr["lagging"]
        text += f"；滞后项目{len(lagging)}个（{_names(lagging)}）。" if lagging else "；没有滞后项目。"
    a = c["audits"]
    cum, now = a["to_date"], a["this_period"]
    text += (
        f"危险废物规范化管理考核累计{cum['audits']}次、涉及{cum['units']}家单位，发现问题{cum['found']}处，"
        f"已整改{cum['rectified']}处，整改率{cum['rate']}；本季度考核{now['audits']}次，发现问题{now['found']}处；"
        f"截至季末逾期未整改{a['overdue_total']}处。"
    )
    return text


def prefill(c: dict) -> dict[str, str]:
    """六、存在问题 and 七、下一步工作 as drafted from the data (the user edits them before issue)."""
    problems, steps = [], []
    off = [r for r in c["indicators"] if r["status"] in ("未达标", "未完成")]
    if off:
        problems.append(f"{_names(off)}未达到目标值。")
        steps.append(f"针对{_names(off)}，分析原因，落实专项措施，确保年度目标完成。")
    lagging = c["projects"]["lagging"]
    if lagging:
        problems.append(f"重大工程中{_names(lagging)}累计完成投资低于计划进度的80%。")
        steps.append("督促滞后项目责任单位加快建设进度，按季报送投资完成情况。")
    a = c["audits"]
    if a["overdue_total"]:
        towns = "、".join(f"{t['township']}{t['overdue']}处" for t in a["by_township"] if t["overdue"])
        problems.append(f"危废规范化考核发现的问题中有{a['overdue_total']}处逾期未整改（{towns}）。")
        steps.append("对逾期未整改问题逐一督办，向企业送达整改通知书，整改到位后及时验收销号。")
    waiting = [r for r in c["indicators"] if r["status"] == "待下达"]
    if waiting:
        steps.append(f"跟进省市下达{_names(waiting)}的目标值并及时录入。")
    if not problems:
        problems.append("本季度未发现需要专门说明的问题。")
    if not steps:
        steps.append("继续按规划推进各项任务，按季度报送数据。")
    return {
        "problems": "\n".join(f"{n}. {t}" for n, t in enumerate(problems, 1)),
        "next_steps": "\n".join(f"{n}. {t}" for n, t in enumerate(steps, 1)),
    }


def cover(title: str, lines: list[str], digest: str) -> list:
    story = [Spacer(1, 60 * mm), para(title, "title"), Spacer(1, 12 * mm)]
    story += [para(line, "subtitle") for line in lines]
    story += [Spacer(1, 40 * mm), para(f"数据指纹（SHA-256）：{digest}", "small"), PageBreak()]
    return story


def indicator_section(rows: list[dict], series: list[dict], heading: str, *, yoy: bool = True) -> list:
    story = [para(heading, "h1")]
    header = ["序号", "指标", "性质", "2020年现状值", "目标值", "最新值", "期间", "同比", "状态", "进度"]
    widths = [8 * mm, 44 * mm, 12 * mm, 16 * mm, 18 * mm, 13 * mm, 15 * mm, 12 * mm, 12 * mm, 20 * mm]
    if not yoy:
        header, widths = header[:7] + header[8:], widths[:7] + widths[8:]
    body, fills = [header], {}
    for i, r in enumerate(rows, 1):
        cells = [str(r["seq"]), r["name"], r["nature"] or "", r["baseline"], r["target"], r["value"], r["period"]]
        cells += [r["yoy_change"]] if yoy else []
        cells += [r["status"], r["on_track"]]
        body.append(cells)
        if r["status"] in STATUS_FILL:
            fills[(len(header) - 2, i)] = STATUS_FILL[r["status"]]
    story.append(table(body, widths, fills=fills))
    if yoy:
        story.append(para("注：同比为最新值与上年同期（同一季度或年份）值之差；上年同期无数据的留空。", "small"))
    if series:
        charts = [
            series_chart(units(s["name"]), s["points"], target=s["target"], target_label=f"目标 {s['target_text']}")
            for s in series
        ]
        row = Table([charts], colWidths=[85 * mm] * len(charts))
        row.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), FONT)]))  # Table's default is Helvetica
        story += [Spacer(1, 4 * mm), row]
    return story


def project_section(p: dict, heading: str) -> list:
    story = [para(heading, "h1")]
    if not p["domains"]:
        return story + [para("本范围内没有登记重大工程。")]
    quarterly = "quarter" in p
    header = [
        "领域",
        "项目数",
        "总投资（亿元）",
        "十四五计划（亿元）",
        "计划至今（亿元）",
        "累计完成（亿元）",
        "完成率",
        "滞后",
    ]
    widths = [22 * mm, 12 * mm, 21 * mm, 23 * mm, 21 * mm, 21 * mm, 16 * mm, 11 * mm]
    if quarterly:
        header.insert(6, "本季度（亿元）")
        widths.insert(6, 20 * mm)
        widths[0], widths[3] = 20 * mm, 21 * mm
    body = [header]
    for d in p["domains"]:
        cells = [
            d["domain"],
            str(d["count"]),
            d["total"],
            d["fyp"],
            d["planned"],
            d["completed"],
            d["rate"],
            str(d["lagging"]),
        ]
        if quarterly:
            cells.insert(6, d["quarter"])
        body.append(cells)
    t = p["total"]
    total = ["合计", str(t["count"]), t["total"], t["fyp"], t["planned"], t["completed"], t["rate"], str(t["lagging"])]
    if quarterly:
        total.insert(6, p["quarter"]["amount"])
    body.append(total)
    # The heading and the whole table stay on one page: the 合计 row never stands alone, and
    # (reportlab's keepWithNext does not reach into a KeepTogether) the heading stays with it.
    block = [story.pop(), table(body, widths, bold_last=True)]
    if p["rounding_note"]:
        block.append(
            para("注：金额按元精确相加后四舍五入到0.01亿元，合计可能与各领域四舍五入后之和相差0.01。", "small")
        )
    story.append(KeepTogether(block))
    if quarterly:
        q = p["quarter"]
        story.append(
            para(
                f"本季度完成投资{q['amount']}亿元，上年同期{q['last_year']}亿元，"
                f"{'同比' + q['change'] if q['change'] != '—' else '上年同期无可比数'}；"
                f"累计完成{t['completed']}亿元，上年同期累计{q['completed_last_year']}亿元，"
                f"同比{q['completed_change']}。",
                "text",
            )
        )
    story.append(Spacer(1, 3 * mm))
    story.append(
        bar_chart(
            "各领域投资（亿元）",
            [d["domain"] for d in p["domains"]],
            {
                "总投资": [d["total_yi"] for d in p["domains"]],
                "十四五计划": [d["fyp_yi"] for d in p["domains"]],
                "累计完成": [d["completed_yi"] for d in p["domains"]],
            },
        )
    )
    story.append(para("滞后项目（累计完成低于计划进度的80%）", "h2"))
    if p["lagging"]:
        rows = [["序号", "项目名称", "领域", "计划至今（亿元）", "累计完成（亿元）", "完成率"]] + [
            [str(r["seq"]), r["name"], r["domain"], r["planned"], r["completed"], r["rate"]] for r in p["lagging"]
        ]
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
        story.append(
            bar_chart(
                f"各年度、级别发现与整改问题数（{scope}）",
                [f"{r['year']}{r['level']}" for r in by_year],
                {"发现问题": [r["found"] for r in by_year], "已整改": [r["rectified"] for r in by_year]},
            )
        )
    towns = [t for t in a["by_township"] if scope == DISTRICT or t["township"] == scope]
    story.append(para(f"未整改和逾期问题（逾期共 {a['overdue_total']} 处），按镇街", "h2"))
    if towns:
        story.append(
            table(
                [["镇街", "未整改", "其中逾期"]] + [[t["township"], str(t["open"]), str(t["overdue"])] for t in towns],
                [50 * mm, 30 * mm, 30 * mm],
            )
        )
    else:
        story.append(para("无未整改问题。"))
    if a["overdue"]:
        story.append(para(f"逾期时间最长的 {len(a['overdue'])} 处", "h2"))
        rows = [["企业", "镇街", "问题类别", "整改期限", "逾期天数", "状态"]] + [
            [o["enterprise"], o["township"], o["category"], o["deadline"], str(o["days"]), o["status"]]
            for o in a["overdue"]
        ]
        story.append(table(rows, [55 * mm, 22 * mm, 32 * mm, 22 * mm, 17 * mm, 17 * mm]))
    return story


def initiative_section(items: list[dict], heading: str) -> list:
    story = [para(heading, "h1")]
    if not items:
        return story + [para("本范围无附表1–3事项。")]
    rows = [["类别", "序号", "事项", "牵头单位", "最新进展"]] + [
        [i["kind"], str(i["seq"]), i["name"], i["lead"], i["progress"]] for i in items
    ]
    story.append(table(rows, [11 * mm, 9 * mm, 55 * mm, 35 * mm, 60 * mm]))
    return story


def text_section(heading: str, text: str) -> list:
    return [para(heading, "h1")] + [para(line, "text") for line in (text or "无。").splitlines() if line.strip()]


def signature(issuer: str, day: date) -> list:
    return [KeepTogether([Spacer(1, 10 * mm), para(issuer, "right"), para(chinese_date(day), "right")])]


def build(
    store,
    period: str,
    path: str | Path,
    *,
    township: str | None = None,
    notes: str = "",
    problems: str | None = None,
    next_steps: str | None = None,
    progress=None,
) -> dict:
    """Write the quarterly report; returns its data hash and page-independent facts."""
    step = progress or (lambda fraction, text: None)
    step(0.1, "汇总指标…")
    content = gather(store, period, township, notes, problems=problems, next_steps=next_steps)
    fonts.check_content(content)
    digest = data_hash(content)
    step(0.6, "排版…")
    scope = content["scope"]
    as_of = date.fromisoformat(content["as_of"])
    who = profile.preparer(store)
    story = cover(
        TITLE,
        [
            content["label"],
            f"范围：{scope}",
            f"数据截至：{content['as_of']}",
            f"编制单位：{content['issuer']}",
            *([f"编制：{who}"] if who else []),
        ],
        digest,
    )
    story += text_section("一、总体情况", content["summary"])
    story += indicator_section(
        content["indicators"], content["series"] if scope == DISTRICT else [], "二、指标完成情况"
    )
    story += project_section(content["projects"], "三、重大工程投资进展")
    story += audit_section(content["audits"], "四、危险废物规范化管理考核", scope)
    number = 5
    if scope == DISTRICT:
        story += initiative_section(content["initiatives"], "五、重大改革、政策与平台（附表1–3）")
        number = 6
    names = "一二三四五六七八九"
    story += text_section(f"{names[number - 1]}、存在问题", content["problems"])
    story += text_section(f"{names[number]}、下一步工作", content["next_steps"])
    if content["notes"]:
        story += text_section(f"{names[number + 1]}、备注", content["notes"])
    story += signature(content["issuer"], as_of)
    build_pdf(
        path,
        story,
        title=f"{TITLE}（{content['label']}）",
        header=f"{TITLE}　{content['label']}　{scope}",
        footer=f"数据截至 {content['as_of']}　" + (f"编制：{who}　" if who else "") + f"指纹 {digest[:12]}",
        author=who or content["issuer"],
        watermark=DEMO_MARK if content["demo"] else "",
        created=as_of,
    )
    step(1.0, "完成")
    return {"hash": digest, "path": str(path), "content": content}
