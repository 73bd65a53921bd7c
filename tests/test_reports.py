"""Reports as a reader gets them: figures in the extracted text, fonts embedded, pages numbered."""

import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from ycdesk.cli import main
from ycdesk.reports import evaluation, notice, quarterly
from ycdesk.reports.base import font_has

ROOT = Path(__file__).resolve().parent.parent


def text_of(path) -> list[str]:
    return [page.extract_text() for page in PdfReader(str(path)).pages]


def fonts_embedded(path) -> bool:
    reader = PdfReader(str(path))
    seen = 0
    for page in reader.pages:
        fonts = page["/Resources"].get("/Font", {})
        for ref in fonts.values():
            font = ref.get_object()
            descendants = font.get("/DescendantFonts")
            descriptor = (descendants[0].get_object() if descendants else font).get("/FontDescriptor")
            if descriptor is None:
                return False
            descriptor = descriptor.get_object()
            if not any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                return False
            seen += 1
    return seen > 0


def page_numbers_consistent(pages: list[str]) -> bool:
    total = len(pages)
    return all(f"第{i}页 共{total}页" in t for i, t in enumerate(pages, 1))


@pytest.fixture
def q4(seeded, tmp_path):
    path = tmp_path / "q.pdf"
    result = quarterly.build(seeded, "2025Q4", path, notes="请各镇街于下月5日前报送整改材料。")
    return path, result


def test_quarterly_report_figures_statuses_fonts_and_pages(q4):
    path, result = q4
    pages = text_of(path)
    text = "\n".join(pages)
    assert "2025年第4季度" in text and "数据截至：2025-12-31" in text
    assert re.search(r"合计\s*29\s*443\.55\s*239\.29", text)
    for domain, total, fyp in (("治水", "94.43", "34.67"), ("治气", "140.00", "45.00"), ("生态保护", "8.07", "6.07")):
        assert re.search(rf"{domain}\s*\d+\s*{re.escape(total)}\s*{re.escape(fyp)}", text), domain
    assert "细颗粒物（PM2.5）浓度" in text and "待下达" in text and "达标" in text
    assert "请各镇街于下月5日前报送整改材料。" in text
    assert result["hash"][:12] in text
    assert fonts_embedded(path)
    assert page_numbers_consistent(pages)


def test_quarterly_for_one_township(seeded, tmp_path):
    path = tmp_path / "t.pdf"
    quarterly.build(seeded, "2025Q3", path, township="塔山街道")
    text = "\n".join(text_of(path))
    assert "范围：塔山街道" in text
    assert "本范围内没有登记重大工程" in text


def test_same_data_same_report_and_changed_data_changes_hash(seeded, tmp_path):
    a, b = tmp_path / "a.pdf", tmp_path / "b.pdf"
    ra = quarterly.build(seeded, "2024Q4", a)
    rb = quarterly.build(seeded, "2024Q4", b)
    assert ra["hash"] == rb["hash"] and a.read_bytes() == b.read_bytes()
    ind = seeded.indicators.by_code("FYP14-03")
    seeded.indicators.add_observation(ind["id"], "2024Q4", "93.9")
    assert quarterly.build(seeded, "2024Q4", tmp_path / "c.pdf")["hash"] != ra["hash"]


def test_evaluation_reports_2023_and_2025(seeded, tmp_path):
    for year, kind in ((2023, "中期评估"), (2025, "终期考核")):
        path = tmp_path / f"e{year}.pdf"
        evaluation.build(seeded, year, path)
        pages = text_of(path)
        text = "\n".join(pages)
        assert kind in text and "443.55" in text and "239.29" in text
        assert "目标 96%" in text and "目标 100%" in text
        assert fonts_embedded(path) and page_numbers_consistent(pages)


def test_notice_lists_the_audits_findings(seeded, tmp_path):
    audit_id = seeded.scalar("SELECT audit_id FROM findings GROUP BY audit_id HAVING COUNT(*) >= 3 LIMIT 1")
    path = tmp_path / "n.pdf"
    notice.build(seeded, audit_id, path)
    text = "\n".join(text_of(path))
    for f in seeded.query("SELECT description, deadline FROM findings WHERE audit_id = ?", (audit_id,)):
        assert f["description"] in text and f["deadline"] in text
    assert "绍兴市生态环境局越城分局（盖章）" in text and "送达回证" in text and "受送达人签名或盖章" in text
    assert fonts_embedded(path)


def test_report_cli_and_refusals(seeded, tmp_path, capsys):
    out = tmp_path / "q.pdf"
    assert main(["report", "quarterly", "--period", "2024Q3", "--db", str(seeded.path), "-o", str(out)]) == 0
    assert out.read_bytes()[:5] == b"%PDF-"
    assert (
        main(["report", "quarterly", "--period", "2024", "--db", str(seeded.path), "-o", str(tmp_path / "x.pdf")]) == 1
    )
    assert "需要季度" in capsys.readouterr().err
    assert (
        main(["report", "evaluation", "--year", "2024", "--db", str(seeded.path), "-o", str(tmp_path / "y.pdf")]) == 1
    )
    assert main(["report", "notice", "--audit", "nope", "--db", str(seeded.path), "-o", str(tmp_path / "z.pdf")]) == 1
    assert not any((tmp_path / n).exists() for n in ("x.pdf", "y.pdf", "z.pdf"))


def test_font_covers_everything_the_app_prints():
    """Every character of the shipped data and of the report and UI labels has a glyph."""
    chars = set()
    for path in (ROOT / "sample_data").rglob("*.csv"):
        chars |= set(path.read_text(encoding="utf-8"))
    for folder in ("ycdesk", "ui"):
        for path in (ROOT / folder).rglob("*.py"):
            chars |= {c for c in path.read_text(encoding="utf-8") if ord(c) > 127}
    chars |= set("μg/m³SO₂NO₂≥≤Ⅲ°")
    assert font_has("".join(chars)) == set()


@pytest.mark.parametrize("width", [60, 73, 88, 101, 120, 157])
def test_cjk_line_breaking_keeps_closing_punctuation_off_line_starts(width):
    from ycdesk.reports.base import NO_LINE_START, para

    text = (
        "危险废物贮存场所防渗措施不到位，标志缺失、台账不全（已通报）；整改期限为30日。请于期限内完成整改，并报送材料！"
        * 3
    )
    p = para(text)
    p.wrap(width, 1000)
    lines = [
        "".join(getattr(w, "text", w) if not isinstance(w, str) else w for w in line[1])
        if isinstance(line, tuple)
        else "".join(f.text for f in line.words)
        for line in p.blPara.lines
    ]
    assert len(lines) > 3
    assert not [line for line in lines if line and line[0] in NO_LINE_START]
