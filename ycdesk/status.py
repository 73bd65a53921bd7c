"""Where an indicator stands: status against its target and on-track against the path.

Statuses: 达标 / 未达标 (numeric targets, or a standard limit for monitoring series),
已完成 / 未完成 (milestones), 待下达 (the target is handed down later and has not been
entered), 无数据 (nothing observed yet). A value exactly at a strict target is not met:
``<28`` with 28 is 未达标.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ycdesk.periods import Period, parse_period
from ycdesk.targets import Target, parse_target

MET, NOT_MET, NO_DATA, AWAITING, DONE, NOT_DONE = "达标", "未达标", "无数据", "待下达", "已完成", "未完成"
INDICATOR_STATUSES = (MET, NOT_MET, NO_DATA, AWAITING, DONE, NOT_DONE)
DONE_WORDS = ("完成", "已完成", "建成", "已建成", "通过", "已通过", "达到")
BASELINE_YEAR = 2020


@dataclass(frozen=True)
class Evaluation:
    status: str | None  # None: no target and no limit to judge by
    on_track: bool | None = None  # None: no straight path to compare with
    expected: Decimal | None = None  # the path's value for the period
    target: Target | None = None


def effective_target(indicator: dict) -> Target:
    """The handed-down target once entered, otherwise the plan's own target."""
    if indicator.get("assigned_target_text"):
        return parse_target(indicator["assigned_target_text"])
    return parse_target(indicator.get("target_text"))


def meets(target: Target, value: Decimal, direction: str | None) -> bool:
    v, t = value, target.value
    if target.kind == "range":
        return target.value <= v <= target.high
    op = target.op
    if op == "=":
        # "100" for a rate means reaching 100; the direction says which side is good.
        op = {"越高越好": ">=", "越低越好": "<="}.get(direction or "", "=")
    return {"<": v < t, "<=": v <= t, ">": v > t, ">=": v >= t, "=": v == t}[op]


def _decimal(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def evaluate(indicator: dict, observation: dict | None) -> Evaluation:
    target = effective_target(indicator)
    if target.kind == "deferred":
        return Evaluation(AWAITING, target=target)
    if observation is None:
        if target.kind in ("none", "unparsed") and indicator.get("limit_value") is None:
            return Evaluation(None, target=target)
        return Evaluation(NO_DATA, target=target)
    value = _decimal(observation.get("value"))
    if target.kind == "milestone":
        text = (observation.get("value_text") or "").strip()
        return Evaluation(DONE if text in DONE_WORDS else NOT_DONE, target=target)
    if value is None:
        return Evaluation(NO_DATA, target=target)
    direction = indicator.get("direction")
    if target.kind in ("numeric", "range"):
        status = MET if meets(target, value, direction) else NOT_MET
        on_track, expected = _on_track(indicator, target, value, observation["period"])
        return Evaluation(status, on_track, expected, target)
    limit = indicator.get("limit_value")
    if limit is not None:
        # Monitoring series: judged against the standard limit (GB3095-2012 二级).
        ok = value <= _decimal(limit) if direction != "越高越好" else value >= _decimal(limit)
        return Evaluation(MET if ok else NOT_MET, target=target)
    return Evaluation(None, target=target)


def expected_on_path(baseline: Decimal, target_value: Decimal, target_year: int, period: Period) -> Decimal:
    """The straight line from the 2020 baseline to the target, at the period's end."""
    span = Decimal(target_year - BASELINE_YEAR)
    elapsed = Decimal(period.year - BASELINE_YEAR - 1) + Decimal(period.quarter or 4) / 4
    fraction = min(max(elapsed / span, Decimal(0)), Decimal(1))
    return baseline + (target_value - baseline) * fraction


def _on_track(indicator: dict, target: Target, value: Decimal, period: str):
    baseline = _decimal(indicator.get("baseline_value"))
    year = indicator.get("target_year")
    direction = indicator.get("direction")
    if baseline is None or target.value is None or not year or year <= BASELINE_YEAR or not direction:
        return None, None
    expected = expected_on_path(baseline, target.value, year, parse_period(period))
    ok = value <= expected if direction == "越低越好" else value >= expected
    return ok, expected.quantize(Decimal("0.01"))


def trend(observations: list[dict], direction: str | None) -> str:
    """↑ / ↓ / → between the last two numeric observations (for the table's arrow)."""
    values = [o["value"] for o in observations if o.get("value") is not None]
    if len(values) < 2:
        return ""
    a, b = values[-2], values[-1]
    return "↑" if b > a else "↓" if b < a else "→"


def trend_is_good(arrow: str, direction: str | None) -> bool | None:
    if arrow in ("", "→") or not direction:
        return None
    return (arrow == "↑") == (direction == "越高越好")
