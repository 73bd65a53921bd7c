"""The finding (考核发现的问题) validator."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from ycdesk.i18n import _
from ycdesk.rules import MAX_TEXT, not_one_of

FINDING_STATUSES = ("待整改", "整改中", "已整改", "已销号")
OPEN = ("待整改", "整改中")
RECTIFIED = ("已整改", "已销号")
SEVERITIES = ("一般", "较重", "严重")


@lru_cache(maxsize=1 << 16)
def _day(text, label: str) -> tuple[str | None, str | None]:
    """(ISO date, None) or (None, reason) — the importer hands ISO text already. Cached: a
    100,000-row sheet repeats a few thousand dates, and parsing each cell again was a
    quarter of the validator's time."""
    if text in (None, ""):
        return None, None
    try:
        return date.fromisoformat(str(text)).isoformat(), None
    except ValueError:
        return None, _("{0}“{1}”应写作 YYYY-MM-DD").format(label, text)


def finding_reason(
    record: dict,
    *,
    audit_year: int | None,
    inspected: str | None,
    categories,
    today: date,
    stored: dict | None = None,
) -> str | None:
    """Why ``record`` cannot be a finding of an audit in ``audit_year`` inspected on
    ``inspected`` (ISO date or None), or None when it can.

    Dates are compared as ISO text (they sort as dates), so this stays cheap for the
    100,000 rows of a big import. The description is judged only as blank, filled, too
    long or holding a NUL, the verifier as blank or not: :func:`finding_reasons` relies on
    that (keep ``_judged`` in step). ``stored``: the finding as it stands, when ``record`` is a change
    of it: a description it already holds is not held to the length limit (one typed in
    before the limit must not stop its finding from moving or being corrected)."""
    if not (record.get("description") or "").strip():
        return _("问题描述不能为空")
    if record["description"] != (stored or {}).get("description"):
        if len(record["description"]) > MAX_TEXT:
            return _("问题描述超过 {0} 字（Excel 单元格的上限）").format(MAX_TEXT)
        if "\x00" in record["description"]:
            # Pasted from somewhere odd: SQLite's text functions (and so the search index)
            # stop at it, and no spreadsheet can hold it.
            return _("问题描述含有不可见的控制字符（NUL），请删去后再保存")
    if record.get("category") not in categories:
        return _("问题类别“{0}”不在考核清单中").format(record.get("category"))
    status = record.get("status") or "待整改"
    if status not in FINDING_STATUSES:
        return not_one_of(_("整改状态"), status, FINDING_STATUSES)
    if record.get("severity") not in (None, "", *SEVERITIES):
        return not_one_of(_("严重程度"), record["severity"], SEVERITIES)
    days = {}
    for key, label in (
        ("deadline", _("整改期限")),
        ("rectified_date", _("整改完成日期")),
        ("verified_date", _("验收日期")),
    ):
        days[key], reason = _day(record.get(key), label)
        if reason:
            return reason
    deadline, rectified, verified = days["deadline"], days["rectified_date"], days["verified_date"]
    if status == "已销号" and not (rectified and (record.get("verifier") or "").strip() and verified):
        return _("销号需要整改完成日期、验收人和验收日期")
    if status == "已整改" and not rectified:
        return _("已整改的问题需要整改完成日期")
    if status in OPEN and (rectified or verified):
        return _("整改状态为“{0}”的问题不应有整改完成或验收日期；已整改请把状态改为“已整改”").format(status)
    if status == "已整改" and verified:
        return _("已整改（待验收）的问题不应有验收日期；已验收请把状态改为“已销号”")
    today_text = today.isoformat()
    if inspected:
        if audit_year is not None and inspected[:4] != str(audit_year):
            return _("检查日期{0}不在考核年度{1}年内").format(inspected, audit_year)
        if inspected > today_text:
            return _("检查日期{0}晚于今天").format(inspected)
        if deadline and deadline < inspected:
            return _("整改期限{0}早于检查日期{1}").format(deadline, inspected)
        if rectified and rectified < inspected:
            return _("整改完成日期{0}早于检查日期{1}").format(rectified, inspected)
    if rectified and rectified > today_text:
        return _("整改完成日期{0}晚于今天").format(rectified)
    if verified and rectified and verified < rectified:
        return _("验收日期{0}早于整改完成日期{1}").format(verified, rectified)
    if verified and verified > today_text:
        return _("验收日期{0}晚于今天").format(verified)
    return None


# The fields finding_reason reads from a record.
JUDGED = ("category", "description", "severity", "deadline", "status", "rectified_date", "verifier", "verified_date")


def _filled(value) -> bool:
    return bool((value or "").strip())


def _described(value) -> int:
    """All finding_reason asks of a description: 0 blank, 1 filled, 2 too long, 3 holding
    a NUL character."""
    # Blank first, as finding_reason asks: a long run of spaces is blank, not too long.
    return _filled(value) and (2 if len(value) > MAX_TEXT else 3 if "\x00" in value else 1)


def _judged(columns: dict[str, list], audit_years: list, inspected: list):
    """Per row, everything finding_reason's answer depends on: the values it reads, with
    the description and verifier reduced to what it asks of them (see _described, _filled)."""
    return zip(
        columns["category"],
        map(_described, columns["description"]),
        columns["severity"],
        columns["deadline"],
        columns["status"],
        columns["rectified_date"],
        map(_filled, columns["verifier"]),
        columns["verified_date"],
        audit_years,
        inspected,
    )


def finding_reasons(
    columns: dict[str, list],
    audit_years: list,
    inspected: list,
    *,
    categories,
    today: date,
    answers: dict | None = None,
) -> list[str | None]:
    """:func:`finding_reason` for many rows at once (``columns``: each field of
    :data:`JUDGED` → one value per row; ``audit_years``, ``inspected``: per row). The rule
    is that one function; it is asked once per distinct combination of what it judges —
    a 100,000-row sheet repeats its dates, statuses and categories, and its descriptions
    differ only in wording — and each row gets the answer for its combination.
    ``answers``: a dict kept by the caller across calls with the same ``categories`` and
    ``today`` (an import's blocks of rows), so a combination is judged once per file."""
    answers = {} if answers is None else answers
    out = []
    for n, key in enumerate(_judged(columns, audit_years, inspected)):
        try:
            reason = answers[key]
        except KeyError:
            reason = answers[key] = finding_reason(
                {k: columns[k][n] for k in JUDGED},
                audit_year=audit_years[n],
                inspected=inspected[n],
                categories=categories,
                today=today,
            )
        except TypeError:  # an unhashable value: judged on its own
            reason = finding_reason(
                {k: columns[k][n] for k in JUDGED},
                audit_year=audit_years[n],
                inspected=inspected[n],
                categories=categories,
                today=today,
            )
        out.append(reason)
    return out
