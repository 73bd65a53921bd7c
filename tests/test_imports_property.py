"""Property: any cells in any shape either import or come back as row errors — never a crash,
never a half-written workspace."""

import datetime as dt

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ycdesk.errors import UserError
from ycdesk.imports import import_file

HEADERS = [
    "企业名称",
    "统一社会信用代码",
    "所属镇街",
    "考核年度",
    "考核级别",
    "问题类别",
    "问题描述",
    "整改期限",
    "整改状态",
    "整改完成日期",
    "验收人",
    "验收日期",
]
cell = st.one_of(
    st.none(),
    st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=12),
    st.integers(-(10**6), 10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.dates(dt.date(1900, 1, 1), dt.date(2100, 1, 1)),
    st.sampled_from(
        [
            "2021年7月31日",
            "2021.7.31",
            "20210731",
            "已整改",
            "已销号",
            "区级",
            "市级",
            "北海街道",
            "识别标志",
            "合计",
            "=1+1",
            "２０２１",
            "  ",
            "\n",
            "示例企业（演示）",
        ]
    ),
)


def counts(store):
    return tuple(store.scalar(f"SELECT COUNT(*) FROM {t}") for t in ("findings", "audits", "enterprises", "history"))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=st.lists(st.lists(cell, min_size=0, max_size=14), max_size=12),
    header_at=st.integers(0, 3),
    drop=st.sets(st.integers(0, len(HEADERS) - 1), max_size=4),
    valid_only=st.booleans(),
)
def test_import_never_crashes_or_half_writes(seeded, tmp_path_factory, rows, header_at, drop, valid_only):
    header = [h for i, h in enumerate(HEADERS) if i not in drop]
    path = tmp_path_factory.mktemp("p") / "x.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    for _ in range(header_at):
        ws.append(["标题行"])
    ws.append(header)
    for r in rows:
        ws.append([c if not (isinstance(c, str) and c.startswith("=")) else "'" + c for c in r])
    wb.save(path)
    before = counts(seeded)
    try:
        result = import_file(seeded, "findings", path, valid_only=valid_only)
    except UserError:
        assert counts(seeded) == before  # refused as a whole: nothing changed
        return
    if result.written:
        assert valid_only or not result.errors
    else:
        assert result.errors and counts(seeded) == before
    for error in result.errors:
        assert error.row > header_at and error.reason


FIRMS = st.sampled_from(
    [
        ("示例甲企业（演示）", None, "北海街道"),
        ("示例乙企业（演示）", "91330602MA2BBBBB2", "塔山"),
        ("示例丙企业（演示）", "not-a-code", None),
        ("示例丁企业（演示）", None, "火星镇"),
    ]
)
# Few distinct keys, so one file often names the same finding (and audit) twice.
finding_row = st.tuples(
    FIRMS,
    st.sampled_from([2021, 2022]),
    st.just("区级"),
    st.sampled_from([None, "2021-05-01", "2021-06-01"]),
    st.sampled_from(["识别标志", "识别标志", "不存在的类别"]),
    st.sampled_from(["问题一", "问题二"]),
    st.sampled_from(["待整改", "整改中", "已整改", "已销号"]),
    st.sampled_from([None, "2021-08-01", "2021-08-01"]),
    st.sampled_from([None, "陈某"]),
    st.sampled_from([None, "2021-08-10"]),
)
ROW_HEADERS = [
    "企业名称",
    "统一社会信用代码",
    "所属镇街",
    "考核年度",
    "考核级别",
    "检查日期",
    "问题类别",
    "问题描述",
    "整改状态",
    "整改完成日期",
    "验收人",
    "验收日期",
]


def write_rows(path, rows):
    import csv

    from ycdesk.uscc import make

    with open(path, "w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(ROW_HEADERS)
        for (name, code, town), *rest in rows:
            code = make("91330602MA2BBBBB2") if code == "91330602MA2BBBBB2" else code
            out.writerow([name, code or "", town or "", *["" if v is None else v for v in rest]])


_PLAN: list = []


def plan_workspace(tmp_path_factory):
    """A closed workspace file with the plan's data (镇街 list included), made once."""
    if not _PLAN:
        from ycdesk.seed import load_plan
        from ycdesk.store import Store

        path = tmp_path_factory.mktemp("plan") / "plan.ycdesk"
        with Store(path, operator="甲") as store:
            load_plan(store)
        _PLAN.append(path)
    return _PLAN[0]


def state(store):
    return sorted(
        tuple(r)
        for r in store.conn.execute(
            "SELECT e.name, a.year, a.level, a.audit_date, f.category, f.description, f.status, f.rectified_date, f.verifier, "
            "f.verified_date FROM findings f JOIN audits a ON a.id = f.audit_id JOIN enterprises e ON e.id = a.enterprise_id"
        )
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(finding_row, min_size=1, max_size=12))
def test_one_import_of_many_rows_equals_one_import_per_row(tmp_path_factory, rows):
    """The column-wise findings path decides exactly as applying the rows one by one
    would: same records, same refusals, same new/updated/unchanged counts."""
    import shutil

    from ycdesk.store import Store

    folder = tmp_path_factory.mktemp("d")
    for name in ("whole", "single"):
        shutil.copy(plan_workspace(tmp_path_factory), folder / f"{name}.ycdesk")
    whole, single = Store(folder / "whole.ycdesk", operator="甲"), Store(folder / "single.ycdesk", operator="甲")
    try:
        write_rows(folder / "all.csv", rows)
        at_once = import_file(whole, "findings", folder / "all.csv", valid_only=True)
        totals = {"new": 0, "updated": 0, "unchanged": 0, "rejected": 0}
        for n, row in enumerate(rows):
            write_rows(folder / f"{n}.csv", [row])
            one = import_file(single, "findings", folder / f"{n}.csv", valid_only=True)
            for key in totals:
                totals[key] += getattr(one, key)
        assert {k: getattr(at_once, k) for k in totals} == totals
        assert state(whole) == state(single)
        assert whole.scalar("SELECT COUNT(*) FROM audits") == single.scalar("SELECT COUNT(*) FROM audits")
        assert whole.scalar("SELECT COUNT(*) FROM enterprises") == single.scalar("SELECT COUNT(*) FROM enterprises")
    finally:
        whole.close()
        single.close()
