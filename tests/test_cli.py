"""The ycdesk command as a user runs it: exit codes, Chinese messages, files written."""

import csv
import json
import subprocess
import sys

import openpyxl
import pytest

from ycdesk.cli import main


def run(*args):
    return subprocess.run([sys.executable, "-m", "ycdesk", *args], capture_output=True, text=True)


def test_init_then_summary_json_reports_the_plan(tmp_path):
    db = tmp_path / "x.db"
    assert run("init", "--db", str(db)).returncode == 0
    result = run("summary", "--db", str(db), "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    p = data["projects"]
    assert (p["count"], p["total_investment"], p["fyp_investment"]) == (29, "443.55", "239.29")
    assert p["by_domain"]["治水"] == {
        "count": 10,
        "total": "94.43",
        "fyp": "34.67",
        "completed": p["by_domain"]["治水"]["completed"],
    }
    assert data["indicators"]["by_plan"]["十四五"] == 12
    assert data["indicators"]["by_plan"]["十三五"] == 6
    f = data["findings"]["by_year_level"]
    assert f["2020"]["市级"] == {"units": 14, "found": 35, "rectified": 35}
    assert f["2021"]["市级"] == {"units": 10, "found": 24, "rectified": 24}
    assert f["2021"]["区级"] == {"units": 40, "found": 137, "rectified": 137}


def test_init_no_demo_and_refusing_a_second_init(tmp_path, capsys):
    db = tmp_path / "plain.db"
    assert main(["init", "--db", str(db), "--no-demo"]) == 0
    assert main(["demo", "count", "--db", str(db)]) == 0
    assert capsys.readouterr().out.strip() == "0"
    assert main(["init", "--db", str(db)]) == 1
    assert "不能重复初始化" in capsys.readouterr().err


def test_export_projects_xlsx_has_chinese_headers_and_seed_values(seeded, tmp_path):
    out = tmp_path / "p.xlsx"
    assert main(["export", "projects", "--db", str(seeded.path), "-o", str(out)]) == 0
    ws = openpyxl.load_workbook(out).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:9] == (
        "序号",
        "领域",
        "项目名称",
        "建设规模和内容",
        "开始年份",
        "结束年份",
        "总投资（亿元）",
        "十四五计划投资（亿元）",
        "责任单位",
    )
    assert len(rows) == 30
    first = rows[1]
    assert first[1] == "应对气候变化" and first[6] == 4.5 and first[7] == 3
    assert sum(round(r[6] * 100) for r in rows[1:]) == 44355
    assert sum(round(r[7] * 100) for r in rows[1:]) == 23929
    header = list(rows[0])
    for name in ("累计完成（亿元）", "完成率（%）", "滞后"):
        assert name in header
    by_seq = {r[0]: dict(zip(header, r)) for r in rows[1:]}
    assert by_seq[17]["滞后"] == "否" and by_seq[3]["滞后"] == "是"  # demo: 项目3 lags
    assert 0 < by_seq[3]["完成率（%）"] < 50


def test_export_csv_is_utf8_bom_and_neutralises_formulas(seeded, tmp_path):
    eid = seeded.audits.enterprises()[0]["id"]
    seeded.update("enterprises", eid, {"contact": '=HYPERLINK("http://x")'})
    out = tmp_path / "e.csv"
    assert main(["export", "enterprises", "--db", str(seeded.path), "-o", str(out)]) == 0
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(out.open(encoding="utf-8-sig")))
    assert any(r["联系人"] == '\'=HYPERLINK("http://x")' for r in rows)
    xlsx = tmp_path / "e.xlsx"
    assert main(["export", "enterprises", "--db", str(seeded.path), "-o", str(xlsx)]) == 0
    ws = openpyxl.load_workbook(xlsx).active
    cells = [c for c in ws.iter_rows() for c in c if c.value == '=HYPERLINK("http://x")']
    assert cells and all(c.data_type == "s" for c in cells)


@pytest.mark.parametrize(
    "table",
    [
        "indicators",
        "observations",
        "investments",
        "initiatives",
        "townships",
        "audits",
        "findings",
        "audit_aggregates",
        "sludge",
        "history",
    ],
)
def test_every_table_exports(seeded, tmp_path, table):
    out = tmp_path / f"{table}.csv"
    assert main(["export", table, "--db", str(seeded.path), "-o", str(out)]) == 0
    assert len(out.read_text(encoding="utf-8-sig").splitlines()) > 1


def test_errors_exit_codes_and_change_nothing(seeded, tmp_path, capsys):
    missing = tmp_path / "missing.db"
    assert main(["summary", "--db", str(missing)]) == 2
    assert "不存在" in capsys.readouterr().err
    assert not missing.exists()
    assert main(["export", "projects", "--db", str(seeded.path), "-o", str(tmp_path / "p.doc")]) == 1
    assert "不支持的导出格式" in capsys.readouterr().err
    assert not (tmp_path / "p.doc").exists()
    with pytest.raises(SystemExit) as exit_info:
        main(["export"])
    assert exit_info.value.code == 2
    assert "缺少必需的参数" in capsys.readouterr().err


def test_every_command_has_help_text():
    import argparse

    from ycdesk.cli import build_parser

    def check(parser, path):
        for action in parser._actions:
            assert action.help, f"{path} {action.dest}"
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    assert sub.description, f"{path} {name}"
                    check(sub, f"{path} {name}")

    check(build_parser(), "ycdesk")


def test_demo_remove_via_cli(seeded, capsys):
    assert main(["demo", "remove", "--db", str(seeded.path)]) == 0
    assert "已删除演示数据" in capsys.readouterr().err
    assert main(["demo", "count", "--db", str(seeded.path)]) == 0
    assert capsys.readouterr().out.strip() == "0"


def test_default_workspace_is_created_by_init_not_by_a_read(tmp_path, capsys):
    # YCDESK_HOME points into tmp_path (conftest), standing in for the user's data folder.
    # Issue #14: `summary` used to fill a missing default workspace with plan and demo data.
    assert main(["summary", "--json"]) == 2
    assert "ycdesk init" in capsys.readouterr().err
    assert not (tmp_path / "home" / "workspace.ycdesk").exists()
    assert main(["init"]) == 0
    capsys.readouterr()
    assert main(["summary", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["projects"]["total_investment"] == "443.55"
    assert (tmp_path / "home" / "workspace.ycdesk").exists()


def test_any_table_exports_to_a_printable_pdf(seeded, tmp_path):
    from pypdf import PdfReader

    out = tmp_path / "projects.pdf"
    assert main(["export", "projects", "--db", str(seeded.path), "-o", str(out)]) == 0
    reader = PdfReader(str(out))
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert "重大工程" in text and "443.55" not in text  # rows, not totals
    assert "浙江太瓦科技有限公司年产400兆瓦BIPV光伏新能源生产项目" in text.replace("\n", "")
    assert f"共{len(reader.pages)}页" in text
