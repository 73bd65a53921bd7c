"""Property: any cells in any shape either import or come back as row errors — never a crash,
never a half-written workspace."""

import datetime as dt

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ycdesk.errors import UserError
from ycdesk.imports import import_file

HEADERS = ["企业名称", "统一社会信用代码", "所属镇街", "考核年度", "考核级别", "问题类别", "问题描述",
           "整改期限", "整改状态", "整改完成日期", "验收人", "验收日期"]
cell = st.one_of(
    st.none(), st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=12), st.integers(-10**6, 10**12), st.floats(allow_nan=True, allow_infinity=True),
    st.dates(dt.date(1900, 1, 1), dt.date(2100, 1, 1)),
    st.sampled_from(["2021年7月31日", "2021.7.31", "20210731", "已整改", "已销号", "区级", "市级", "北海街道",
                     "识别标志", "合计", "=1+1", "２０２１", "  ", "\n", "示例企业（演示）"]),
)


def counts(store):
    return tuple(store.scalar(f"SELECT COUNT(*) FROM {t}") for t in ("findings", "audits", "enterprises", "history"))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(cell, min_size=0, max_size=14), max_size=12),
       header_at=st.integers(0, 3), drop=st.sets(st.integers(0, len(HEADERS) - 1), max_size=4),
       valid_only=st.booleans())
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
