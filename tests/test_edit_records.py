"""Correcting, deleting and restoring findings, audits and enterprises in the core; evidence
copies; project status; the investment year/quarter overlap warning."""

import json
from datetime import date

import pytest

from ycdesk.errors import UserError
from ycdesk.findings import FindingFilter


@pytest.fixture(autouse=True)
def _no_evidence_copies_left():
    """Opened evidence copies live in the process's temporary folder until exit; other
    tests check that folder is empty, so these tests remove it when done."""
    yield
    from ycdesk import tempdir

    tempdir.cleanup()


@pytest.fixture
def finding(seeded):
    """An open finding of an audit with an inspection date."""
    rows = seeded.findings.page(FindingFilter(status="待整改"), limit=50)
    return next(r for r in rows if r["audit_date"])


def test_a_finding_is_corrected_through_the_import_validator(seeded, finding):
    with pytest.raises(UserError, match=f"整改期限2000-01-01早于检查日期{finding['audit_date']}"):
        seeded.findings.update(finding["id"], {"deadline": "2000-01-01"})
    with pytest.raises(UserError, match="问题描述不能为空"):
        seeded.findings.update(finding["id"], {"description": "  "})
    with pytest.raises(UserError, match="不在考核清单中"):
        seeded.findings.update(finding["id"], {"category": "不存在的类别"})
    with pytest.raises(UserError, match="整改状态"):
        seeded.findings.update(finding["id"], {"status": "已销号"})  # only through the lifecycle
    assert seeded.findings.get(finding["id"])["deadline"] == finding["deadline"]

    seeded.findings.update(finding["id"], {"responsible": " 王某 ", "requirement": ""})
    after = seeded.findings.get(finding["id"])
    assert (after["responsible"], after["requirement"]) == ("王某", None)
    last = seeded.history("findings", finding["id"])[-1]
    assert last["action"] == "update" and json.loads(last["new"])["responsible"] == "王某"


def test_deleting_a_finding_needs_a_reason_and_it_comes_back(seeded, finding):
    flt = FindingFilter()
    before = seeded.findings.count(flt)
    with pytest.raises(UserError, match="删除问题需要填写原因"):
        seeded.findings.delete(finding["id"], " ")
    seeded.findings.delete(finding["id"], "重复录入")
    assert seeded.findings.count(flt) == before - 1
    assert [d["deleted_reason"] for d in seeded.findings.deleted() if d["id"] == finding["id"]] == ["重复录入"]
    seeded.findings.restore(finding["id"])
    assert seeded.findings.count(flt) == before
    assert [h["action"] for h in seeded.history("findings", finding["id"])][-2:] == ["soft_delete", "restore"]


def test_an_audit_edit_judges_its_findings_again(seeded, finding):
    audit = seeded.audits.get_audit(finding["audit_id"])
    later = finding["deadline"][:4] + "-12-31" if finding["deadline"] else None
    if later and later > finding["deadline"] and later[:4] == str(audit["year"]):
        with pytest.raises(UserError, match="早于检查日期"):
            seeded.audits.update_audit(audit["id"], {"audit_date": later})
    with pytest.raises(UserError, match="考核得分应在0到100之间"):
        seeded.audits.update_audit(audit["id"], {"score": 120})
    with pytest.raises(UserError, match="考核级别"):
        seeded.audits.update_audit(audit["id"], {"level": "省级"})
    seeded.audits.update_audit(audit["id"], {"score": 88.5, "auditors": "李某、张某"})
    assert seeded.audits.get_audit(audit["id"])["score"] == 88.5


def test_deleting_an_audit_hides_its_findings_until_restored(seeded, finding):
    flt = FindingFilter()
    before = seeded.findings.count(flt)
    found = seeded.findings.count(
        FindingFilter(enterprise_id=finding["enterprise_id"], year=finding["year"], level=finding["level"])
    )
    seeded.audits.delete_audit(finding["audit_id"], "录错企业")
    assert seeded.findings.count(flt) == before - found
    with pytest.raises(UserError, match="请先恢复考核"):
        seeded.findings.restore(finding["id"])
    seeded.audits.restore_audit(finding["audit_id"])
    assert seeded.findings.count(flt) == before


def test_enterprise_edit_checks_the_credit_code_and_duplicates(seeded):
    first, second = [e for e in seeded.audits.enterprises() if e["uscc"]][:2]
    with pytest.raises(UserError, match="企业名称不能为空"):
        seeded.audits.update_enterprise(first["id"], {"name": ""})
    with pytest.raises(UserError, match="已登记为"):
        seeded.audits.update_enterprise(first["id"], {"uscc": second["uscc"]})
    with pytest.raises(UserError):
        seeded.audits.update_enterprise(first["id"], {"uscc": "123"})
    seeded.audits.update_enterprise(first["id"], {"name": "改名后的企业", "uscc": first["uscc"]})
    assert seeded.get("enterprises", first["id"])["name"] == "改名后的企业"
    with pytest.raises(UserError, match="请先删除这些考核"):
        seeded.audits.delete_enterprise(first["id"], "已关停")
    lone = seeded.audits.add_enterprise({"name": "新登记企业", "uscc": None})
    seeded.audits.delete_enterprise(lone, "重复登记")
    assert lone in [e["id"] for e in seeded.audits.deleted("enterprises")]
    seeded.audits.restore_enterprise(lone)
    assert seeded.get("enterprises", lone)["name"] == "新登记企业"


def test_project_status_is_validated(seeded):
    project = seeded.projects.list()[0]
    with pytest.raises(UserError, match="项目状态应为"):
        seeded.projects.set_status(project["id"], "停工")
    seeded.projects.set_status(project["id"], "在建")
    assert seeded.get("projects", project["id"])["status"] == "在建"
    seeded.projects.set_status(project["id"], None)
    assert seeded.get("projects", project["id"])["status"] is None


def test_quarter_over_an_annual_figure_and_the_reverse_are_found(seeded):
    project = next(
        p for p in seeded.projects.list() if any(r["period"] == "2025" for r in seeded.projects.investments(p["id"]))
    )
    annual = next(r for r in seeded.projects.investments(project["id"]) if r["period"] == "2025")
    message = seeded.projects.period_overlap(project["id"], "2025Q3", 5_000_000)
    assert "2025年全年完成投资" in message and "本次填报2025年第3季度500.00万元" in message
    assert str(annual["amount_yuan"] // 10_000) in message.replace(",", "")
    # Editing the annual record itself is not an overlap with itself.
    assert seeded.projects.period_overlap(project["id"], "2025", 1, excluding=annual["id"]) is None

    seeded.projects.delete_investment(annual["id"], "重复录入")
    seeded.projects.add_investment(project["id"], "2025Q2", 1_230_000)
    reverse = seeded.projects.period_overlap(project["id"], "2025", 9_990_000)
    assert "2025年第2季度123.00万元" in reverse and "本次填报2025年999.00万元" in reverse


def test_evidence_copy_keeps_its_name_save_as_and_removal_with_reason(seeded, finding, tmp_path):
    source = tmp_path / "整改报告.pdf"
    source.write_bytes(b"%PDF-1.4 evidence bytes")
    attachment_id = seeded.findings.attach(finding["id"], source)
    copy = seeded.findings.open_copy(attachment_id)
    assert copy.name == "整改报告.pdf" and copy.read_bytes() == source.read_bytes()
    out = seeded.findings.save_copy(attachment_id, tmp_path / "另存.pdf")
    assert out.read_bytes() == source.read_bytes()
    with pytest.raises(UserError, match="移除佐证材料需要填写原因"):
        seeded.findings.remove_attachment(attachment_id, "")
    seeded.findings.remove_attachment(attachment_id, "照片拍错")
    assert seeded.findings.attachments(finding["id"]) == []
    removed = [h for h in seeded.findings.history(finding["id"]) if h["table_name"] == "attachments"][0]
    assert removed["action"] == "soft_delete" and json.loads(removed["new"])["deleted_reason"] == "照片拍错"


def test_a_tampered_evidence_file_is_not_opened(seeded, finding, tmp_path):
    source = tmp_path / "a.jpg"
    source.write_bytes(b"original")
    attachment_id = seeded.findings.attach(finding["id"], source)
    stored = seeded.findings.attachment_path(seeded.get("attachments", attachment_id))
    stored.write_bytes(b"changed")
    with pytest.raises(UserError, match="SHA-256 不符"):
        seeded.findings.open_copy(attachment_id)


def test_new_finding_is_judged_against_its_audit(seeded, finding):
    with pytest.raises(UserError, match="早于检查日期"):
        seeded.audits.add_finding(
            {"audit_id": finding["audit_id"], "category": "贮存设施", "description": "新问题", "deadline": "2000-01-01"}
        )
    new = seeded.audits.add_finding(
        {
            "audit_id": finding["audit_id"],
            "category": "贮存设施",
            "description": "新问题",
            "deadline": date.today().isoformat(),
        }
    )
    assert seeded.findings.get(new)["status"] == "待整改"
