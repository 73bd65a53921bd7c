"""Hostile spreadsheets (issue #14): each is refused by ``ycdesk import … --dry-run`` run in
a child process under a 1.5 GB address-space limit — exit 2 (unreadable or over a limit)
or 1 (rows invalid), a Chinese message, no traceback, the workspace untouched. Before the
scan, the first three of these made calamine allocate hundreds of GB and abort.

The files are made by the tests (``tests/bench/hostile_corpus.py``, which also prints the
README's table of times and peak memory)."""

import hashlib
import os
import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "bench"))
import hostile_corpus  # noqa: E402

from ycdesk.cli import main  # noqa: E402
from ycdesk.errors import UnreadableFileError  # noqa: E402
from ycdesk.imports import import_file, split_read  # noqa: E402
from ycdesk.imports.limits import ReadLimits  # noqa: E402
from ycdesk.imports.reader import read_sheet  # noqa: E402

EXPECTED = {  # name → (exit code, words the message must contain)
    "sparse_A1_XFD1048576": (2, "XFD1048576 超出列数上限"),
    "row_4294967295": (2, "超出行数上限"),
    "beyond_XFD_ZZZZZZ2": (2, "ZZZZZZ2 超出列数上限"),
    "dimension_A1_XFD1048576": (2, "表格声明的范围"),
    "prefixed_x_c_XFD": (2, "XFD2 超出列数上限"),
    "duplicate_r_attribute": (2, "XFD1048576"),
    "r_after_quoted_gt": (2, "XFD1048576"),
    "cell_without_r": (2, "缺少位置"),
    "xxe_entity": (2, "DTD"),
    "nan_date": (1, "日期单元格的值为 0 或不是数字"),
    "cell_200MB": (2, "超过 32767 字"),
    "rows_1048575": (2, "A200001 在第 200001 行，超出行数上限（200000 行）"),
    "zip_bomb": (2, "压缩炸弹"),
    "encrypted_ole": (2, "已加密"),
    "truncated_zip": (2, "已损坏"),
    "directory": (2, "文件夹"),
    "fifo": (2, "不是普通文件"),
    "empty": (2, "文件是空的"),
    "csv_long_cell": (2, "超过 32767 字"),
    "xls_column_65000": (2, "CRDA3 超出列数上限"),
    "xls_dimensions_4G_rows": (2, "工作表声明的范围（4294967280 行 × 65520 列）超出读取上限"),
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return hostile_corpus.make_corpus(tmp_path_factory.mktemp("hostile"))


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    db = tmp_path_factory.mktemp("ws") / "w.ycdesk"
    assert main(["init", "--no-demo", "--db", str(db)]) == 0
    return db


def state(db: Path) -> dict:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(db.parent.rglob("*")) if p.is_file()}


def test_the_corpus_is_complete(corpus):
    assert set(corpus) == set(EXPECTED)


@pytest.mark.parametrize("name", list(EXPECTED))
def test_hostile_file_is_refused_in_a_memory_limited_child(corpus, workspace, name):
    before = state(workspace)
    result = hostile_corpus.run(corpus[name], workspace)
    code, words = EXPECTED[name]
    assert result["code"] == code, result
    output = result["stderr"] + result["stdout"]
    assert words in output, output
    assert re.search(r"[\u4e00-\u9fff]", output)
    assert "Traceback" not in output
    assert state(workspace) == before


def test_limits_are_overridable_on_the_command_line(tmp_path, workspace, capsys):
    book = hostile_corpus.write_xlsx(
        tmp_path / "small.xlsx", [hostile_corpus._header_row(), *(hostile_corpus._data_row(n) for n in range(2, 30))]
    )
    args = ["import", "findings", str(book), "--db", str(workspace), "--dry-run"]
    assert main(args) == 0
    assert main([*args, "--max-rows", "10"]) == 2
    assert "超出行数上限（10 行）" in capsys.readouterr().err
    assert main([*args, "--max-columns", "3"]) == 2
    assert "超出列数上限（3 列，即 C 列）" in capsys.readouterr().err
    assert main([*args, "--max-cell-chars", "3"]) == 2
    assert "超过 3 字" in capsys.readouterr().err
    with pytest.raises(SystemExit) as usage:  # argparse: a limit must be a positive integer
        main([*args, "--max-file-mb", "0"])
    assert usage.value.code == 2 and "应为正整数" in capsys.readouterr().err


def test_what_real_writers_produce_is_read(tmp_path):
    """Prefixed elements (the .NET Open XML SDK writes <x:c>), lower-case references,
    attributes in another order and empty styled cells far out are all read as calamine
    reads them — the scan refuses only what is over the limits."""
    rows = [hostile_corpus._header_row(), hostile_corpus._data_row(2)]
    prefixed = hostile_corpus.write_xlsx(
        tmp_path / "x.xlsx",
        [
            r.replace(b"<c ", b"<x:c ")
            .replace(b"</c>", b"</x:c>")
            .replace(b"<is>", b"<x:is>")
            .replace(b"</is>", b"</x:is>")
            .replace(b"<t>", b"<x:t>")
            .replace(b"</t>", b"</x:t>")
            .replace(b"<row", b"<x:row")
            .replace(b"</row>", b"</x:row>")
            for r in rows
        ],
        root=b'<?xml version="1.0"?><x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">',
        close=b"</x:sheetData></x:worksheet>",
    )
    odd = hostile_corpus.write_xlsx(
        tmp_path / "odd.xlsx",
        [
            rows[0],
            rows[1].replace(b'<c r="A2" t="inlineStr">', b'<c t="inlineStr" r="a2">'),
            b'<row r="1048576"><c r="XFD1048576" s="1"/></row>',
        ],
    )
    for path in (prefixed, odd):
        sheet = read_sheet(path)
        assert sheet.rows[1][:3] == ["示例企业（演示）", 2024, "区级"], path.name


def test_a_big_sheet_is_refused_while_it_is_split(tmp_path, monkeypatch):
    """The split read scans each chunk before writing it into a part: the hostile cell at
    the end is refused, no part containing it is parsed and the part files are gone."""
    monkeypatch.setattr(split_read, "MIN_BYTES", 0)
    monkeypatch.setattr(split_read, "CHUNK", 4096)
    parsed = []
    original = split_read._parse
    monkeypatch.setattr(
        split_read, "_parse", lambda book, sheet: parsed.append(Path(book).read_bytes()) or original(book, sheet)
    )
    rows = [
        hostile_corpus._header_row(),
        *(hostile_corpus._data_row(n) for n in range(2, 2000)),
        b'<row r="2000"><c r="XFD2000"><v>1</v></c></row>',
    ]
    book = hostile_corpus.write_xlsx(tmp_path / "big.xlsx", rows)
    folders = []
    from ycdesk import tempdir

    real_scratch = tempdir.scratch

    def watching(prefix):
        manager = real_scratch(prefix)
        return _Watch(manager, folders)

    monkeypatch.setattr(split_read, "scratch", watching)
    with pytest.raises(UnreadableFileError, match="XFD2000 超出列数上限"):
        read_sheet(book)
    assert parsed and all(b"XFD2000" not in part for part in parsed)
    assert folders and not any(f.exists() for f in folders)


class _Watch:
    def __init__(self, manager, seen):
        self.manager, self.seen = manager, seen

    def __enter__(self):
        folder = self.manager.__enter__()
        self.seen.append(folder)
        return folder

    def __exit__(self, *exc):
        return self.manager.__exit__(*exc)


def test_text_hidden_from_the_scan_is_still_refused_where_it_is_parsed(plain_store, tmp_path):
    """calamine joins <t> runs inside <is> even across elements it ignores; a text cut
    into pieces that way passes the scan's windows, but not the text field's own limit."""
    piece = b"<t>" + "长".encode() * 20_000 + b"</t>"
    cell = b'<c r="E2" t="inlineStr"><is><r><t>x</t></r>' + b'<c r="B9"/>'.join([piece] * 3) + b"</is></c>"
    row = hostile_corpus._data_row(2).replace(
        b'<c r="E2" t="inlineStr"><is><t>\xe9\x97\xae\xe9\xa2\x982</t></is></c>', cell
    )
    book = hostile_corpus.write_xlsx(tmp_path / "hidden.xlsx", [hostile_corpus._header_row(), row])
    assert len(read_sheet(book).rows[1][4]) == 60_001  # the scan let it through …
    result = import_file(plain_store, "findings", book)  # … the row is rejected, naming the cell
    assert not result.written and [(e.row, e.column) for e in result.errors] == [(2, "问题描述")]
    assert "文字有 60001 字，超过 32767 字" in result.errors[0].reason


@pytest.fixture
def plain_store(tmp_path):
    from ycdesk.seed import load_plan
    from ycdesk.store import Store

    s = Store(tmp_path / "plain.ycdesk", operator="审核员")
    load_plan(s)
    yield s
    s.close()


def test_limits_apply_to_csv_rows_and_columns(tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text("\n".join(",".join(["a"] * 5) for _ in range(12)), encoding="utf-8")
    with pytest.raises(UnreadableFileError, match="超过 10 行"):
        read_sheet(path, limits=ReadLimits(max_rows=10))
    with pytest.raises(UnreadableFileError, match="第1行有 5 列，超出列数上限（4 列）"):
        read_sheet(path, limits=ReadLimits(max_columns=4))


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_an_unreadable_file_is_refused_with_exit_2(tmp_path, workspace, capsys):
    path = tmp_path / "locked.csv"
    path.write_text("企业名称,考核年度\n", encoding="utf-8")
    path.chmod(0)
    try:
        assert main(["import", "findings", str(path), "--db", str(workspace), "--dry-run"]) == 2
    finally:
        path.chmod(0o600)
    assert "没有读取权限" in capsys.readouterr().err
