"""The audit (一次考核) and enterprise validators."""

from __future__ import annotations

from datetime import date

from ycdesk.i18n import _
from ycdesk.rules import not_one_of
from ycdesk.rules.dates import REPORT_YEARS
from ycdesk.uscc import validate

LEVELS = ("市级", "区级")
RESULTS = ("达标", "基本达标", "不达标")
ROLES = ("产生", "经营", "产生和经营")


def audit_reason(record: dict, today: date) -> str | None:
    """Why ``record`` (year, level, audit_date, result, score) cannot be an audit, or None."""
    if record.get("level") not in LEVELS:
        return not_one_of(_("考核级别"), record.get("level"), LEVELS)
    year = record.get("year")
    if not isinstance(year, int) or year not in REPORT_YEARS:
        return _("考核年度“{0}”应在{1}–{2}年之间").format(year, REPORT_YEARS[0], REPORT_YEARS[-1])
    if year > today.year:
        return _("考核年度{0}年尚未到来").format(year)
    if record.get("result") not in (None, "", *RESULTS):
        return not_one_of(_("考核结果"), record["result"], RESULTS)
    score = record.get("score")
    if score not in (None, ""):
        try:
            in_range = 0 <= float(score) <= 100
        except (TypeError, ValueError):
            in_range = False
        if not in_range:
            return _("考核得分应在0到100之间，收到{0}").format(score)
    day = record.get("audit_date")
    if day:
        try:
            day = date.fromisoformat(str(day)).isoformat()
        except ValueError:
            return _("检查日期“{0}”应写作 YYYY-MM-DD").format(day)
        if day[:4] != str(year):
            return _("检查日期{0}不在考核年度{1}年内").format(day, year)
        if day > today.isoformat():
            return _("检查日期{0}晚于今天").format(day)
    return None


def enterprise_reason(record: dict) -> str | None:
    """Why ``record`` cannot be an enterprise, or None. The credit code is checked by
    :func:`enterprise_code` (it also cleans the code)."""
    if not (record.get("name") or "").strip():
        return _("企业名称不能为空")
    if record.get("role") not in (None, "", *ROLES):
        return not_one_of(_("企业类型"), record["role"], ROLES)
    return None


def enterprise_code(uscc: str | None) -> tuple[str | None, str | None, str | None]:
    """(cleaned code, warning, refusal reason) for a 统一社会信用代码 (GB 32100-2015)."""
    if not uscc:
        return None, None, None
    check = validate(uscc)
    if check.error:
        return None, None, check.error
    return check.code, check.warning, None
