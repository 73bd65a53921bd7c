"""The investment-progress (投资进展) and project validators."""

from __future__ import annotations

from datetime import date

from ycdesk.errors import UserError
from ycdesk.i18n import _
from ycdesk.money import format_yi
from ycdesk.periods import Period, parse_period
from ycdesk.rules.dates import not_after_current_quarter

DOMAINS = ("应对气候变化", "治气", "治水", "治海", "治土", "治废", "生态保护")
PROJECT_STATUSES = ("储备", "未开工", "在建", "已完工", "延期", "取消")


def investment(project: dict, period, amount_yuan, *, completed_other_yuan: int, today: date) -> Period:
    """Check one investment record of ``project``; ``completed_other_yuan`` is what the
    project's other records already add up to. Returns the period."""
    name = project["name"]
    p = parse_period(period)
    if not isinstance(amount_yuan, int) or isinstance(amount_yuan, bool):
        raise UserError(_("项目“{0}”的完成投资应为金额，收到“{1}”").format(name, amount_yuan))
    if amount_yuan < 0:
        raise UserError(_("项目“{0}”的完成投资不能为负数").format(name))
    if not project["start_year"] <= p.year <= project["end_year"]:
        raise UserError(
            _("项目“{0}”的起止年限为{1}–{2}，不能填报{3}的投资").format(
                name, project["start_year"], project["end_year"], p.label
            )
        )
    reason = not_after_current_quarter(p, today)
    if reason:
        raise UserError(_("项目“{0}”：{1}").format(name, reason))
    done = completed_other_yuan + amount_yuan
    if done > project["total_yuan"]:
        raise UserError(
            _("项目“{0}”累计完成投资{1}亿元将超过总投资{2}亿元").format(
                name, format_yi(done), format_yi(project["total_yuan"])
            )
        )
    return p


def project(record: dict, units: list[str]) -> None:
    name = (record.get("name") or "").strip()
    if not name:
        raise UserError(_("项目名称不能为空"))
    if record.get("domain") not in DOMAINS:
        raise UserError(_("项目“{0}”的领域应为{1}之一").format(name, "、".join(DOMAINS)))
    if record["start_year"] > record["end_year"]:
        raise UserError(_("项目“{0}”的起始年份晚于结束年份").format(name))
    for key in ("total_yuan", "fyp_yuan"):
        if record[key] < 0:
            raise UserError(_("项目“{0}”的投资不能为负数").format(name))
    if record["fyp_yuan"] > record["total_yuan"]:
        raise UserError(
            _("项目“{0}”的十四五计划投资{1}亿元超过总投资{2}亿元").format(
                name, format_yi(record["fyp_yuan"]), format_yi(record["total_yuan"])
            )
        )
    if record.get("status") not in (None, *PROJECT_STATUSES):
        raise UserError(_("项目状态应为{0}之一").format("、".join(PROJECT_STATUSES)))
    if not units:
        raise UserError(_("项目“{0}”至少需要一个责任单位").format(name))
