"""整改通知书 as a 公文 (the essentials of GB/T 9704): the issuing authority's full name, a
文号 kept per year in the workspace, 主送 the enterprise, the legal basis, the findings with
requirement and deadline, the contact, the 落款 with the date in Chinese numerals and room
for the seal — kept on one page with the last paragraph — 抄送 the township, and a 送达回证.

The body is set in AR PL UMing (a 宋体-style face) with first lines indented; headings stay
in the sans face. The issuer, 文号 prefix, legal basis and contact come from the
workspace's document settings (:mod:`ycdesk.reports.profile`).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, PageBreak, Spacer, Table, TableStyle

from ycdesk.errors import UserError
from ycdesk.i18n import _
from ycdesk.reports import fonts, profile
from ycdesk.reports.base import build_pdf, chinese_date, data_hash, para, style, table

TITLE = "危险废物规范化管理整改通知书"


def gather(store, audit_id: str) -> dict:
    audits = store.query(
        """SELECT a.*, e.name AS enterprise, e.uscc, t.name AS township FROM audits a
           JOIN enterprises e ON e.id = a.enterprise_id LEFT JOIN townships t ON t.id = e.township_id
           WHERE a.id = ? AND a.deleted_at IS NULL""",
        (audit_id,),
    )
    if not audits:
        raise UserError(_("考核记录不存在：{0}").format(audit_id))
    a = audits[0]
    findings = store.query(
        "SELECT category, description, requirement, deadline, status FROM findings "
        "WHERE audit_id = ? AND deleted_at IS NULL ORDER BY rowid",
        (audit_id,),
    )
    day = a["audit_date"] or f"{a['year']}-12-31"
    return {
        "audit_id": audit_id,
        "enterprise": a["enterprise"],
        "uscc": a["uscc"] or "",
        "township": a["township"] or "",
        "year": a["year"],
        "level": a["level"],
        "audit_date": a["audit_date"] or "",
        "auditors": a["auditors"] or "",
        "findings": findings,
        "number": profile.next_notice_number(store, audit_id, int(day[:4])),
        "issuer": profile.get(store, "issuer"),
        "legal_basis": profile.get(store, "legal_basis"),
        "contact": profile.get(store, "contact"),
        "date": day,
    }


def _body(c: dict) -> list:
    inspected = chinese_date(date.fromisoformat(c["audit_date"])) if c["audit_date"] else f"{c['year']}年"
    team = f"（{c['auditors']}）" if c["auditors"] else ""
    story = [
        para(c["issuer"], "doc_title"),
        Spacer(1, 2 * mm),
        para(TITLE, "doc_title"),
        para(c["number"], "doc_number"),
        Spacer(1, 6 * mm),
        para(f"{c['enterprise']}：", "doc_flush"),
        para(
            f"{inspected}，{c['level']}危险废物规范化管理考核组{team}依据{c['legal_basis']}，"
            f"对你单位开展了{c['year']}年度危险废物规范化环境管理考核，发现以下问题：",
            "doc",
        ),
    ]
    rows = [["序号", "问题类别", "问题描述", "整改要求", "整改期限"]]
    rows += [
        [str(i), f["category"], f["description"], f["requirement"] or "", f["deadline"] or ""]
        for i, f in enumerate(c["findings"], 1)
    ]
    if len(rows) == 1:
        rows.append(["", "", "本次考核未发现问题", "", ""])
    story.append(table(rows, [12 * mm, 26 * mm, 58 * mm, 46 * mm, 24 * mm], cell_style="doc_cell"))
    story.append(Spacer(1, 3 * mm))
    story.append(
        para(
            "请你单位接到本通知后，按照上述整改要求，在整改期限内完成整改，并将整改报告及照片等佐证材料"
            f"报送{c['issuer']}。逾期未整改或整改不到位的，将依法予以处理。",
            "doc",
        )
    )
    contact = c["contact"] or "联系人：　　　　　　　联系电话：　　　　　　　　"
    last = para(f"特此通知。　{contact}", "doc")
    seal = [
        Spacer(1, 14 * mm),
        para(f"{c['issuer']}（盖章）", "doc_right"),
        para(chinese_date(date.fromisoformat(c["date"])), "doc_right"),
    ]
    # The last paragraph, the issuer and the date stay on one page with the seal's room.
    story.append(KeepTogether([last, *seal, Spacer(1, 8 * mm), _copy_to(c)]))
    return story


def _copy_to(c: dict) -> Table:
    copy = f"抄送：{c['township']}" if c["township"] else "抄送："
    t = Table([[para(copy, "doc_flush")]], colWidths=[170 * mm])
    t.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), style("doc_flush").fontName),  # not Helvetica
                ("LINEABOVE", (0, 0), (-1, 0), 0.8, colors.black),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
            ]
        )
    )
    return t


def _receipt(c: dict) -> list:
    """送达回证: the page the enterprise signs and returns."""
    st = style("doc_cell")
    rows = [
        ["送达文书", f"{TITLE}（{c['number']}）"],
        ["受送达人", c["enterprise"]],
        ["送达地点", ""],
        ["送达方式", "直接送达 / 邮寄送达 / 其他："],
        ["受送达人签名或盖章", "\n\n\n　　　　　　　　　　　年　　月　　日"],
        ["代收人及代收理由", ""],
        ["送达人", "\n\n　　　　　　　　　　　年　　月　　日"],
        ["备注", ""],
    ]
    grid = Table(
        [[para(k, "doc_cell"), para(v, "doc_cell")] for k, v in rows],
        colWidths=[45 * mm, 125 * mm],
        rowHeights=[None, None, 16 * mm, None, 34 * mm, 16 * mm, 26 * mm, 16 * mm],
    )
    grid.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), st.fontName, st.fontSize),
                ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    return [PageBreak(), para(c["issuer"], "doc_title"), para("送达回证", "doc_title"), Spacer(1, 6 * mm), grid]


def build(store, audit_id: str, path: str | Path, progress=None) -> dict:
    content = gather(store, audit_id)
    fonts.check_content(content)
    digest = data_hash(content)
    story = _body(content) + _receipt(content)
    build_pdf(
        path,
        story,
        title=f"{TITLE}（{content['enterprise']}）",
        header=f"{TITLE}　{content['number']}",
        footer=f"{content['enterprise']}　{content['year']}年{content['level']}考核　指纹 {digest[:12]}",
        author=content["issuer"],
        created=date.fromisoformat(content["date"]),
    )
    return {"hash": digest, "path": str(path), "content": content}
