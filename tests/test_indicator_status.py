"""Indicator statuses pinned to the plan's own numbers; locks, outliers, completeness."""

import csv
from decimal import Decimal

import pytest

from ycdesk.cli import main
from ycdesk.errors import NeedsConfirmation, UserError
from ycdesk.indicators import indicator_rows
from ycdesk.periods import Period
from ycdesk.seed import remove_demo
from ycdesk.status import evaluate, expected_on_path


def obs(store, code, period, scope="全区"):
    ind = store.indicators.by_code(code)
    return ind, next(o for o in store.indicators.observations(ind["id"], scope) if o["period"] == period)


def test_pm25_2021_equal_to_strict_target_is_not_met(seeded):
    ind, o = obs(seeded, "FYP14-02", "2021")
    assert o["value"] == 28 and ind["target_text"] == "<28"
    assert evaluate(ind, o).status == "未达标"


def test_good_days_2021_meets_at_least_92(seeded):
    ind, o = obs(seeded, "FYP14-03", "2021")
    assert o["value"] == 92.1
    result = evaluate(ind, o)
    assert result.status == "达标"
    # On the straight path from 90.7 (2020) to 92 (2025), 2021 expects 90.96.
    assert result.expected == Decimal("90.96") and result.on_track is True


def test_fyp13_pm25_2020_meets_its_target_of_42(seeded):
    ind, o = obs(seeded, "FYP13-03", "2020")
    assert evaluate(ind, o).status == "达标"


def test_deferred_target_is_awaiting_until_the_handed_down_value_is_entered(seeded):
    ind = seeded.indicators.by_code("FYP14-09")  # 污染地块安全利用率 完成省市下达指标
    rows = {r["code"]: r for r in indicator_rows(seeded)}
    assert rows["FYP14-09"]["status"] == "待下达"
    with pytest.raises(UserError, match="下达文件"):
        seeded.indicators.assign_target(ind["id"], "≥92", "")
    seeded.indicators.assign_target(ind["id"], "≥92", "绍市环〔2022〕1号")
    assert {r["code"]: r for r in indicator_rows(seeded)}["FYP14-09"]["status"] == "无数据"
    seeded.indicators.add_observation(ind["id"], "2023", "95")
    assert {r["code"]: r for r in indicator_rows(seeded)}["FYP14-09"]["status"] == "达标"
    with pytest.raises(UserError, match="无需录入"):
        seeded.indicators.assign_target(seeded.indicators.by_code("FYP14-02")["id"], "<30", "x")


def test_milestones_and_direction():
    milestone = {"target_text": "完成", "direction": None}
    assert evaluate(milestone, {"value": None, "value_text": "创建中", "period": "2023"}).status == "未完成"
    assert evaluate(milestone, {"value": None, "value_text": "完成", "period": "2024"}).status == "已完成"
    assert evaluate(milestone, None).status == "无数据"
    rate = {"target_text": "100", "direction": "越高越好"}
    assert evaluate(rate, {"value": 99.5, "period": "2024"}).status == "未达标"
    assert evaluate(rate, {"value": 100, "period": "2024"}).status == "达标"
    limit = {"target_text": None, "limit_value": 35, "direction": "越低越好"}
    assert evaluate(limit, {"value": 36, "period": "2019"}).status == "未达标"
    assert evaluate({"target_text": "逐年改善"}, None).status is None  # unparsed: no verdict


def test_on_track_path_by_quarter():
    path = expected_on_path(Decimal("90.7"), Decimal("92"), 2025, Period(2023, 2))
    # 2.5 of 5 years elapsed by the end of 2023Q2.
    assert path == Decimal("90.7") + Decimal("1.3") * Decimal("2.5") / 5


def test_export_carries_latest_value_period_and_status(seeded, tmp_path):
    remove_demo(seeded)  # leaves the plan's own 2021 values as the latest
    out = tmp_path / "i.csv"
    assert main(["export", "indicators", "--db", str(seeded.path), "-o", str(out)]) == 0
    rows = {r["编码"]: r for r in csv.DictReader(out.open(encoding="utf-8-sig"))}
    assert (rows["FYP14-02"]["最新值"], rows["FYP14-02"]["最新期"], rows["FYP14-02"]["状态"]) == (
        "28",
        "2021",
        "未达标",
    )
    assert (rows["FYP14-03"]["最新值"], rows["FYP14-03"]["状态"]) == ("92.1", "达标")
    assert rows["FYP13-03"]["状态"] == "达标"
    assert rows["FYP14-05"]["状态"] == "待下达"


def test_locked_quarter_refuses_edits_until_unlocked_with_a_reason(seeded):
    ind = seeded.indicators.by_code("FYP14-02")
    oid = seeded.indicators.add_observation(ind["id"], "2024Q3", "27", scope="北海街道")
    seeded.indicators.lock_period("2024Q3", "季度签收")
    for attempt in (
        lambda: seeded.indicators.add_observation(ind["id"], "2024Q3", "26", scope="塔山街道"),
        lambda: seeded.indicators.update_observation(oid, "26"),
        lambda: seeded.indicators.delete_observation(oid),
    ):
        with pytest.raises(UserError, match="2024年第3季度的数据已签收锁定"):
            attempt()
    with pytest.raises(UserError, match="需要填写原因"):
        seeded.indicators.unlock_period("2024Q3", " ")
    seeded.indicators.unlock_period("2024Q3", "北海街道数据更正")
    seeded.indicators.update_observation(oid, "26")
    lock_history = seeded.history("period_locks")
    assert [h["action"] for h in lock_history] == ["insert", "update", "soft_delete"]
    assert "北海街道数据更正" in lock_history[1]["new"]


def test_outlier_asks_for_confirmation_rather_than_refusing(seeded):
    so2 = seeded.indicators.by_code("MON-SO2")  # 27, 15, 12, 8, 6, 5, 6
    with pytest.raises(NeedsConfirmation, match="请确认"):
        seeded.indicators.add_observation(so2["id"], "2022", "600", confirm_outlier=False)
    assert (
        seeded.scalar("SELECT COUNT(*) FROM observations WHERE indicator_id = ? AND period = '2022'", (so2["id"],)) == 0
    )
    seeded.indicators.add_observation(so2["id"], "2022", "7", confirm_outlier=False)  # ordinary
    seeded.indicators.add_observation(so2["id"], "2023", "600", confirm_outlier=True)  # confirmed


def test_completeness_by_township(seeded):
    ind = seeded.indicators.by_code("FYP14-02")
    done = seeded.indicators.completeness(ind["id"], "2025Q2")
    assert len(done["reported"]) == 6 and len(done["missing"]) == 11
    seeded.indicators.add_observation(ind["id"], "2025Q2", "30", scope="富盛镇")
    assert "富盛镇" in seeded.indicators.completeness(ind["id"], "2025Q2")["reported"]
