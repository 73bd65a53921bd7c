"""A big sheet read in parts on several cores gives exactly the cells, row numbers and
merged ranges of one ordinary read — and anything the splitter does not understand falls
back to the ordinary read instead of guessing."""

import datetime as dt
import re
import zipfile

import openpyxl
import pytest
import python_calamine
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ycdesk.imports import import_file, split_read
from ycdesk.imports.reader import read_sheet


@pytest.fixture
def parts_used(monkeypatch):
    """Split even small sheets, into small parts, and count the parts calamine parsed."""
    monkeypatch.setattr(split_read, "MIN_BYTES", 0)
    monkeypatch.setattr(split_read, "CHUNK", 1024)
    parsed = []
    original = split_read._parse

    def counting(book, sheet):
        parsed.append(book)
        return original(book, sheet)

    monkeypatch.setattr(split_read, "_parse", counting)
    return parsed


def plain(path, sheet):
    ws = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet)
    return ws.to_python(skip_empty_area=False), list(ws.merged_cell_ranges or [])


VALUES = [
    "北海街道",
    "示例企业（演示）",
    3.5,
    42,
    dt.date(2021, 7, 31),
    dt.datetime(2022, 1, 2, 3, 4, 5),
    True,
    '<row r="5">',
    "a & b",
    "注意！<!-- 不是注释 -->",
    "",
    None,
    "  两端空格  ",
    "换\n行",
]


def grid(rows=300, width=9):
    """Rows with blanks, a margin column A left empty, and a wider tail at the end."""
    out = []
    for r in range(rows):
        if r % 37 == 5:
            out.append([])
            continue
        row = [None] + [VALUES[(r * 7 + c) % len(VALUES)] for c in range(width - 1)]
        if r > rows - 5:
            row += [None, "更宽的行"]
        out.append(row)
    return out


def write_openpyxl(path, rows, write_only=False, merges=(), epoch=None):
    wb = openpyxl.Workbook(write_only=write_only)
    if epoch:
        wb.epoch = epoch
    ws = wb.create_sheet("问题清单") if write_only else wb.active
    if not write_only:
        ws.title = "问题清单"
    for row in rows:
        ws.append(row)
    for rng in merges:
        ws.merge_cells(rng)
    wb.save(path)


def write_xlsxwriter(path, rows):
    wb = xlsxwriter.Workbook(str(path))
    date = wb.add_format({"num_format": "yyyy-mm-dd"})
    ws = wb.add_worksheet("问题清单")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, (dt.date, dt.datetime)):
                ws.write_datetime(r, c, value, date)
            elif value is not None:
                ws.write(r, c, value)
    ws.merge_range("B3:B6", "合并的企业")
    wb.close()


@pytest.mark.parametrize("parts", [2, 3, 4])
@pytest.mark.parametrize("writer", ["openpyxl", "openpyxl-write-only", "xlsxwriter"])
def test_parts_equal_one_read(tmp_path, parts_used, parts, writer):
    path = tmp_path / "big.xlsx"
    if writer == "xlsxwriter":
        write_xlsxwriter(path, grid())
    else:
        write_openpyxl(
            path,
            grid(),
            write_only=writer.endswith("write-only"),
            merges=() if writer.endswith("write-only") else ("B3:B6", "C290:D292"),
        )
    assert split_read.read_split(path, "问题清单", parts) == plain(path, "问题清单")
    assert len(parts_used) == parts


def test_date1904_workbook_and_a_later_sheet(tmp_path, parts_used):
    path = tmp_path / "mac.xlsx"
    wb = openpyxl.Workbook()
    wb.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
    wb.active.title = "封面"
    for row in grid(200):
        wb.active.append(row)
    data = wb.create_sheet("数据")
    for row in grid(250, width=5):
        data.append(row)
    wb.save(path)
    assert split_read.read_split(path, "数据", 3) == plain(path, "数据")
    assert len(parts_used) == 3


def test_rows_starting_far_down_with_gaps_between_parts(tmp_path, parts_used):
    path = tmp_path / "sparse.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    for r in range(40, 400, 3):
        ws.cell(row=r, column=3 + r % 4, value=f"值{r}")
    wb.save(path)
    assert split_read.read_split(path, ws.title, 4) == plain(path, ws.title)


cells = st.one_of(
    st.none(),
    st.text(max_size=8),
    st.integers(-(10**9), 10**9),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.dates(dt.date(1900, 3, 1), dt.date(2100, 1, 1)),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(cells, max_size=7), min_size=1, max_size=120), parts=st.integers(2, 4))
def test_any_sheet_reads_the_same_split_or_not(tmp_path_factory, monkeypatch, rows, parts):
    monkeypatch.setattr(split_read, "MIN_BYTES", 0)
    monkeypatch.setattr(split_read, "CHUNK", 256)
    path = tmp_path_factory.mktemp("h") / "x.xlsx"
    clean = [[c.translate(dict.fromkeys(range(32))) if isinstance(c, str) else c for c in row] for row in rows]
    write_openpyxl(path, clean)
    split = split_read.read_split(path, "问题清单", parts)
    assert split is None or split == plain(path, "问题清单")


def rewrite_sheet(path, change):
    """The same workbook with its first sheet's XML passed through ``change``."""
    with zipfile.ZipFile(path) as src:
        entries = [(i, src.read(i)) for i in src.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info, data in entries:
            out.writestr(info, change(data) if info.filename == "xl/worksheets/sheet1.xml" else data)


def move_last_row_first(xml):
    rows = re.findall(rb"<row .*?</row>", xml, flags=re.S)
    body = b"".join([rows[-1], *rows[:-1]])
    return re.sub(rb"<sheetData>.*</sheetData>", lambda m: b"<sheetData>" + body + b"</sheetData>", xml, flags=re.S)


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda xml: re.sub(rb'(<row[^>]*?) r="\d+"', rb"\1", xml), id="rows-without-numbers"),
        pytest.param(lambda xml: xml.replace(b"<sheetData>", b'<sheetData><!-- <row r="1"> -->'), id="comment"),
        pytest.param(
            lambda xml: xml.replace(b"<sheetData>", b"<x:sheetData>").replace(b"</sheetData>", b"</x:sheetData>"),
            id="prefixed",
        ),
        pytest.param(move_last_row_first, id="rows-out-of-order"),
    ],
)
def test_unusual_sheets_fall_back_to_one_read(tmp_path, parts_used, change):
    path = tmp_path / "odd.xlsx"
    write_openpyxl(path, grid(200))
    rewrite_sheet(path, change)
    assert split_read.read_split(path, "问题清单", 3) is None


def test_small_sheets_are_read_in_one_piece(tmp_path):
    path = tmp_path / "small.xlsx"
    write_openpyxl(path, grid(200))
    assert split_read.read_split(path, "问题清单", 4) is None  # far below MIN_BYTES


def test_read_sheet_and_import_give_the_same_result_split_or_not(seeded, tmp_path, monkeypatch):
    path = tmp_path / "findings.xlsx"
    header = [
        "企业名称",
        "统一社会信用代码",
        "所属镇街",
        "考核年度",
        "考核级别",
        "问题类别",
        "问题描述",
        "整改期限",
        "整改状态",
    ]
    rows = [["标题：2023年危废考核问题清单"], header]
    rows += [
        [
            f"示例企业{i % 9}（演示）",
            None,
            "北海街道",
            2023,
            "区级",
            "识别标志",
            f"问题{i}",
            dt.date(2023, 9, 30),
            "待整改",
        ]
        for i in range(400)
    ]
    write_openpyxl(path, rows, merges=("A3:A5",))
    monkeypatch.setattr(split_read, "CHUNK", 1024)
    monkeypatch.setattr(split_read, "MIN_BYTES", 1 << 40)
    whole = read_sheet(path)
    monkeypatch.setattr(split_read, "MIN_BYTES", 0)
    parts = read_sheet(path)
    assert (parts.name, parts.rows, parts.merged) == (whole.name, whole.rows, whole.merged)
    result = import_file(seeded, "findings", path)
    assert (result.new, result.rejected) == (400, 0)
    assert (
        seeded.scalar(
            "SELECT COUNT(*) FROM findings f JOIN audits a ON a.id = f.audit_id "
            "JOIN enterprises e ON e.id = a.enterprise_id WHERE e.name = '示例企业0（演示）' "
            "AND f.description IN ('问题0', '问题1', '问题2')"
        )
        == 3
    )  # merged A3:A5
