"""Plan indicators (表2-1, 表1-3, targets in the text, monitoring series) and observations."""

from __future__ import annotations

from ycdesk.errors import NeedsConfirmation, UserError
from ycdesk.i18n import _
from ycdesk.periods import parse_period
from ycdesk.rules.observations import observation_period, observation_value
from ycdesk.targets import parse_target
from ycdesk.townships import CITY, DISTRICT

PLANS = ("十四五", "十三五", "规划文本", "监测")


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
        rows = self.store.query("SELECT * FROM indicators WHERE code = ? AND deleted_at IS NULL", (code,))
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
        evidence_path: str | None = None,
        confirm_outlier: bool = True,
        future_reason: str | None = None,
    ) -> str:
        """Record a value. ``confirm_outlier=False`` (the app's first try) raises
        :class:`NeedsConfirmation` for a value far outside the series instead of saving;
        a period after the current quarter needs ``future_reason`` (kept in the note)."""
        indicator = self.store.get("indicators", indicator_id)
        p = observation_period(period, self.store.today(), future_reason=future_reason)
        self.check_unlocked(p)
        number, text = observation_value(value, indicator)
        if future_reason and p.end > self.store.today():
            note = "；".join(x for x in (note, _("未来期间：{0}").format(future_reason.strip())) if x)
        township_id = None
        if scope not in (DISTRICT, CITY):
            township_id = self.store.townships.id_for(scope)
        if not confirm_outlier and number is not None:
            message = self.outlier(indicator_id, number, scope)
            if message:
                raise NeedsConfirmation(message)
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
            "evidence_path": evidence_path,
            "is_demo": int(is_demo),
        }
        if row_id:
            record["id"] = row_id
        return self.store.insert("observations", record)

    def update_observation(
        self, observation_id: str, value, *, source=None, note=None, evidence_path=None, confirm_outlier: bool = True
    ) -> dict:
        """Change a value; returns the old field values (for undo)."""
        obs = self.store.get("observations", observation_id)
        indicator = self.store.get("indicators", obs["indicator_id"])
        self.check_unlocked(parse_period(obs["period"]))
        number, text = observation_value(value, indicator)
        if not confirm_outlier and number is not None:
            message = self.outlier(indicator["id"], number, obs["scope"], exclude=observation_id)
            if message:
                raise NeedsConfirmation(message)
        changes = {
            "value": number,
            "value_text": text,
            "source": source,
            "note": note,
            "evidence_path": evidence_path,
            "operator": self.store.operator,
        }
        old = {k: obs[k] for k in changes}
        self.store.update("observations", observation_id, changes)
        return old

    def restore_fields(self, observation_id: str, fields: dict) -> None:
        """Put back fields saved by :meth:`update_observation` (undo), lock rules applying."""
        obs = self.store.get("observations", observation_id)
        self.check_unlocked(parse_period(obs["period"]))
        self.store.update("observations", observation_id, fields)

    def delete_observation(self, observation_id: str) -> None:
        obs = self.store.get("observations", observation_id)
        self.check_unlocked(parse_period(obs["period"]))
        self.store.soft_delete("observations", observation_id)

    def restore_observation(self, observation_id: str) -> None:
        obs = self.store.get("observations", observation_id, include_deleted=True)
        self.check_unlocked(parse_period(obs["period"]))
        self.store.restore("observations", observation_id)

    # -- outliers -------------------------------------------------------------------------

    def outlier(self, indicator_id: str, value: float, scope: str, exclude: str | None = None) -> str | None:
        """A message when ``value`` lies outside 1.5×IQR of the series (needs ≥ 4 values)."""
        values = sorted(
            o["value"] for o in self.observations(indicator_id, scope) if o["value"] is not None and o["id"] != exclude
        )
        if len(values) < 4:
            return None
        q1, q3 = _quantile(values, 0.25), _quantile(values, 0.75)
        spread = max(q3 - q1, abs(q3) * 0.05, 1e-9)  # a flat series still allows small moves
        low, high = q1 - 1.5 * spread, q3 + 1.5 * spread
        if low <= value <= high:
            return None
        name = self.store.get("indicators", indicator_id)["name"]
        return _("“{0}”的值{1:g}远离已有数据的常见范围（{2:g}–{3:g}），请确认是否正确").format(name, value, low, high)

    # -- targets handed down later ----------------------------------------------------------

    def assign_target(self, indicator_id: str, text: str, source: str) -> None:
        """Enter the value a 完成省市下达指标 target was set to, with the document it came from."""
        indicator = self.store.get("indicators", indicator_id)
        if parse_target(indicator["target_text"]).kind != "deferred":
            raise UserError(_("“{0}”的目标不是“完成省市下达指标”，无需录入下达值").format(indicator["name"]))
        if not (source or "").strip():
            raise UserError(_("请填写下达文件（来源）"))
        target = parse_target(text)
        if target.kind not in ("numeric", "range", "milestone"):
            raise UserError(_("下达目标“{0}”无法识别，请写作如 ≥92、<28、100 或 完成").format(text))
        row = {f"assigned_{k}": v for k, v in target.as_row().items()}
        self.store.update("indicators", indicator_id, {**row, "assigned_target_source": source.strip()})

    # -- period sign-off (locks) ------------------------------------------------------------

    def locked_periods(self) -> list[dict]:
        return self.store.query("SELECT * FROM period_locks WHERE deleted_at IS NULL ORDER BY period")

    def is_locked(self, period) -> bool:
        return bool(
            self.store.scalar("SELECT 1 FROM period_locks WHERE period = ? AND deleted_at IS NULL", (str(period),))
        )

    def lock_period(self, period: str, reason: str | None = None) -> str:
        p = parse_period(period)
        if self.is_locked(p):
            raise UserError(_("{0}已签收锁定").format(p.label))
        return self.store.insert("period_locks", {"period": str(p), "locked_by": self.store.operator, "reason": reason})

    def unlock_period(self, period: str, reason: str) -> None:
        p = parse_period(period)
        if not (reason or "").strip():
            raise UserError(_("解锁{0}需要填写原因").format(p.label))
        row = self.store.query("SELECT id FROM period_locks WHERE period = ? AND deleted_at IS NULL", (str(p),))
        if not row:
            raise UserError(_("{0}未锁定").format(p.label))
        with self.store.transaction():
            self.store.update("period_locks", row[0]["id"], {"unlock_reason": reason.strip()})
            self.store.soft_delete("period_locks", row[0]["id"])

    def check_unlocked(self, p) -> None:
        if self.is_locked(p):
            raise UserError(_("{0}的数据已签收锁定，不能修改；如需修改请先解锁并填写原因").format(p.label))

    # -- completeness -----------------------------------------------------------------------

    def completeness(self, indicator_id: str, period: str) -> dict[str, list[str]]:
        """Townships that have and have not reported ``indicator`` for ``period``."""
        p = parse_period(period)
        reported = {
            r["scope"]
            for r in self.store.query(
                "SELECT scope FROM observations WHERE indicator_id = ? AND period = ? "
                "AND township_id IS NOT NULL AND deleted_at IS NULL",
                (indicator_id, str(p)),
            )
        }
        names = self.store.townships.names()
        return {"reported": [n for n in names if n in reported], "missing": [n for n in names if n not in reported]}

    def observations(self, indicator_id: str, scope: str | None = None) -> list[dict]:
        sql = "SELECT * FROM observations WHERE indicator_id = ? AND deleted_at IS NULL"
        params: list = [indicator_id]
        if scope:
            sql += " AND scope = ?"
            params.append(scope)
        rows = self.store.query(sql, params)
        return sorted(rows, key=lambda r: (parse_period(r["period"]).sort_key, r["scope"]))


def _quantile(values: list[float], q: float) -> float:
    pos = (len(values) - 1) * q
    lo = int(pos)
    hi = min(lo + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (pos - lo)


def indicator_rows(store, plan: str | None = None, scope: str = DISTRICT, as_of=None) -> list[dict]:
    """Indicators with latest value, latest period, status, on-track and trend for ``scope``,
    from the observations of periods ending by ``as_of`` (default: the end of the current
    quarter, the latest period that can hold data — a plan value entered for a later year
    is not a latest value)."""
    from ycdesk.rules.dates import current_quarter

    as_of = as_of or current_quarter(store.today()).end
    from ycdesk.status import evaluate, trend

    series: dict[str, list[dict]] = {}
    for o in store.query("SELECT * FROM observations WHERE deleted_at IS NULL AND scope = ?", (scope,)):
        series.setdefault(o["indicator_id"], []).append(o)
    rows = store.indicators.list(plan)
    for row in rows:
        obs = sorted(series.get(row["id"], []), key=lambda o: parse_period(o["period"]).end)
        obs = [o for o in obs if parse_period(o["period"]).end <= as_of]
        latest = obs[-1] if obs else None
        result = evaluate(row, latest)
        row["latest"] = latest
        row["latest_value"] = _display(latest)
        row["latest_period"] = latest["period"] if latest else ""
        row["status"] = result.status
        row["on_track"] = result.on_track
        row["expected"] = result.expected
        row["trend"] = trend(obs, row["direction"])
        row["effective_target"] = row["assigned_target_text"] or row["target_text"]
    return rows


def _display(obs: dict | None) -> str:
    if obs is None:
        return ""
    if obs["value"] is None:
        return obs["value_text"] or ""
    return f"{obs['value']:g}"
