"""中期评估（2023）/ 终期考核（2025）: indicators, investment and audits against the plan (规划 4.3)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from reportlab.lib.units import mm

from ycdesk import stats
from ycdesk.errors import UserError
from ycdesk.i18n import _
from ycdesk.periods import Period
from ycdesk.reports import data
from ycdesk.reports.base import build_pdf, data_hash, para, table
from ycdesk.reports.quarterly import cover, indicator_section, project_section

KINDS = {2023: "中期评估", 2025: "终期考核"}


def gather(store, year: int) -> dict:
    if year not in KINDS:
        raise UserError(_("规划要求在2023年进行中期评估、2025年进行终期考核，不支持{0}年").format(year))
    end = date(year, 12, 31)
    rates = stats.audit_figures(store, stats.Cut(as_of=end))
    yearly = stats.audit_figures(store, stats.Cut(as_of=end, year=year))
    return {
        "year": year, "kind": KINDS[year], "as_of": end.isoformat(),
        "indicators": data.indicators(store, end, year_end=True),
        "series": data.key_series(store, end),
        "projects": data.projects(store, Period(year)),
        "audits": {
            "year": {k: yearly[k] for k in ("units", "found", "rectified", "rectification_rate",
                                            "pass_rate_产生", "pass_rate_经营")},
            "to_date": {k: rates[k] for k in ("units", "found", "rectified", "rectification_rate", "overdue")},
            "targets": {"产生": rates["pass_target_产生"], "经营": rates["pass_target_经营"]},
        },
    }


def _pct(value) -> str:
    return "—" if value is None else f"{value}%"


def build(store, year: int, path: str | Path, progress=None) -> dict:
    step = progress or (lambda fraction, text: None)
    step(0.1, "汇总…")
    content = gather(store, year)
    digest = data_hash(content)
    title = f"越城区生态环境保护“十四五”规划{content['kind']}报告"
    story = cover(title, [f"{year}年", f"数据截至：{content['as_of']}", f"编制：{store.operator}"], digest)
    met = sum(1 for r in content["indicators"] if r["status"] in ("达标", "已完成"))
    story += indicator_section(content["indicators"], content["series"], "一、“十四五”指标对照目标")
    story.append(para(f"12项指标中，达标或已完成 {met} 项。"))
    story += project_section(content["projects"], "二、重大工程投资完成情况（对照十四五计划投资）")
    a = content["audits"]
    story.append(para("三、危险废物规范化管理考核（对照达标率目标）", "h1"))
    rows = [["项目", f"{year}年", "累计"],
            ["考核单位", str(a["year"]["units"]), str(a["to_date"]["units"])],
            ["发现问题", str(a["year"]["found"]), str(a["to_date"]["found"])],
            ["已整改", str(a["year"]["rectified"]), str(a["to_date"]["rectified"])],
            ["整改率", _pct(a["year"]["rectification_rate"]), _pct(a["to_date"]["rectification_rate"])],
            [f"产生单位规范化管理达标率（目标 {a['targets']['产生']}%）", _pct(a["year"]["pass_rate_产生"]), ""],
            [f"经营单位规范化管理达标率（目标 {a['targets']['经营']}%）", _pct(a["year"]["pass_rate_经营"]), ""]]
    story.append(table(rows, [90 * mm, 40 * mm, 40 * mm]))
    build_pdf(path, story, title=title, header=f"{title}　{year}年",
              footer=f"数据截至 {content['as_of']}　编制：{store.operator}　指纹 {digest[:12]}",
              author=store.operator)
    step(1.0, "完成")
    return {"hash": digest, "path": str(path), "content": content}
