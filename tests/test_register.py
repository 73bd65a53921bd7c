"""签发登记: issue, reprint the same bytes, and see 数据已变更 when the past is corrected."""

from __future__ import annotations

import json
from datetime import date

from ycdesk import stats
from ycdesk.cli import main
from ycdesk.reports import register


def test_issue_reprint_and_detect_a_corrected_past(seeded, tmp_path, capsys):
    db = str(seeded.path)
    out = tmp_path / "中期评估.pdf"
    assert (
        main(["report", "evaluation", "--year", "2023", "--db", db, "-o", str(out), "--issue", "--operator", "测试员"])
        == 0
    )
    capsys.readouterr()
    assert main(["reports", "--db", db, "--json"]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert (row["kind"], row["period"], row["as_of"], row["state"], row["operator"]) == (
        "evaluation",
        "2023",
        "2023-12-31",
        "有效",
        seeded.operator,
    )

    again = tmp_path / "重印.pdf"
    assert main(["reports", "--db", db, "--reprint", row["id"][:8], "-o", str(again)]) == 0
    assert again.read_bytes() == out.read_bytes()

    # Later data for later periods leaves it valid.
    firm = seeded.audits.add_enterprise({"name": "示例后来企业（演示）"})
    seeded.audits.add_audit({"enterprise_id": firm, "year": 2025, "level": "区级", "audit_date": "2025-06-01"})
    assert [r["state"] for r in register.issued(seeded)] == ["有效"]

    # A 2023 finding entered late changes the 2023 figures: the register says so and what moved.
    audit = seeded.query(
        "SELECT id FROM audits WHERE year = 2023 AND level = '区级' AND audit_date IS NOT NULL "
        "ORDER BY audit_date LIMIT 1"
    )[0]["id"]
    seeded.audits.add_finding({"audit_id": audit, "category": "识别标志", "description": "补录的问题"})
    (changed,) = register.issued(seeded)
    assert changed["state"] == "数据已变更"
    assert any(c.startswith("危废考核·累计·发现问题：") for c in changed["changes"]), changed["changes"]
    assert any(c.startswith("危废考核·本年·发现问题：") for c in changed["changes"])
    # The stored document is still the one issued.
    assert main(["reports", "--db", db, "--reprint", row["id"], "-o", str(again)]) == 0
    assert again.read_bytes() == out.read_bytes()
    capsys.readouterr()
    assert main(["reports", "--db", db]) == 0
    text = capsys.readouterr().out
    assert "数据已变更" in text and "危废考核·累计·发现问题" in text


def test_a_corrected_observation_marks_the_quarterly_report(seeded, tmp_path):
    row = register.issue(seeded, "quarterly", {"period": "2024Q3", "township": None, "notes": ""})
    assert register.issued(seeded)[0]["state"] == "有效"
    pm25 = seeded.indicators.by_code("FYP14-02")
    obs = stats.observations_to(seeded, pm25["id"], date(2024, 9, 30))[-1]  # the value the report shows
    seeded.indicators.update_observation(obs["id"], obs["value"] + 1)
    (changed,) = register.issued(seeded)
    assert changed["id"] == row["id"] and changed["state"] == "数据已变更"
    assert any("指标·" in c and "最新值" in c for c in changed["changes"]), changed["changes"]


def test_reprint_of_an_unknown_id_is_refused(seeded, tmp_path):
    assert main(["reports", "--db", str(seeded.path), "--reprint", "nope", "-o", str(tmp_path / "x.pdf")]) == 1
    assert not (tmp_path / "x.pdf").exists()
