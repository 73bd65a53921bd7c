"""整改通知书: one audit's findings with requirements and deadlines, for the enterprise to sign."""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import Spacer, Table, TableStyle

from ycdesk.errors import UserError
from ycdesk.i18n import _
from ycdesk.reports.base import FONT, build_pdf, data_hash, para, table


def gather(store, audit_id: str) -> dict:
    audits = store.query(
        """SELECT a.*, e.name AS enterprise, e.uscc, t.name AS township FROM audits a
           JOIN enterprises e ON e.id = a.enterprise_id LEFT JOIN townships t ON t.id = e.township_id
           WHERE a.id = ? AND a.deleted_at IS NULL""", (audit_id,))
    if not audits:
        raise UserError(_("考核记录不存在：{0}").format(audit_id))
    a = audits[0]
    findings = store.query(
        "SELECT category, description, requirement, deadline, status FROM findings "
        "WHERE audit_id = ? AND deleted_at IS NULL ORDER BY rowid", (audit_id,))
    return {"audit_id": audit_id, "enterprise": a["enterprise"], "uscc": a["uscc"] or "",
            "township": a["township"] or "", "year": a["year"], "level": a["level"],
            "audit_date": a["audit_date"] or "", "auditors": a["auditors"] or "", "findings": findings}


def build(store, audit_id: str, path: str | Path, progress=None) -> dict:
    content = gather(store, audit_id)
    digest = data_hash(content)
    title = "危险废物规范化管理整改通知书"
    story = [para(title, "title"), Spacer(1, 8 * mm),
             para(f"{content['enterprise']}："),
             para(f"统一社会信用代码：{content['uscc']}　所属镇街：{content['township']}", "small"),
             Spacer(1, 3 * mm),
             para(f"{content['audit_date']}，{content['level']}危险废物规范化管理考核组（{content['auditors']}）"
                  f"对你单位开展了{content['year']}年度规范化管理考核，发现以下问题。请按整改要求在期限内完成整改，"
                  "并将整改报告及佐证材料报送越城区生态环境分局。逾期未整改的，将依法处理。"),
             Spacer(1, 4 * mm)]
    rows = [["序号", "问题类别", "问题描述", "整改要求", "整改期限"]]
    rows += [[str(i), f["category"], f["description"], f["requirement"] or "", f["deadline"] or ""]
             for i, f in enumerate(content["findings"], 1)]
    if len(rows) == 1:
        rows.append(["", "", "本次考核未发现问题", "", ""])
    story.append(table(rows, [10 * mm, 28 * mm, 62 * mm, 45 * mm, 25 * mm]))
    story.append(Spacer(1, 14 * mm))
    sign = Table([["考核单位（盖章）：", "企业签收："],
                  ["越城区生态环境分局", "签收人：　　　　　　"],
                  ["日期：　　年　　月　　日", "日期：　　年　　月　　日"]],
                 colWidths=[85 * mm, 85 * mm], rowHeights=[10 * mm, 22 * mm, 10 * mm])
    sign.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), FONT, 10.5), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story.append(sign)
    build_pdf(path, story, title=f"{title}（{content['enterprise']}）", header=title,
              footer=f"{content['enterprise']}　{content['year']}年{content['level']}考核　指纹 {digest[:12]}",
              author=store.operator)
    return {"hash": digest, "path": str(path), "content": content}
