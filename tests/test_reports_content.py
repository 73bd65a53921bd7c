"""Reports a bureau can submit: conclusions, 同比, verdicts, a formal 整改通知书, no blanks
for rare characters, clean output. Checked on the extracted text, against hand counts."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from pypdf import PdfReader

from ycdesk import stats
from ycdesk.errors import UserError
from ycdesk.periods import parse_period
from ycdesk.reports import evaluation, notice, quarterly


def pages_of(path) -> list[str]:
    return [p.extract_text() for p in PdfReader(str(path)).pages]


def flat(path) -> str:
    return re.sub(r"\s+", "", "".join(pages_of(path)))


def test_overall_paragraph_names_off_track_indicators_and_the_overdue_count(seeded, tmp_path):
    result = quarterly.build(seeded, "2024Q3", tmp_path / "q.pdf")
    text = flat(tmp_path / "q.pdf")
    off = [r["name"] for r in result["content"]["indicators"] if r["status"] == "未达标"]
    assert off  # the demo has PM2.5 and 优良天数比率 off target in 2023
    overdue = stats.due(seeded, stats.Cut(date(2024, 9, 30)), 0)["overdue"]
    summary = text[text.index("一、总体情况") : text.index("二、指标完成情况")]
    assert f"未达标{len(off)}项" in summary
    for name in off:
        assert re.sub(r"\s+", "", name.replace("ug/m3", "μg/m³")) in summary
    assert f"逾期未整改{overdue}处" in summary
    for heading in (
        "三、重大工程投资进展",
        "四、危险废物规范化管理考核",
        "五、重大改革、政策与平台（附表1–3）",
        "六、存在问题",
        "七、下一步工作",
        "绍兴市生态环境局越城分局",
        "二〇二四年九月三十日",
    ):
        assert heading in text
    assert "μg/m³" in text and "ug/m3" not in text


def test_year_on_year_figures_equal_a_hand_calculation(seeded, tmp_path):
    content = quarterly.gather(seeded, "2025Q4")
    # Indicator: the latest value by 2025-12-31 against the same period a year earlier.
    pm = seeded.indicators.by_code("FYP14-03")
    rows = {
        o["period"]: o["value"]
        for o in seeded.indicators.observations(pm["id"], "全区")
        if parse_period(o["period"]).end <= date(2025, 12, 31)
    }
    latest = max(rows, key=lambda p: parse_period(p).sort_key)
    before = str(parse_period(latest).year - 1) + (latest[4:] if "Q" in latest else "")
    row = next(r for r in content["indicators"] if r["code"] == "FYP14-03")
    expected = Decimal(repr(rows[latest])) - Decimal(repr(rows[before]))
    assert Decimal(row["yoy_change"]) == expected and row["yoy_period"] == before

    # Investment: the quarter's own amount = records whose period ends inside the quarter
    # (an annual figure counts at the year's end), this year and the same quarter last year.
    def quarter_amount(year):
        return sum(
            r["amount_yuan"]
            for r in seeded.query("SELECT * FROM investments WHERE deleted_at IS NULL")
            if date(year, 9, 30) < parse_period(r["period"]).end <= date(year, 12, 31)
        )

    now, then = quarter_amount(2025), quarter_amount(2024)
    q = content["projects"]["quarter"]
    assert Decimal(q["amount"]) == (Decimal(now) / 100_000_000).quantize(Decimal("0.01"))
    assert Decimal(q["last_year"]) == (Decimal(then) / 100_000_000).quantize(Decimal("0.01"))
    assert then and q["change"] == f"{(Decimal(now - then) * 100 / then).quantize(Decimal('0.1')):+}%"


def test_evaluation_gives_a_verdict_for_every_indicator_and_marks_missed_pass_rates(seeded, tmp_path):
    result = evaluation.build(seeded, 2025, tmp_path / "e.pdf")
    text = flat(tmp_path / "e.pdf")
    rows = result["content"]["indicators"]
    assert len(rows) == 12
    for r in rows:
        assert r["verdict"].startswith(r["status"]) and r["status"] in (
            "达标",
            "未达标",
            "已完成",
            "未完成",
            "待下达",
            "无数据",
        )
        assert re.sub(r"\s+", "", r["verdict"]) in text
    waiting = [r for r in rows if r["status"] == "待下达"]
    assert waiting and all("尚未录入下达值" in r["verdict"] for r in waiting)
    rates = {r["role"]: r for r in result["content"]["audits"]["pass_rates"]}
    for r in rates.values():
        assert r["to_date"] is not None and f"{r['to_date']}%{r['to_date_verdict']}" in text
        assert (r["year_verdict"] == "未达标") == (r["year"] < r["target"])
    assert "达标率计算规则" in text and "四、评价结论" in text and "五、意见建议" in text
    assert f"达标或已完成{sum(1 for r in rows if r['status'] in ('达标', '已完成'))}项" in text


def test_conclusion_is_editable(seeded, tmp_path):
    evaluation.build(
        seeded, 2023, tmp_path / "e.pdf", conclusion="中期评估结论：总体进展顺利。", recommendations="建议一。"
    )
    text = flat(tmp_path / "e.pdf")
    assert "中期评估结论：总体进展顺利。" in text and "建议一。" in text


def _audit_with(seeded, n: int, name: str = "示例企业（演示）") -> str:
    firm = seeded.audits.add_enterprise({"name": name, "township_id": seeded.townships.id_for("塔山街道")})
    audit = seeded.audits.add_audit(
        {"enterprise_id": firm, "year": 2025, "level": "区级", "audit_date": "2025-05-06", "auditors": "王某、李某"}
    )
    for i in range(n):
        seeded.audits.add_finding(
            {
                "audit_id": audit,
                "category": "识别标志",
                "description": f"第{i + 1}处危险废物贮存场所识别标志不规范，需按规定设置",
                "requirement": "按 HJ 1276 设置标志并拍照上传",
                "deadline": "2025-06-30",
            }
        )
    return audit


# 8 and 27 are counts where, without keeping them together, the seal would fall onto the next page.
@pytest.mark.parametrize("findings", [1, 8, 20, 27, 60])
def test_notice_is_a_formal_document_with_the_seal_beside_the_last_paragraph(seeded, tmp_path, findings):
    audit = _audit_with(seeded, findings)
    path = tmp_path / "n.pdf"
    result = notice.build(seeded, audit, path)
    pages = [re.sub(r"\s+", "", p) for p in pages_of(path)]
    text = "".join(pages)
    number = result["content"]["number"]
    assert re.fullmatch(r"越环整改〔2025〕\d+号", number) and number in text
    assert text.startswith("绍兴市生态环境局越城分局危险废物规范化管理整改通知书")
    assert "示例企业（演示）：" in text and "二〇二五年五月六日" in text
    assert "《中华人民共和国固体废物污染环境防治法》" in text
    assert "抄送：塔山街道" in text and "送达回证" in pages[-1]
    last = next(i for i, p in enumerate(pages) if "特此通知" in p)
    assert (
        "绍兴市生态环境局越城分局（盖章）" in pages[last] and "二〇二五年五月六日" in pages[last].split("特此通知")[1]
    )
    assert "抄送：塔山街道" in pages[last]


def test_notice_numbers_run_per_year_and_stay_with_their_audit(seeded, tmp_path):
    first, second = _audit_with(seeded, 1, "示例甲（演示）"), _audit_with(seeded, 1, "示例乙（演示）")
    a = notice.build(seeded, first, tmp_path / "a.pdf")["content"]["number"]
    b = notice.build(seeded, second, tmp_path / "b.pdf")["content"]["number"]
    again = notice.build(seeded, first, tmp_path / "c.pdf")["content"]["number"]
    n = int(re.search(r"〕(\d+)号", a).group(1))
    assert b == a.replace(f"〕{n}号", f"〕{n + 1}号") and again == a
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "c.pdf").read_bytes()


def test_rare_characters_print_with_the_fallback_face(seeded, tmp_path):
    audit = _audit_with(seeded, 1, "示例𠮷𬌗䶮㵘化工（演示）")
    notice.build(seeded, audit, tmp_path / "n.pdf")
    text = flat(tmp_path / "n.pdf")
    assert "示例𠮷𬌗䶮㵘化工（演示）" in text  # copied out right: surrogate pairs in ToUnicode


def test_a_character_no_face_has_is_refused_with_the_record_named(seeded, tmp_path):
    audit = _audit_with(seeded, 1, "示例\U00031350化工（演示）")  # CJK Extension H: no bundled face
    with pytest.raises(UserError, match="U\\+31350"):
        notice.build(seeded, audit, tmp_path / "n.pdf")
    assert not (tmp_path / "n.pdf").exists()


def test_demo_watermark_operator_and_creation_date(seeded, tmp_path):
    from ycdesk.seed import remove_demo

    quarterly.build(seeded, "2024Q3", tmp_path / "demo.pdf")
    reader = PdfReader(str(tmp_path / "demo.pdf"))
    assert all("演示数据" in p.extract_text() for p in reader.pages)
    assert reader.metadata.creation_date.date() == date(2024, 9, 30)
    assert "编制：测试员" in flat(tmp_path / "demo.pdf")
    remove_demo(seeded)
    quarterly.build(seeded, "2024Q3", tmp_path / "clean.pdf")
    assert not any("演示数据" in p for p in pages_of(tmp_path / "clean.pdf"))


def test_document_settings_reach_the_notice(seeded, tmp_path, capsys):
    from ycdesk.cli import main

    db = str(seeded.path)
    assert main(["settings", "--db", db, "contact=固体废物科 王某 0575-88000000", "notice_prefix=越环固"]) == 0
    assert "0575-88000000" in capsys.readouterr().out
    assert main(["settings", "--db", db, "issuer="]) == 1  # the issuer cannot be blank
    assert main(["settings", "--db", db, "nope=1"]) == 1
    audit = _audit_with(seeded, 1)
    text = flat(tmp_path / "n.pdf") if notice.build(seeded, audit, tmp_path / "n.pdf") else ""
    assert "固体废物科王某0575-88000000" in text and "越环固〔2025〕" in text


def test_reports_never_name_the_computer_login(seeded, tmp_path, monkeypatch):
    from ycdesk.store import Store, default_operator

    with Store(seeded.path) as anonymous:  # nobody set an operator: the login name is the default
        assert anonymous.operator == default_operator()
        quarterly.build(anonymous, "2024Q3", tmp_path / "a.pdf")
        assert f"编制：{default_operator()}" not in flat(tmp_path / "a.pdf")
        from ycdesk.reports import profile

        profile.set_value(anonymous, "preparer", "综合科 李某")
        quarterly.build(anonymous, "2024Q3", tmp_path / "b.pdf")
        assert "编制：综合科李某" in flat(tmp_path / "b.pdf")
