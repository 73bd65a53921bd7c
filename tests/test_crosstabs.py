"""The 统计 cross-tabs (pandas) agree with the as-of figures, and export a sheet each."""

from __future__ import annotations

from datetime import date

import openpyxl

from ycdesk import stats
from ycdesk.cli import main


def test_crosstab_totals_equal_the_as_of_figures(seeded):
    for day in (date(2022, 3, 31), date(2024, 9, 30), date(2025, 12, 31)):
        cut = stats.Cut(day)
        tables = stats.crosstabs(seeded, cut)
        figures = stats.audit_figures(seeded, cut)
        assert tables["镇街×年度（发现问题）"].loc["合计", "合计"] == figures["found"]
        assert tables["类别×年度（发现问题）"].loc["合计", "合计"] == figures["found"]
        opened = tables["镇街×类别（未整改）"]
        assert (opened.loc["合计", "合计"] if not opened.empty else 0) == figures["open"]
        ageing = stats.ageing(seeded, cut)
        aged = tables["镇街×账龄（逾期未整改）"]
        for bucket, n in ageing.items():
            assert (aged.loc["合计", bucket] if bucket in aged.columns else 0) == n


def test_one_township_and_the_workbook(seeded, tmp_path):
    out = tmp_path / "分析.xlsx"
    assert (
        main(["analysis", "--db", str(seeded.path), "--as-of", "2024-09-30", "--township", "塔山街道", "-o", str(out)])
        == 0
    )
    book = openpyxl.load_workbook(out)
    assert book.sheetnames[0] == "说明" and len(book.sheetnames) == 5
    assert book["说明"]["B2"].value == "2024-09-30" and book["说明"]["B3"].value == "塔山街道"
    cut = stats.Cut(date(2024, 9, 30), township_id=seeded.townships.id_for("塔山街道"))
    sheet = book[book.sheetnames[1]]
    assert set(sheet["A"][i].value for i in range(1, sheet.max_row)) <= {"塔山街道", "合计"}
    assert sheet.cell(sheet.max_row, sheet.max_column).value == stats.audit_figures(seeded, cut)["found"]
    assert main(["analysis", "--db", str(seeded.path), "-o", str(tmp_path / "x.csv")]) == 1
