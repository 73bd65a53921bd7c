"""Plan indicators (表2-1, 表1-3, targets in the text, monitoring series) and observations."""

from __future__ import annotations

import math
import re

from ycdesk.errors import UserError
from ycdesk.i18n import _
from ycdesk.periods import parse_period
from ycdesk.targets import parse_target
from ycdesk.townships import CITY, DISTRICT

PLANS = ("十四五", "十三五", "规划文本", "监测")
PLAN_YEARS = range(2014, 2031)  # the monitoring series reach back to 2014
_NUMBER_WITH_REMARK = re.compile(r"^(-?[0-9]+(?:\.[0-9]+)?)\s*[，,；;]\s*\S")


class Indicators:
    def __init__(self, store) -> None:
        self.store = store

    def list(self, plan: str | None = None) -> list[dict]:
        sql = "SELECT * FROM indicators WHERE deleted_at IS NULL"
        params: list = []
        if plan:
            sql += " AND plan = ?"
            params.append(plan)
        return self.store.query(sql + " ORDER BY plan, seq, code", params)

    def by_code(self, code: str) -> dict:
        rows = self.store.query(
            "SELECT * FROM indicators WHERE code = ? AND deleted_at IS NULL", (code,)
        )
        if not rows:
            raise UserError(_("指标“{0}”不存在").format(code))
        return rows[0]

    def add(self, record: dict, *, row_id: str | None = None) -> str:
        if record.get("plan") not in PLANS:
            raise UserError(_("规划应为{0}之一").format("、".join(PLANS)))
        if not (record.get("name") or "").strip():
            raise UserError(_("指标名称不能为空"))
        target = parse_target(record.get("target_text"))
        row = {**record, **target.as_row()}
        if row_id:
            row["id"] = row_id
        return self.store.insert("indicators", row)

    def add_observation(
        self,
        indicator_id: str,
        period: str,
        value: float | str | None,
        *,
        scope: str = DISTRICT,
        source: str | None = None,
        note: str | None = None,
        is_demo: bool = False,
        row_id: str | None = None,
    ) -> str:
        indicator = self.store.get("indicators", indicator_id)
        p = parse_period(period)
        if p.year not in PLAN_YEARS:
            raise UserError(_("期间{0}不在规划范围内").format(p.label))
        number, text = _value(value, indicator)
        township_id = None
        if scope not in (DISTRICT, CITY):
            township_id = self.store.townships.id_for(scope)
        record = {
            "indicator_id": indicator_id,
            "period": str(p),
            "value": number,
            "value_text": text,
            "scope": scope,
            "township_id": township_id,
            "source": source,
            "operator": self.store.operator,
            "note": note,
            "is_demo": int(is_demo),
        }
        if row_id:
            record["id"] = row_id
        return self.store.insert("observations", record)

    def observations(self, indicator_id: str, scope: str | None = None) -> list[dict]:
        sql = "SELECT * FROM observations WHERE indicator_id = ? AND deleted_at IS NULL"
        params: list = [indicator_id]
        if scope:
            sql += " AND scope = ?"
            params.append(scope)
        rows = self.store.query(sql, params)
        return sorted(rows, key=lambda r: (parse_period(r["period"]).sort_key, r["scope"]))


def _value(value, indicator: dict) -> tuple[float | None, str | None]:
    """A number, or text such as 完成/创建中 for milestone indicators."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise UserError(_("“{0}”的值不能为空").format(indicator["name"]))
    text = str(value).strip()
    try:
        number = float(text.rstrip("%"))
        text = None
    except ValueError:
        # The plan writes some values as a number with a remark: "0，保持稳定".
        m = _NUMBER_WITH_REMARK.match(text)
        if m:
            number = float(m.group(1))
        elif indicator["target_kind"] in ("milestone", "deferred", "none", "unparsed"):
            return None, text
        else:
            raise UserError(_("“{0}”的值“{1}”不是数字").format(indicator["name"], value)) from None
    if not math.isfinite(number):
        raise UserError(_("“{0}”的值“{1}”不是数字").format(indicator["name"], value))
    if indicator["unit"] == "%" and not 0 <= number <= 100:
        raise UserError(_("“{0}”是百分比，应在0到100之间，收到{1}").format(indicator["name"], value))
    return number, text


def latest_by_indicator(store, scope: str = DISTRICT) -> dict[str, dict]:
    """The most recent observation of each indicator for ``scope`` (years after quarters)."""
    out: dict[str, dict] = {}
    for row in store.query(
        "SELECT * FROM observations WHERE deleted_at IS NULL AND scope = ?", (scope,)
    ):
        key = parse_period(row["period"]).sort_key
        current = out.get(row["indicator_id"])
        if current is None or key > parse_period(current["period"]).sort_key:
            out[row["indicator_id"]] = row
    return out
