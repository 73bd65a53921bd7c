"""Planned vs actual for the 29 projects: profiles, S-curve, 滞后, exact rollups."""

from decimal import Decimal

import pytest

from tests.test_plan_data import DOMAIN_TOTALS
from ycdesk.errors import UserError
from ycdesk.money import format_yi, parse_amount
from ycdesk.periods import Period
from ycdesk.progress import Progress, even_profile, planned_to
from ycdesk.seed import remove_demo


def project(seeded, seq):
    return next(p for p in seeded.projects.list() if p["seq"] == seq)


def test_even_profile_inside_the_plan_years_sums_exactly():
    # 项目10: 2021–2024, 11.5 亿元 over four years.
    p = {"start_year": 2021, "end_year": 2024, "fyp_yuan": parse_amount("11.5")}
    assert even_profile(p) == {2021: 287_500_000, 2022: 287_500_000, 2023: 287_500_000, 2024: 287_500_000}
    # 项目8 starts in 2017: only 2021–2023 are inside 十四五; 1 亿元 / 3 leaves 1 元 over.
    p8 = {"start_year": 2017, "end_year": 2023, "fyp_yuan": parse_amount("1")}
    prof = even_profile(p8)
    assert list(prof) == [2021, 2022, 2023] and sum(prof.values()) == 100_000_000
    assert prof[2021] == 33_333_334 and prof[2023] == 33_333_333
    # 项目2 runs 2023–2027: the 十四五 amount falls in 2023–2025.
    assert list(even_profile({"start_year": 2023, "end_year": 2027, "fyp_yuan": 3})) == [2023, 2024, 2025]


def test_s_curve_for_a_quarter_matches_a_hand_calculation(seeded):
    remove_demo(seeded)
    p10 = project(seeded, 10)  # 袍江片东入曹娥江排涝工程（二期）, 2021–2024, 11.5 亿元
    seeded.projects.add_investment(p10["id"], "2021", parse_amount("2", "亿元"))
    seeded.projects.add_investment(p10["id"], "2022Q1", parse_amount("5000", "万元"))
    seeded.projects.add_investment(p10["id"], "2022Q3", parse_amount("3000", "万元"))
    curve = {str(q): (planned, done) for q, planned, done in Progress(seeded).s_curve([p10["id"]])}
    # By 2022Q3: all of 2021's plan (2.875 亿) + 3/4 of 2022's (2.15625 亿) = 5.03125 亿;
    # done: 2 亿 (2021, at year end) + 0.5 亿 + 0.3 亿 = 2.8 亿.
    assert curve["2022Q3"] == (503_125_000, 280_000_000)
    assert curve["2022Q2"] == (431_250_000, 250_000_000)  # the 2022Q3 record not yet due
    assert curve["2021Q3"] == (215_625_000, 0)  # an annual record counts at the year's end
    assert curve["2025Q4"] == (1_150_000_000, 280_000_000)


def test_lagging_flag_appears_and_disappears(seeded):
    remove_demo(seeded)
    p12 = project(seeded, 12)  # 中心湖南岸水利排涝工程, 2021–2023, 5.26 亿元
    at = Period(2022, 4)

    def lagging():
        rows = Progress(seeded).project_rows(at, [project(seeded, 12)])
        return rows[0]["lagging"]

    assert planned_to(even_profile(p12), at) > 0
    assert lagging()  # nothing done yet
    seeded.projects.add_investment(p12["id"], "2021", parse_amount("1.5"))
    assert lagging()  # 1.5 of 3.5067 planned: far behind
    seeded.projects.add_investment(p12["id"], "2022", parse_amount("1.6"))
    assert not lagging()  # 3.1 ≥ 80 % of 3.5067
    inv = seeded.projects.investments(p12["id"])[-1]
    seeded.projects.delete_investment(inv["id"], "录错")
    assert lagging()


def test_reserve_projects_are_not_flagged(seeded):
    rows = Progress(seeded).project_rows(Period(2025), [project(seeded, 17)])
    assert rows[0]["status"] == "储备" and not rows[0]["lagging"]


def test_rollups_per_domain_sum_to_the_plan_totals(seeded):
    overall = seeded.projects.rollup(period=Period(2025))
    assert (format_yi(overall["total_yuan"]), format_yi(overall["fyp_yuan"])) == ("443.55", "239.29")
    parts = [seeded.projects.rollup(domain, period=Period(2025)) for domain in DOMAIN_TOTALS]
    for domain, part in zip(DOMAIN_TOTALS, parts):
        count, total, fyp = DOMAIN_TOTALS[domain]
        assert (part["count"], format_yi(part["total_yuan"]), format_yi(part["fyp_yuan"])) == (count, total, fyp)
    assert sum(p["completed_yuan"] for p in parts) == overall["completed_yuan"]
    assert overall["remaining_yuan"] == overall["fyp_yuan"] - overall["completed_yuan"]
    assert overall["rate"] == (Decimal(overall["completed_yuan"]) * 100 / overall["fyp_yuan"]).quantize(Decimal("0.1"))


def test_filters_change_the_totals(seeded):
    by_unit = seeded.projects.rollup(unit="浙江滨海新区开发投资有限公司")
    assert by_unit["count"] == 4
    assert format_yi(by_unit["total_yuan"]) == "17.73"  # 5.26 + 6.23 + 2.64 + 3.60
    assert seeded.projects.rollup(status="储备")["count"] == 1
    assert seeded.projects.rollup(text="湿地")["count"] == 2


def test_profile_must_sum_to_the_fyp_amount(seeded):
    p10 = project(seeded, 10)
    progress = Progress(seeded)
    with pytest.raises(UserError, match="应等于十四五计划投资11.50亿元"):
        progress.set_profile(p10["id"], {2021: parse_amount("1"), 2022: parse_amount("1")})
    with pytest.raises(UserError, match="2025"):
        progress.set_profile(p10["id"], {2025: parse_amount("11.5")})
    progress.set_profile(p10["id"], {2021: parse_amount("1.5"), 2022: parse_amount("10")})
    assert progress.profiles()[p10["id"]] == {2021: 150_000_000, 2022: 1_000_000_000}
    assert planned_to(progress.profiles()[p10["id"]], Period(2022, 2)) == 650_000_000


def test_warning_above_fyp_but_within_total(seeded):
    remove_demo(seeded)
    p8 = project(seeded, 8)  # 26.17 total, 1 十四五
    seeded.projects.add_investment(p8["id"], "2022", parse_amount("1.2"))
    assert "已超过十四五计划投资1.00亿元" in seeded.projects.warnings(p8["id"])[0]


def test_initiative_progress_notes(seeded):
    item = seeded.projects.initiatives("平台")[0]
    seeded.projects.add_initiative_progress(item["id"], "2024Q2", "完成平台一期上线", status="推进中")
    with pytest.raises(UserError, match="进展说明不能为空"):
        seeded.projects.add_initiative_progress(item["id"], "2024Q3", "  ")
    notes = seeded.projects.initiative_progress(item["id"])
    assert [n["note"] for n in notes] == ["完成平台一期上线"]
    assert seeded.get("initiatives", item["id"])["status"] == "推进中"


def test_project_edit_is_recorded_in_history(seeded):
    p = project(seeded, 16)
    seeded.projects.update(p["id"], {"status": "已完工"}, units=["滨海新区排水公司", "区住建局"])
    assert project(seeded, 16)["units"] == ["滨海新区排水公司", "区住建局"]
    actions = [h["action"] for h in seeded.history("projects", p["id"])]
    assert actions[-1] == "update"
    with pytest.raises(UserError, match="超过总投资"):
        seeded.projects.update(p["id"], {"fyp_yuan": p["total_yuan"] + 1})


def test_project_soft_delete_and_restore_keep_the_totals_honest(seeded):
    p = project(seeded, 29)
    seeded.projects.delete(p["id"])
    rollup = seeded.projects.rollup(period=Period(2025))
    assert rollup["count"] == 28 and format_yi(rollup["total_yuan"]) == "440.55"
    assert seeded.history("projects", p["id"])[-1]["action"] == "soft_delete"
    seeded.restore("projects", p["id"])
    assert format_yi(seeded.projects.rollup(period=Period(2025))["total_yuan"]) == "443.55"


def test_investment_progress_lists_a_year_before_its_quarters(seeded):
    # The 投资进展 table reads this order: 2022Q3 once came before 2022 (sorted by period end).
    remove_demo(seeded)
    p10 = project(seeded, 10)
    for period in ("2022Q3", "2021Q4", "2022", "2022Q1", "2021"):
        seeded.projects.add_investment(p10["id"], period, parse_amount("100", "万元"))
    periods = [r["period"] for r in seeded.projects.investments(p10["id"])]
    assert periods == ["2021", "2021Q4", "2022", "2022Q1", "2022Q3"]
