"""The workspace built from sample_data reproduces the plan's own tables and figures."""

from pathlib import Path

import pytest

from ycdesk.seed import demo_count, remove_demo
from ycdesk.summary import summary

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT.parent / "shared" / "seed" / "000_eee7d962665061b1.txt"

# 附表4 as printed: (领域, 项目数, 总投资, 十四五) summed by hand from the seed's rows.
DOMAIN_TOTALS = {
    "应对气候变化": (4, "164.43", "132.93"),
    "治气": (3, "140.00", "45.00"),
    "治水": (10, "94.43", "34.67"),
    "治海": (1, "3.60", "3.60"),
    "治土": (1, "1.70", "1.70"),
    "治废": (6, "31.32", "15.32"),
    "生态保护": (4, "8.07", "6.07"),
}


def test_project_totals_and_every_domain_are_exact(seeded):
    data = summary(seeded)["projects"]
    assert data["count"] == 29
    assert data["total_investment"] == "443.55"
    assert data["fyp_investment"] == "239.29"
    for domain, (count, total, fyp) in DOMAIN_TOTALS.items():
        d = data["by_domain"][domain]
        assert (d["count"], d["total"], d["fyp"]) == (count, total, fyp), domain


def test_projects_keep_the_plans_details(seeded):
    projects = {p["seq"]: p for p in seeded.projects.list()}
    assert projects[19]["units"] == [
        "绍兴市越路交通工程有限公司",
        "浙江德创环保科技股份有限公司",
        "浙江天弈环境有限公司",
    ]
    assert (projects[8]["start_year"], projects[8]["end_year"]) == (2017, 2023)  # starts before 2021
    assert (projects[17]["start_year"], projects[17]["end_year"], projects[17]["status"]) == (2025, 2030, "储备")
    assert projects[26]["total_yuan"] == 3_000_000
    assert "主要工艺" in projects[24]["content"]  # multi-line cells kept whole


def test_indicators_from_tables_2_1_and_1_3(seeded):
    fyp14 = seeded.indicators.list("十四五")
    fyp13 = seeded.indicators.list("十三五")
    assert len(fyp14) == 12 and len(fyp13) == 6
    assert sum(1 for i in fyp14 if i["nature"] == "约束性") == 6
    pm25 = seeded.indicators.by_code("FYP14-02")
    assert (
        pm25["baseline_text"],
        pm25["target_text"],
        pm25["target_kind"],
        pm25["target_op"],
        pm25["target_value"],
    ) == ("28", "<28", "numeric", "<", "28")
    good_days = seeded.indicators.by_code("FYP14-03")
    assert (good_days["target_op"], good_days["target_value"]) == (">=", "92")
    assert seeded.indicators.by_code("FYP14-05")["target_kind"] == "deferred"
    assert seeded.indicators.by_code("FYP14-04")["target_kind"] == "milestone"
    old_pm25 = seeded.indicators.by_code("FYP13-03")
    assert old_pm25["target_text"] == "42"
    assert [o["value"] for o in seeded.indicators.observations(old_pm25["id"])] == [28]


def test_monitoring_series_and_2021_values(seeded):
    so2 = seeded.indicators.by_code("MON-SO2")
    assert so2["limit_value"] == 60 and so2["unit"] == "μg/m³"
    values = {o["period"]: o["value"] for o in seeded.indicators.observations(so2["id"])}
    assert values == {"2015": 27, "2016": 15, "2017": 12, "2018": 8, "2019": 6, "2020": 5, "2021": 6}
    assert seeded.indicators.by_code("MON-CO")["limit_value"] is None
    ei = seeded.indicators.by_code("MON-EI-EI值")
    city = {o["period"]: o["value"] for o in seeded.indicators.observations(ei["id"], "绍兴市")}
    district = {o["period"]: o["value"] for o in seeded.indicators.observations(ei["id"], "全区")}
    assert city["2014"] == 78.4 and district["2016"] == 71.7 and district["2017"] == 66.4
    rate = seeded.indicators.by_code("MON-AQI-RATE")
    assert [o["value"] for o in seeded.indicators.observations(rate["id"])] == [90.7, 92.1]
    pm25 = seeded.indicators.by_code("FYP14-02")
    assert {o["period"]: o["value"] for o in seeded.indicators.observations(pm25["id"], "全区")}["2021"] == 28


def test_audit_aggregates_match_the_plan(seeded):
    by = summary(seeded)["findings"]["by_year_level"]
    assert by["2020"]["市级"] == {"units": 14, "found": 35, "rectified": 35}
    assert by["2021"]["市级"] == {"units": 10, "found": 24, "rectified": 24}
    assert by["2021"]["区级"] == {"units": 40, "found": 137, "rectified": 137}
    reported = seeded.query("SELECT year, level, units, found, rectified FROM audit_aggregates ORDER BY year, level")
    assert [tuple(r.values()) for r in reported] == [
        (2020, "市级", 14, 35, 35),
        (2021, "区级", 40, 137, 137),
        (2021, "市级", 10, 24, 24),
    ]


def test_sludge_is_exact(seeded):
    rows = seeded.query("SELECT year, enterprise_count, produced_kg, disposed_kg FROM sludge ORDER BY year")
    assert [tuple(r.values()) for r in rows] == [
        (2020, 40, 115_454_720, 113_683_000),
        (2021, 38, 101_923_950, 106_715_770),
    ]


def test_demo_has_open_and_overdue_findings_and_is_marked(seeded):
    from datetime import date

    names = [e["name"] for e in seeded.audits.enterprises()]
    assert names and all("示例" in n and "演示" in n for n in names)
    from ycdesk.findings import FindingFilter

    assert seeded.findings.count(FindingFilter(due="overdue", as_of=date(2026, 6, 30))) > 0
    later = seeded.query(
        "SELECT DISTINCT a.year FROM audits a JOIN findings f ON f.audit_id = a.id "
        "WHERE f.status IN ('待整改','整改中')"
    )
    assert {r["year"] for r in later} <= {2022, 2023, 2024, 2025} and later


def test_remove_demo_in_one_action_keeps_plan_data(seeded):
    assert demo_count(seeded) > 900
    remove_demo(seeded)
    assert demo_count(seeded) == 0
    data = summary(seeded)
    assert data["projects"]["total_investment"] == "443.55"
    assert data["projects"]["completed"] == "0.00"
    assert data["findings"]["by_year_level"] == {}
    assert seeded.scalar("SELECT COUNT(*) FROM audit_aggregates") == 3  # the plan's own figures stay
    assert seeded.scalar("SELECT COUNT(*) FROM history WHERE action = 'delete'") > 900


def test_two_workspaces_from_the_same_sample_data_share_ids(tmp_path, seeded):
    from ycdesk.seed import init_workspace
    from ycdesk.store import Store

    with Store(tmp_path / "other.ycdesk") as other:
        init_workspace(other)
        for table in ("projects", "indicators", "findings", "enterprises"):
            ids = lambda s: {r["id"] for r in s.query(f"SELECT id FROM {table}")}
            assert ids(other) == ids(seeded), table


@pytest.mark.skipif(not SEED.exists(), reason="the seed document lives in ../shared")
def test_committed_plan_csvs_equal_a_fresh_extraction_from_the_seed():
    import importlib.util

    spec = importlib.util.spec_from_file_location("extract_seed", ROOT / "sample_data" / "extract_seed.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for name, text in module.extract(SEED).items():
        assert (ROOT / "sample_data" / "plan" / name).read_text(encoding="utf-8") == text, name
    assert module.project_totals(SEED) == {"total": "443.55", "fyp": "239.29"}
