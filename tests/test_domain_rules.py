"""Rules a user relies on when entering data: clear Chinese refusals, nothing written."""

import pytest

from ycdesk.errors import UserError
from ycdesk.money import parse_amount
from ycdesk.uscc import make


def count(store, table):
    return store.scalar(f"SELECT COUNT(*) FROM {table}")


def test_observation_validation(seeded):
    good_days = seeded.indicators.by_code("FYP14-03")
    before = count(seeded, "observations")
    with pytest.raises(UserError, match="百分比"):
        seeded.indicators.add_observation(good_days["id"], "2024", "101")
    with pytest.raises(UserError, match="不是数字"):
        seeded.indicators.add_observation(good_days["id"], "2024", "很好")
    with pytest.raises(UserError, match="不在规划范围"):
        seeded.indicators.add_observation(good_days["id"], "1999", "90")
    with pytest.raises(UserError, match="无法识别"):
        seeded.indicators.add_observation(good_days["id"], "2024Q7", "90")
    with pytest.raises(UserError, match="不在越城区镇街名单"):
        seeded.indicators.add_observation(good_days["id"], "2024Q3", "90", scope="西湖街道")
    with pytest.raises(UserError, match="全区 2025 已有观测值，请修改已有记录或更换期次"):
        seeded.indicators.add_observation(good_days["id"], "2025", "93")  # demo already has 2025
    assert count(seeded, "observations") == before
    oid = seeded.indicators.add_observation(good_days["id"], "2024Q3", "93.5%", scope="北海")
    row = seeded.get("observations", oid)
    assert (row["value"], row["scope"], row["operator"]) == (93.5, "北海", "测试员")


def test_milestone_indicator_takes_text(seeded):
    wufei = seeded.indicators.by_code("FYP14-04")
    oid = seeded.indicators.add_observation(wufei["id"], "2023", "完成")
    assert seeded.get("observations", oid)["value_text"] == "完成"


def test_project_rules_name_the_project(seeded):
    before = count(seeded, "projects")
    base = {
        "seq": 30,
        "domain": "治水",
        "name": "测试河道工程",
        "start_year": 2022,
        "end_year": 2024,
        "total_yuan": parse_amount("1.00"),
        "fyp_yuan": parse_amount("1.50"),
    }
    with pytest.raises(UserError, match="测试河道工程.*超过总投资"):
        seeded.projects.add(base, units=["区水利局"])
    with pytest.raises(UserError, match="领域"):
        seeded.projects.add({**base, "fyp_yuan": 1, "domain": "治山"}, units=["区水利局"])
    with pytest.raises(UserError, match="责任单位"):
        seeded.projects.add({**base, "fyp_yuan": 1}, units=[])
    assert count(seeded, "projects") == before


def test_completed_investment_above_total_is_refused(seeded):
    project = next(p for p in seeded.projects.list() if p["seq"] == 26)  # 0.03 亿元 in total
    done = seeded.projects.completed_yuan(project["id"])
    with pytest.raises(UserError, match="新桥江渔业资源增殖放游项目.*超过总投资"):
        seeded.projects.add_investment(project["id"], "2024Q4", project["total_yuan"] - done + 1)
    with pytest.raises(UserError, match="起止年限为2020–2024，不能填报2026年"):
        seeded.projects.add_investment(project["id"], "2026", 1)
    seeded.projects.add_investment(project["id"], "2024Q4", project["total_yuan"] - done)
    assert seeded.projects.completed_yuan(project["id"]) == project["total_yuan"]


def test_enterprise_codes(seeded):
    with pytest.raises(UserError, match="18位"):
        seeded.audits.add_enterprise({"name": "示例短码企业（演示）", "uscc": "12345"})
    code = make("91330602MA2BB1234")
    bad_check = code[:17] + ("1" if code[17] != "1" else "2")
    eid = seeded.audits.add_enterprise({"name": "示例校验位企业（演示）", "uscc": bad_check})
    assert "校验位" in seeded.get("enterprises", eid)["uscc_warning"]


def test_closing_a_finding_needs_verification(seeded):
    audit_id = seeded.scalar("SELECT id FROM audits LIMIT 1")
    with pytest.raises(UserError, match="销号需要"):
        seeded.audits.add_finding(
            {"audit_id": audit_id, "category": "识别标志", "description": "标志缺失", "status": "已销号"}
        )
    with pytest.raises(UserError, match="无法识别"):
        seeded.audits.add_finding(
            {"audit_id": audit_id, "category": "识别标志", "description": "标志缺失", "status": "搞定了"}
        )
    with pytest.raises(UserError, match="YYYY-MM-DD"):
        seeded.audits.add_finding(
            {"audit_id": audit_id, "category": "识别标志", "description": "标志缺失", "deadline": "2021年7月31日"}
        )
