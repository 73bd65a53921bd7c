"""Importing the sheets auditors really receive — each made here with openpyxl or as GBK csv."""

import csv
import datetime as dt
import json
import zipfile

import openpyxl
import pytest

from ycdesk.cli import main
from ycdesk.errors import UnreadableFileError, UserError
from ycdesk.imports import batches, import_file, undo_batch
from ycdesk.uscc import make

CODE_A = make("91330602MA2AAAAA1")
CODE_B = make("91330602MA2BBBBB2")


@pytest.fixture
def plain(tmp_path):
    """A workspace with the plan's data and no demo records."""
    from ycdesk.seed import load_plan
    from ycdesk.store import Store

    s = Store(tmp_path / "plain.ycdesk", operator="审核员")
    load_plan(s)
    yield s
    s.close()


def messy_findings(path):
    """Title rows, synonyms, merged enterprise cells, dates in five spellings, a total row."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "2021年区级考核"
    ws.append(["越城区2021年危险废物规范化管理考核问题清单"])
    ws.merge_cells("A1:J1")
    ws.append(["填报单位：区生态环境分局", None, None, "填报日期：2021年9月1日"])
    ws.append([])
    ws.append(
        [
            "单位名称",
            "信用代码",
            "镇街",
            "年度",
            "级别",
            "问题类别",
            "存在问题",
            "整改时限",
            "整改情况",
            "完成日期",
            "验收人",
            "验收日期",
        ]
    )
    rows = [
        [
            "示例甲企业（演示）",
            CODE_A,
            "北海街道",
            2021,
            "区级",
            "识别标志",
            "贮存间未设\n识别标志",
            dt.date(2021, 7, 31),
            "已整改",
            "2021/7/20",
            None,
            None,
        ],
        [
            None,
            None,
            None,
            2021,
            "区级",
            "管理计划",
            "未制定年度管理计划",
            "2021.8.15",
            "整改完毕",
            "2021年8月1日",
            None,
            None,
        ],
        [
            None,
            None,
            None,
            "２０２１",
            "区级",
            "转移联单",
            "联单填写不规范",
            44439,
            "已销号",
            "20210801",
            "陈某",
            "2021-08-10",
        ],
        [
            "示例乙企业（演示）",
            CODE_B,
            "塔山",
            2021,
            "区",
            "贮存设施",
            "防渗措施不到位",
            "2021年9月30日",
            "正在整改",
            None,
            None,
            None,
        ],
        ["合计", None, None, None, None, None, "4处", None, None, None, None, None],
    ]
    for r in rows:
        ws.append(r)
    ws.merge_cells("A5:A7")
    ws.merge_cells("B5:B7")
    ws.merge_cells("C5:C7")
    wb.save(path)
    return path


def test_messy_sheet_imports_with_merges_synonyms_dates_and_total_row(plain, tmp_path):
    path = messy_findings(tmp_path / "考核问题.xlsx")
    result = import_file(plain, "findings", path)
    assert (result.header_row, result.new, result.rejected) == (4, 4, 0), [str(e) for e in result.errors]
    rows = {
        r["description"]: r
        for r in plain.query(
            "SELECT f.*, e.name, e.uscc, a.year, a.level FROM findings f JOIN audits a ON a.id = f.audit_id "
            "JOIN enterprises e ON e.id = a.enterprise_id"
        )
    }
    first = rows["贮存间未设\n识别标志"]
    assert (first["name"], first["deadline"], first["status"], first["rectified_date"]) == (
        "示例甲企业（演示）",
        "2021-07-31",
        "已整改",
        "2021-07-20",
    )
    assert rows["未制定年度管理计划"]["name"] == "示例甲企业（演示）"  # merged cell applies to each row
    assert rows["未制定年度管理计划"]["deadline"] == "2021-08-15"
    closed = rows["联单填写不规范"]
    assert (closed["deadline"], closed["status"], closed["rectified_date"], closed["verified_date"]) == (
        "2021-08-31",
        "已销号",
        "2021-08-01",
        "2021-08-10",
    )  # serial 44439 and 20210801
    assert rows["防渗措施不到位"]["status"] == "整改中" and rows["防渗措施不到位"]["level"] == "区级"
    assert plain.scalar("SELECT COUNT(*) FROM enterprises") == 2
    assert plain.scalar("SELECT COUNT(*) FROM audits") == 2


def write_csv(path, rows, encoding):
    with open(path, "w", encoding=encoding, newline="") as fh:
        csv.writer(fh).writerows(rows)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_in_every_encoding(plain, tmp_path, encoding):
    path = tmp_path / f"e-{encoding}.csv"
    write_csv(
        path,
        [
            ["企业名称", "统一社会信用代码", "所属镇街", "企业类型"],
            ["示例丙企业（演示）", CODE_A, "城南街道", "产废单位"],
        ],
        encoding,
    )
    result = import_file(plain, "enterprises", path)
    assert result.new == 1, [str(e) for e in result.errors]
    row = plain.query("SELECT * FROM enterprises")[0]
    assert (row["name"], row["role"]) == ("示例丙企业（演示）", "产生")


def test_all_or_nothing_by_default_and_valid_only_with_rejected_workbook(plain, tmp_path):
    path = tmp_path / "bad.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["企业名称", "考核年度", "考核级别", "问题类别", "问题描述", "整改状态", "整改期限"])
    ws.append(["示例丁企业（演示）", 2022, "区级", "识别标志", "标志缺失", "未整改", "2022-09-30"])
    ws.append(["示例丁企业（演示）", 2022, "区级", "识别标志", "标志褪色", "搞定啦", "2022-09-30"])
    ws.append(["示例丁企业（演示）", 2022, "省级", "管理计划", "未备案", "未整改", "2022-13-01"])
    wb.save(path)
    result = import_file(plain, "findings", path)
    assert not result.written and result.rejected == 2
    assert plain.scalar("SELECT COUNT(*) FROM findings") == 0
    reasons = [str(e) for e in result.errors]
    assert any("第3行" in r and "整改状态“搞定啦”无法识别" in r for r in reasons)
    assert any("第4行" in r and "考核级别“省级”无法识别" in r for r in reasons)
    assert any("第4行" in r and "“整改期限”列" in r and "不存在" in r for r in reasons)

    out = tmp_path / "rejected.xlsx"
    assert main(["import", "findings", str(path), "--db", str(plain.path), "--valid-only", "--rejected", str(out)]) == 0
    assert plain.scalar("SELECT COUNT(*) FROM findings") == 1
    rows = list(openpyxl.load_workbook(out).active.iter_rows(values_only=True))
    assert rows[0][-1] == "原因" and len(rows) == 3
    assert "搞定啦" in rows[1] and "无法识别" in rows[1][-1]


def test_cli_exit_codes_and_nothing_written(plain, tmp_path, capsys):
    path = tmp_path / "bad.csv"
    write_csv(
        path,
        [
            ["企业名称", "考核年度", "考核级别", "问题类别", "问题描述", "整改状态"],
            ["示例戊企业（演示）", "2023", "区级", "未知类别", "x", "未整改"],
        ],
        "utf-8",
    )
    assert main(["import", "findings", str(path), "--db", str(plain.path)]) == 1
    assert "不在考核清单中" in capsys.readouterr().out
    assert plain.scalar("SELECT COUNT(*) FROM findings") == 0
    assert main(["import", "findings", str(tmp_path / "nope.xlsx"), "--db", str(plain.path)]) == 2
    assert main(["import", "findings", str(path), "--db", str(plain.path), "--dry-run"]) == 1


def test_cli_shows_progress_as_a_percentage_on_stderr(plain, tmp_path, capsys):
    path = tmp_path / "many.csv"
    write_csv(
        path,
        [["企业名称", "考核年度", "考核级别", "问题类别", "问题描述", "整改状态"]]
        + [["示例己企业（演示）", "2023", "区级", "识别标志", f"问题{i}", "未整改"] for i in range(2500)],
        "utf-8",
    )
    assert main(["import", "findings", str(path), "--db", str(plain.path)]) == 0
    captured = capsys.readouterr()
    shown = [part for part in captured.err.split("\r") if part.startswith("导入中")]
    assert shown[0].startswith("导入中 0%") and shown[-1].strip() == "导入中 100%（2500 行）"
    assert "新增 2500 行" in captured.out


def test_reimport_is_idempotent_and_changes_are_history(plain, tmp_path):
    path = messy_findings(tmp_path / "a.xlsx")
    import_file(plain, "findings", path)
    again = import_file(plain, "findings", path)
    assert (again.new, again.updated, again.unchanged) == (0, 0, 4)
    wb = openpyxl.load_workbook(path)
    wb.active["I8"] = "已整改"  # 乙企业's finding is now rectified
    wb.active["J8"] = "2021-09-20"
    wb.save(path)
    changed = import_file(plain, "findings", path)
    assert (changed.updated, changed.unchanged) == (1, 3)
    fid = plain.scalar("SELECT id FROM findings WHERE description = '防渗措施不到位'")
    last = plain.history("findings", fid)[-1]
    assert last["action"] == "update" and json.loads(last["new"])["status"] == "已整改"


def test_undo_restores_exactly_what_the_batch_changed(plain, tmp_path):
    path = messy_findings(tmp_path / "a.xlsx")
    first = import_file(plain, "findings", path)
    wb = openpyxl.load_workbook(path)
    wb.active["I8"] = "已整改"
    wb.active["J8"] = "2021-09-20"
    wb.save(path)
    second = import_file(plain, "findings", path)
    before_undo = plain.query("SELECT id, status, rectified_date FROM findings ORDER BY id")
    with pytest.raises(UserError, match="先撤销较新的批次"):
        undo_batch(plain, first.batch_id)
    undo_batch(plain, second.batch_id)
    after = {r["id"]: r for r in plain.query("SELECT id, status, rectified_date FROM findings")}
    changed = next(r for r in before_undo if r["status"] == "已整改" and r["rectified_date"] == "2021-09-20")
    assert after[changed["id"]]["status"] == "整改中" and after[changed["id"]]["rectified_date"] is None
    undo_batch(plain, first.batch_id)
    assert plain.scalar("SELECT COUNT(*) FROM findings") == 0
    assert plain.scalar("SELECT COUNT(*) FROM enterprises") == 0
    assert all(b["undone_at"] for b in batches(plain))
    with pytest.raises(UserError, match="已于"):
        undo_batch(plain, first.batch_id)


def test_units_in_cells_and_headers_are_exact(plain, tmp_path):
    path = tmp_path / "inv.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["项目序号", "期间", "完成投资（万元）"])
    ws.append([10, "2022", 12345.67])
    ws.append([10, "2023Q1", "0.35亿元"])
    ws.append([12, "２０２２", "１５００"])
    wb.save(path)
    result = import_file(plain, "investments", path)
    assert result.new == 3, [str(e) for e in result.errors]
    amounts = {
        (r["seq"], r["period"]): r["amount_yuan"]
        for r in plain.query(
            "SELECT p.seq, i.period, i.amount_yuan FROM investments i JOIN projects p ON p.id = i.project_id"
        )
    }
    assert amounts == {(10, "2022"): 123_456_700, (10, "2023Q1"): 35_000_000, (12, "2022"): 15_000_000}


def test_percentages_as_written_and_a_bare_fraction_refused(plain, tmp_path):
    """92.1 and 92.1% are 92.1 for a % indicator; 0.915 may be 91.5 % or 0.915 % and is
    refused with a way to write it (the same rule as the form: tests/test_validators.py)."""
    path = tmp_path / "obs.csv"
    write_csv(
        path,
        [
            ["指标编码", "期间", "值", "范围"],
            ["FYP14-03", "2022", "0.915", "全区"],
            ["FYP14-03", "2023", "93.2%", ""],
            ["FYP14-03", "2024Q1", "0.9%", ""],
            ["FYP14-02", "2023Q2", "27", "北海"],
        ],
        "utf-8-sig",
    )
    result = import_file(plain, "observations", path, valid_only=True)
    assert result.new == 3, [str(e) for e in result.errors]
    assert [e.row for e in result.errors] == [2] and "无法判断是小数还是百分数" in str(result.errors[0])
    values = {
        (r["period"], r["scope"]): r["value"] for r in plain.query("SELECT * FROM observations WHERE source IS NULL")
    }
    assert values[("2023", "全区")] == 93.2 and values[("2024Q1", "全区")] == 0.9
    assert values[("2023Q2", "北海街道")] == 27


def test_saved_mapping_is_reused(plain, tmp_path):
    path = tmp_path / "m.csv"
    write_csv(
        path,
        [
            ["公司", "年", "层级", "类别", "情况说明", "状态"],
            ["示例己企业（演示）", "2024", "区级", "识别标志", "标志缺失", "未整改"],
        ],
        "utf-8",
    )
    with pytest.raises(UserError, match="缺少必需的列"):
        import_file(plain, "findings", path)
    mapping = {"公司": "企业名称", "年": "考核年度", "层级": "考核级别", "情况说明": "问题描述", "状态": "整改状态"}
    assert import_file(plain, "findings", path, mapping=mapping).new == 1
    assert import_file(plain, "findings", path).unchanged == 1  # the mapping was remembered


@pytest.mark.parametrize("case", ["empty", "corrupt", "encrypted", "not-text", "bomb", "no-header"])
def test_bad_files_are_refused_quickly_with_a_reason(plain, tmp_path, case):
    path = tmp_path / ("f.csv" if case in ("not-text", "no-header") else "f.xlsx")
    if case == "empty":
        path.write_bytes(b"")
    elif case == "corrupt":
        path.write_bytes(b"PK\x03\x04 this is not really a zip")
    elif case == "encrypted":
        path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    elif case == "not-text":
        path.write_bytes(b"\x00\x01\x02" * 100)
    elif case == "bomb":
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("xl/worksheets/sheet1.xml", b"0" * (60 * 2**20))
    elif case == "no-header":
        write_csv(path, [["a", "b"], ["1", "2"]], "utf-8")
    with pytest.raises((UnreadableFileError, UserError)) as info:
        import_file(plain, "findings", path)
    assert str(info.value)
    assert plain.scalar("SELECT COUNT(*) FROM findings") == 0


def test_sheet_by_name_or_index(plain, tmp_path):
    path = tmp_path / "two.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "说明"
    wb.active.append(["本文件第二个工作表是企业名单"])
    ws = wb.create_sheet("企业")
    ws.append(["企业名称", "所属镇街"])
    ws.append(["示例庚企业（演示）", "东湖街道"])
    wb.save(path)
    assert import_file(plain, "enterprises", path, sheet="企业").new == 1
    assert import_file(plain, "enterprises", path, sheet=1).unchanged == 1
    with pytest.raises(UnreadableFileError, match="没有名为“名单”的工作表"):
        import_file(plain, "enterprises", path, sheet="名单")


def test_template_has_headers_notes_and_dropdowns(plain, tmp_path):
    out = tmp_path / "t.xlsx"
    assert main(["template", "findings", "--db", str(plain.path), "-o", str(out)]) == 0
    wb = openpyxl.load_workbook(out)
    ws = wb["findings"]
    headers = [c.value for c in ws[1]]
    assert headers[:3] == ["企业名称", "统一社会信用代码", "所属镇街"]
    assert ws["A1"].comment is not None and "必填" in ws["A1"].comment.text
    formulas = [dv.formula1 for dv in ws.data_validations.dataValidation]
    assert len(formulas) >= 4  # 镇街, 级别, 类别, 状态 (and 严重程度)
    # The template itself imports cleanly once filled in.
    ws.append(
        [
            "示例辛企业（演示）",
            CODE_B,
            "府山街道",
            2025,
            "区级",
            None,
            "识别标志",
            "标志缺失",
            None,
            None,
            None,
            None,
            "未整改",
        ]
    )
    wb.save(out)
    assert import_file(plain, "findings", out).new == 1


KINDS_IN_ORDER = ["enterprises", "findings", "observations", "investments", "projects"]
TABLE_OF = {
    "enterprises": "enterprises",
    "findings": "findings",
    "observations": "observations",
    "investments": "investments",
    "projects": "projects",
}


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_export_import_export_gives_identical_files(seeded, plain, tmp_path, suffix):
    from ycdesk.export import rows

    for kind in KINDS_IN_ORDER:
        out = tmp_path / f"{kind}{suffix}"
        assert main(["export", kind, "--db", str(seeded.path), "-o", str(out)]) == 0
        result = import_file(plain, kind, out)
        assert result.rejected == 0, [str(e) for e in result.errors][:3]
    for kind in KINDS_IN_ORDER:
        assert rows(plain, TABLE_OF[kind]) == rows(seeded, TABLE_OF[kind]), kind
        a, b = tmp_path / f"a-{kind}{suffix}", tmp_path / f"b-{kind}{suffix}"
        main(["export", kind, "--db", str(seeded.path), "-o", str(a)])
        main(["export", kind, "--db", str(plain.path), "-o", str(b)])
        if suffix == ".csv":
            assert a.read_bytes() == b.read_bytes(), kind
        else:
            load = lambda p: list(openpyxl.load_workbook(p).active.iter_rows(values_only=True))
            assert load(a) == load(b), kind


def test_old_xls_workbook_and_xlsm(plain, tmp_path):
    import xlwt

    path = tmp_path / "企业.xls"
    wb = xlwt.Workbook()
    ws = wb.add_sheet("企业名单")
    for r, row in enumerate([["企业名称", "所属镇街", "企业类型"], ["示例癸企业（演示）", "马山街道", "经营单位"]]):
        for c, value in enumerate(row):
            ws.write(r, c, value)
    wb.save(str(path))
    assert import_file(plain, "enterprises", path).new == 1
    xlsm = tmp_path / "企业.xlsm"
    book = openpyxl.Workbook()
    book.active.append(["企业名称", "所属镇街"])
    book.active.append(["示例子企业（演示）", "皋埠街道"])
    book.save(xlsm)
    assert import_file(plain, "enterprises", xlsm).new == 1
    assert {r["name"] for r in plain.query("SELECT name FROM enterprises")} == {
        "示例癸企业（演示）",
        "示例子企业（演示）",
    }


def test_bulk_import_records_history_for_every_new_row(plain, tmp_path):
    path = messy_findings(tmp_path / "a.xlsx")
    result = import_file(plain, "findings", path)
    assert result.new == 4
    for table in ("findings", "audits", "enterprises"):
        ids = {r["id"] for r in plain.query(f"SELECT id FROM {table}")}
        logged = {h["row_id"] for h in plain.history(table) if h["action"] == "insert"}
        assert ids and ids == logged, table
    finding = plain.query("SELECT * FROM findings LIMIT 1")[0]
    entry = next(h for h in plain.history("findings", finding["id"]))
    assert json.loads(entry["new"]) == finding and entry["operator"] == "审核员"
    span = plain.query("SELECT first_seq, last_seq FROM import_batches WHERE id = ?", (result.batch_id,))[0]
    assert span["first_seq"] < entry["seq"] <= span["last_seq"]
    # The import stores no snapshot (it is derived): after a hand edit and a delete, the
    # insert entry still shows the row as it was imported and each edit its own old → new.
    plain.update("findings", finding["id"], {"status": "整改中"})
    plain.soft_delete("findings", finding["id"])
    entries = plain.history("findings", finding["id"])
    assert [h["action"] for h in entries] == ["insert", "update", "soft_delete"]
    assert json.loads(entries[0]["new"]) == finding
    assert json.loads(entries[1]["old"])["status"] == finding["status"]
    assert json.loads(entries[1]["new"])["status"] == "整改中" and entries[1]["seq"] > span["last_seq"]
    exported = plain.query("SELECT new FROM history_full WHERE row_id = ? AND action = 'insert'", (finding["id"],))
    assert json.loads(exported[0]["new"]) == finding
    # Outside a bulk insert the per-row trigger still records (the flag is off again).
    plain.insert("townships", {"name": "测试镇", "kind": "镇", "position": 99})
    assert plain.history("townships")[-1]["action"] == "insert"


def test_big_import_builds_indexes_after_the_load_and_keeps_them(plain, tmp_path):
    """≥ 10,000 rows into an emptier table: the plain indexes are dropped for the load and
    rebuilt before commit; a dry run or a refused file leaves them as they were."""
    path = tmp_path / "big.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["企业名称", "考核年度", "考核级别", "问题类别", "问题描述", "整改状态"])
        for i in range(10_000):
            out.writerow([f"企业{i % 301}", 2021 + i % 5, "区级", "识别标志", f"问题{i}", "待整改"])
    indexes = "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'findings' ORDER BY name"
    before = plain.query(indexes)
    assert len(before) >= 3
    assert import_file(plain, "findings", path, dry_run=True).new == 10_000
    assert plain.query(indexes) == before and plain.scalar("SELECT COUNT(*) FROM findings") == 0
    result = import_file(plain, "findings", path)
    assert (result.new, plain.scalar("SELECT COUNT(*) FROM findings")) == (10_000, 10_000)
    assert plain.query(indexes) == before
    assert plain.scalar("PRAGMA integrity_check") == "ok"
    assert plain.scalar("SELECT COUNT(*) FROM audits") == 301 * 5
    undo_batch(plain, result.batch_id)
    assert plain.scalar("SELECT COUNT(*) FROM findings") == 0 and plain.query(indexes) == before


def test_progress_only_moves_forward_and_ends_full(plain, tmp_path):
    seen = []
    import_file(plain, "findings", messy_findings(tmp_path / "a.xlsx"), progress=lambda d, t: seen.append((d, t)))
    assert seen and seen[-1][0] == seen[-1][1] == 4
    assert [d for d, _t in seen] == sorted(d for d, _t in seen)
    assert all(t == 4 for _d, t in seen)
