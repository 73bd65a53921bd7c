"""One validator per kind of record: the same input gives the same outcome and the same
Chinese reason whichever way it arrives — typed in the app's form, imported from a sheet,
or given to the core API. Each path runs on its own copy of the demo workspace."""

from __future__ import annotations

import csv
import shutil
from datetime import date

import pytest

from ycdesk.errors import NeedsReason, UserError
from ycdesk.imports import import_file
from ycdesk.money import read_amount
from ycdesk.store import Store

OK = ("ok", None)


@pytest.fixture
def copies(tmp_path, _seeded_template):
    """Three private copies of the demo workspace: form, import, core API."""
    stores = []
    for name in ("form", "import", "core"):
        path = tmp_path / f"{name}.ycdesk"
        shutil.copy(_seeded_template, path)
        stores.append(Store(path, operator="测试员"))
    yield stores
    for s in stores:
        s.close()


def _csv(path, header, row) -> str:
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerow(row)
    return str(path)


def _imported(store, kind, path) -> tuple[str, str | None]:
    result = import_file(store, kind, path)
    if result.errors:
        return "refused", result.errors[0].reason
    assert result.new + result.updated == 1, result
    return OK


def _core(fn) -> tuple[str, str | None]:
    try:
        fn()
    except UserError as exc:
        return "refused", str(exc)
    return OK


# -- observations: form, import, core ------------------------------------------------------

OBSERVATIONS = [
    ("FYP14-03", "2024Q2", "92.5"),
    ("FYP14-03", "2024Q2", "92.5%"),
    ("FYP14-03", "2024Q2", "９２．５"),  # full-width, as an IME types it
    ("FYP14-03", "2024Q2", "0.5"),  # 50 % or 0.5 %? refused everywhere
    ("FYP14-03", "2024Q2", "0.5%"),
    ("FYP14-03", "2024Q2", "很好"),  # words for a numeric target
    ("FYP14-03", "2024Q2", "120"),
    ("FYP14-03", "2024Q2", ""),
    ("FYP14-03", "1999", "90"),
    ("FYP14-03", "2031", "90"),
    ("FYP14-03", "2027Q1", "90"),  # not yet: needs a reason
    ("FYP14-03", "2026Q4", "90"),  # the current quarter (today is after 2026-10-01)
    ("FYP14-04", "2024", "完成"),  # a milestone is met by words
    ("FYP14-02", "2024Q2", "-3"),
    ("FYP14-02", "2024Q2", "0，保持稳定"),
]


@pytest.mark.parametrize("code, period, value", OBSERVATIONS)
def test_observation_parity(copies, tmp_path, qtbot, monkeypatch, code, period, value):
    from ui.dialogs import observation_dialog
    from ui.dialogs.observation_dialog import ObservationDialog

    if date.today() < date(2026, 10, 1) and period == "2026Q4":
        pytest.skip("the case is about the current quarter")
    form, imp, core = copies
    shown: list[str] = []
    monkeypatch.setattr(observation_dialog.QMessageBox, "warning", lambda parent, title, text: shown.append(text))
    monkeypatch.setattr(observation_dialog.QMessageBox, "question", lambda *a: observation_dialog.QMessageBox.Yes)
    monkeypatch.setattr(
        observation_dialog.QInputDialog, "getText", lambda parent, title, text: shown.append(text) or ("", False)
    )
    dialog = ObservationDialog(form, form.indicators.by_code(code))
    qtbot.addWidget(dialog)
    dialog.period.setText(period)
    dialog.value.setText(value)
    dialog.save()
    by_form = OK if dialog.saved_id else ("refused", shown[-1])

    path = _csv(tmp_path / "obs.csv", ["指标编码", "期间", "值", "范围"], [code, period, value, "全区"])
    by_import = _imported(imp, "observations", path)
    ind = core.indicators.by_code(code)
    by_core = _core(lambda: core.indicators.add_observation(ind["id"], period, value))
    assert by_form == by_import == by_core
    if by_core == OK:
        stored = [
            (
                s.query(
                    "SELECT value, value_text FROM observations o JOIN indicators i ON i.id = o.indicator_id "
                    "WHERE i.code = ? AND o.period = ? AND o.scope = '全区'",
                    (code, period),
                )
            )
            for s in copies
        ]
        assert stored[0] == stored[1] == stored[2]


def test_a_later_period_is_saved_with_a_reason_given(seeded):
    ind = seeded.indicators.by_code("FYP14-03")
    with pytest.raises(NeedsReason, match="尚未到来"):
        seeded.indicators.add_observation(ind["id"], "2030", "95")
    oid = seeded.indicators.add_observation(ind["id"], "2030", "95", future_reason="十五五规划目标值")
    assert "十五五规划目标值" in seeded.get("observations", oid)["note"]
    from ycdesk.indicators import indicator_rows

    row = next(r for r in indicator_rows(seeded) if r["code"] == "FYP14-03")
    assert row["latest_period"] != "2030"  # a value for a later year is not today's latest


# -- investments: form, import, core ---------------------------------------------------------

INVESTMENTS = [
    ("2024Q2", "500"),
    ("2024Q2", "0.5亿元"),
    ("2024Q2", "1,200"),
    ("2024Q2", "-5"),
    ("2024Q2", "0.00001"),  # below one 元
    ("2024Q2", "abc"),
    ("2024Q2", "999999"),  # beyond the project's total investment
    ("2019", "100"),  # before the project's years
    ("2027Q1", "100"),  # not yet
]


@pytest.mark.parametrize("period, amount", INVESTMENTS)
def test_investment_parity(copies, tmp_path, qtbot, monkeypatch, period, amount):
    from ui.dialogs import investment_dialog
    from ui.dialogs.investment_dialog import InvestmentDialog

    form, imp, core = copies
    project = next(p for p in form.projects.list() if p["seq"] == 16)  # 2021–2025, 0.25 亿元
    shown: list[str] = []
    monkeypatch.setattr(investment_dialog.QMessageBox, "warning", lambda parent, title, text: shown.append(text))
    dialog = InvestmentDialog(form, project)
    qtbot.addWidget(dialog)
    dialog.period.setText(period)
    dialog.amount.setText(amount)
    dialog.save()
    by_form = OK if dialog.saved_id else ("refused", shown[-1])

    path = _csv(tmp_path / "inv.csv", ["项目序号", "期间", "完成投资"], ["16", period, amount])
    by_import = _imported(imp, "investments", path)
    pid = next(p["id"] for p in core.projects.list() if p["seq"] == 16)
    by_core = _core(lambda: core.projects.add_investment(pid, period, read_amount(amount, "万元")))
    assert by_form == by_import == by_core


# -- findings, audits, enterprises: import and core --------------------------------------------

FINDING_HEADER = [
    "企业名称",
    "统一社会信用代码",
    "考核年度",
    "考核级别",
    "问题类别",
    "问题描述",
    "严重程度",
    "整改期限",
    "整改状态",
    "整改完成日期",
    "验收人",
    "验收日期",
]
FINDINGS = [
    {},
    {"description": ""},
    {"category": "随便写的"},
    {"severity": "很严重"},
    {"status": "已整改"},
    {"status": "已整改", "rectified_date": "2024-12-01"},
    {"status": "已销号", "rectified_date": "2024-12-01", "verified_date": "2024-12-05"},
    {"status": "已销号", "rectified_date": "2024-12-01", "verifier": "李某", "verified_date": "2024-12-05"},
    {"status": "已销号", "rectified_date": "2024-12-06", "verifier": "李某", "verified_date": "2024-12-05"},
    {"status": "待整改", "rectified_date": "2024-12-01"},
    {"deadline": "2024-01-02"},  # before the inspection (2024-10-23)
    {"status": "已整改", "rectified_date": "2024-10-01"},  # before the inspection
    {"status": "已整改", "rectified_date": "2099-01-01"},  # in the future
]


@pytest.mark.parametrize("change", FINDINGS)
def test_finding_parity(copies, tmp_path, change):
    _form, imp, core = copies
    audit = core.query("""SELECT a.id, a.year, a.level, e.name, e.uscc FROM audits a
                          JOIN enterprises e ON e.id = a.enterprise_id
                          WHERE a.audit_date = '2024-10-23' AND e.uscc IS NOT NULL""")[0]
    record = {
        "category": "识别标志",
        "description": "危废贮存间未设置识别标志",
        "severity": "一般",
        "deadline": "2024-11-30",
        "status": "整改中",
        **change,
    }
    row = [
        audit["name"],
        audit["uscc"],
        audit["year"],
        audit["level"],
        record["category"],
        record["description"],
        record["severity"],
        record["deadline"],
        record["status"],
        record.get("rectified_date", ""),
        record.get("verifier", ""),
        record.get("verified_date", ""),
    ]
    by_import = _imported(imp, "findings", _csv(tmp_path / "f.csv", FINDING_HEADER, row))
    by_core = _core(lambda: core.audits.add_finding({"audit_id": audit["id"], **record}))
    assert by_import == by_core


AUDITS = [
    (2024, "区级", "2024-05-06"),
    (2024, "区级", "2027-01-05"),  # inspected outside its year (and in the future)
    (2026, "区级", "2026-12-31"),  # later than today
    (2031, "区级", ""),
    (2024, "省级", ""),
]


@pytest.mark.parametrize("year, level, day", AUDITS)
def test_audit_parity(copies, tmp_path, year, level, day):
    _form, imp, core = copies
    if date.today() >= date(2026, 12, 31) and day == "2026-12-31":
        pytest.skip("the case is about a day still to come")
    header = ["企业名称", "考核年度", "考核级别", "检查日期", "问题类别", "问题描述", "整改状态"]
    path = _csv(tmp_path / "a.csv", header, ["示例新企业（演示）", year, level, day, "识别标志", "标志缺失", "待整改"])
    by_import = _imported(imp, "findings", path)
    firm = core.audits.add_enterprise({"name": "示例新企业（演示）"})
    by_core = _core(
        lambda: core.audits.add_audit({"enterprise_id": firm, "year": year, "level": level, "audit_date": day or None})
    )
    assert by_import == by_core


ENTERPRISES = [
    ("示例企业甲（演示）", "UNUSED", "产生"),
    ("", "", "产生"),
    ("示例企业乙（演示）", "9133060", ""),  # too short
    ("示例企业丙（演示）", "", "生产"),  # not a role
]


@pytest.mark.parametrize("name, uscc, role", ENTERPRISES)
def test_enterprise_parity(copies, tmp_path, name, uscc, role):
    from ycdesk.uscc import make

    _form, imp, core = copies
    uscc = make("91330602MA2CLD398") if uscc == "UNUSED" else uscc
    path = _csv(tmp_path / "e.csv", ["企业名称", "统一社会信用代码", "企业类型"], [name, uscc, role])
    by_import = _imported(imp, "enterprises", path)
    by_core = _core(lambda: core.audits.add_enterprise({"name": name, "uscc": uscc or None, "role": role or None}))
    assert by_import == by_core


def test_adding_an_enterprise_with_a_registered_code_names_the_holder(seeded):
    firm = seeded.query("SELECT name, uscc FROM enterprises WHERE uscc IS NOT NULL LIMIT 1")[0]
    with pytest.raises(UserError, match=f"已登记为“{firm['name']}”"):
        seeded.audits.add_enterprise({"name": "另一家企业", "uscc": firm["uscc"]})


def test_lifecycle_moves_are_judged_by_the_finding_validator(seeded):
    fid = seeded.scalar("""SELECT f.id FROM findings f JOIN audits a ON a.id = f.audit_id
                           WHERE f.status = '待整改' AND a.audit_date IS NOT NULL LIMIT 1""")
    audit_date = seeded.findings.get(fid)["audit_date"]
    with pytest.raises(UserError, match="早于检查日期"):
        seeded.findings.transition(fid, "已整改", rectified_date="2000-01-01")
    with pytest.raises(UserError, match="晚于今天"):
        seeded.findings.transition(fid, "已整改", rectified_date="2099-01-01")
    seeded.findings.transition(fid, "已整改", rectified_date=audit_date)
    assert seeded.findings.events(fid)[-1]["effective_date"] == audit_date


@pytest.mark.parametrize("period", ["2015Q4", "2031Q1"])
def test_report_periods_outside_the_plans_are_refused(seeded, tmp_path, period):
    from ycdesk.cli import main

    out = tmp_path / "q.pdf"
    assert main(["report", "quarterly", "--period", period, "--db", str(seeded.path), "-o", str(out)]) == 1
    assert not out.exists()


def test_report_period_inside_the_plans_is_accepted(seeded):
    from ycdesk.reports import quarterly

    assert quarterly.gather(seeded, "2016Q1")["audits"]["to_date"]["found"] == 0


def test_many_findings_are_judged_as_each_would_be_alone():
    """The importer asks the finding validator once per distinct combination of what it
    judges; every row must still get exactly the answer it would get on its own."""
    import itertools

    from ycdesk.rules.findings import JUDGED, finding_reason, finding_reasons

    today = date(2025, 6, 30)
    grid = itertools.product(
        ("转移联单", "不在清单"),
        ("描述甲", "  ", None, "描述乙"),
        (None, "严重", "很严重"),
        ("2025-03-01", "2024-12-01", "2025/3/1", None),
        ("待整改", "已整改", "已销号", "作废"),
        (None, "2025-02-01", "2026-01-01"),
        (None, "张三", " "),
        (None, "2025-02-15", "2025-01-15"),
        (2025, 2024),
        ("2025-01-10", None, "2026-01-10"),
    )
    rows = list(grid)
    columns = {k: [r[j] for r in rows] for j, k in enumerate(JUDGED)}
    years, inspected = [r[8] for r in rows], [r[9] for r in rows]
    categories = {"转移联单"}
    expected = [
        finding_reason(dict(zip(JUDGED, r[:8])), audit_year=r[8], inspected=r[9], categories=categories, today=today)
        for r in rows
    ]
    assert finding_reasons(columns, years, inspected, categories=categories, today=today) == expected
    assert len(set(expected)) > 10  # the grid reaches many different refusals, and acceptance
    assert None in expected
