"""Hostile spreadsheets, made on the spot, and how ``ycdesk import`` copes with each.

``make_corpus(folder)`` writes the files (raw zip XML, streamed, so even the 1,048,575-row
sheet and the 200 MB cell cost the maker little memory); ``run(file, db)`` imports one
with ``--dry-run`` in a child process under a 1.5 GB address-space limit and returns the
exit code, seconds, peak RSS and what it printed. ``tests/test_hostile_files.py`` asserts
on the same corpus; run this file to print the table that is in the README:

    python tests/bench/hostile_corpus.py
"""

from __future__ import annotations

import os
import random
import resource
import struct
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MEMORY_LIMIT = 1536 * 2**20
HEADER = ["企业名称", "考核年度", "考核级别", "问题类别", "问题描述", "整改状态", "检查日期"]

CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    b'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    b'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName='
    b'"/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
    b'sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
    b'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
    b'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    b'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
    b'2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
    b'<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
    b'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
    b'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    b'<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'relationships/styles" Target="styles.xml"/></Relationships>'
)
STYLES = (
    b'<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
    b'2006/main"><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/></cellXfs>'
    b"</styleSheet>"
)
SHEET_HEAD = b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'


def _cell(ref: str, value) -> bytes:
    if isinstance(value, str):
        return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'.encode()
    return f'<c r="{ref}"><v>{value}</v></c>'.encode()


def _header_row() -> bytes:
    return b'<row r="1">' + b"".join(_cell(f"{chr(65 + i)}1", h) for i, h in enumerate(HEADER)) + b"</row>"


def _data_row(n: int) -> bytes:
    values = ["示例企业（演示）", 2024, "区级", "识别标志", f"问题{n}", "未整改"]
    return f'<row r="{n}">'.encode() + b"".join(_cell(f"{chr(65 + i)}{n}", v) for i, v in enumerate(values)) + b"</row>"


def write_xlsx(
    path: Path,
    sheet_parts,
    *,
    head: bytes = b"",
    root: bytes = SHEET_HEAD,
    level: int = 6,
    close: bytes = b"</sheetData></worksheet>",
) -> Path:
    """A minimal workbook whose one sheet's XML is ``root + head + <sheetData> + parts``;
    ``sheet_parts`` may be a generator (the entry is streamed)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        zf.writestr("_rels/.rels", RELS)
        zf.writestr("xl/workbook.xml", WORKBOOK)
        zf.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        zf.writestr("xl/styles.xml", STYLES)
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            fh.write(root + head + b"<sheetData>")
            for part in sheet_parts:
                fh.write(part)
            fh.write(close)
    return path


def _big_cell(size: int):
    """A 200 MB inline string that deflates about 5:1 — words drawn at random, a 1 MB block
    repeated farther apart than deflate looks back — so the zip-bomb check (ratio over 200)
    does not refuse it first and the file (~40 MB) stays under the file-size limit."""
    yield _header_row() + b'<row r="2"><c r="A2" t="inlineStr"><is><t>'
    rng = random.Random(2)
    words = ["生态", "环境", "保护", "规划", "整改", "问题", "危废", "台账", "abc", "xyz", "2024", "。"]
    block = "".join(rng.choice(words) for _ in range(2**20 // 4)).encode()[: 2**20]
    block = block[: len(block.decode("utf-8", "ignore").encode())]
    for _ in range(size // len(block)):
        yield block
    yield b"</t></is></c></row>"


def _many_rows(count: int):
    yield _header_row()
    batch = []
    for n in range(2, count + 2):
        batch.append(b'<row r="%d"><c r="A%d"><v>%d</v></c></row>' % (n, n, n))
        if len(batch) == 20_000:
            yield b"".join(batch)
            batch = []
    yield b"".join(batch)


def write_hostile_xls(path: Path, what: str) -> Path:
    """An .xls (xlwt) with one number patched to column 65,000 (what="cell"), or its sheet's
    declared range patched to 4 billion rows (what="dimensions"): calamine aborts on both."""
    import xlwt

    book = xlwt.Workbook()
    sheet = book.add_sheet("Sheet1")
    for c, h in enumerate(HEADER):
        sheet.write(0, c, h)
    sheet.write(2, 200, 1234.5)
    book.save(str(path))
    data = bytearray(path.read_bytes())
    if what == "cell":
        at = data.find(struct.pack("<HHHH", 0x027E, 10, 2, 200))  # the RK record of that number
        struct.pack_into("<H", data, at + 6, 65_000)
    else:
        at = data.find(struct.pack("<HH", 0x0200, 14))  # DIMENSIONS
        struct.pack_into("<IIHH", data, at + 4, 0, 0xFFFFFFF0, 0, 0xFFF0)
    path.write_bytes(data)
    return path


def make_corpus(folder: Path, *, big: bool = True) -> dict[str, Path]:
    """name → path of each hostile input (``big=False`` leaves out the 200 MB cell and the
    million rows)."""
    folder.mkdir(parents=True, exist_ok=True)
    files: dict[str, Path] = {}

    def xlsx(name, parts, **kw):
        files[name] = write_xlsx(folder / f"{name}.xlsx", parts, **kw)

    xlsx("sparse_A1_XFD1048576", [_header_row(), b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'])
    xlsx("row_4294967295", [_header_row(), b'<row r="4294967295"><c r="A4294967295"><v>1</v></c></row>'])
    xlsx("beyond_XFD_ZZZZZZ2", [_header_row(), b'<row r="2"><c r="ZZZZZZ2"><v>1</v></c></row>'])
    xlsx("dimension_A1_XFD1048576", [_header_row()], head=b'<dimension ref="A1:XFD1048576"/>')
    xlsx(
        "prefixed_x_c_XFD",
        [
            _header_row().replace(b"<c ", b"<x:c ").replace(b"</c>", b"</x:c>"),
            b'<row r="2"><x:c r="XFD2"><x:v>1</x:v></x:c></row>',
        ],
    )
    xlsx("duplicate_r_attribute", [_header_row(), b'<row r="2"><c r="A2" r="XFD1048576"><v>1</v></c></row>'])
    xlsx("r_after_quoted_gt", [_header_row(), b'<row r="2"><c r="A2" x=">" r="XFD1048576"><v>1</v></c></row>'])
    xlsx("cell_without_r", [_header_row(), b'<row r="2">' + b"<c><v>1</v></c>" * 3 + b"</row>"])
    xlsx(
        "xxe_entity",
        [_header_row(), b'<row r="2"><c r="A2" t="inlineStr"><is><t>&xxe;</t></is></c></row>'],
        root=b'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        + SHEET_HEAD[SHEET_HEAD.index(b"<worksheet") :],
    )
    xlsx("nan_date", [_header_row(), _data_row(2)[:-6] + b'<c r="G2" s="1"><v>NaN</v></c></row>'])
    if big:
        xlsx("cell_200MB", _big_cell(200 * 2**20), level=1)
        xlsx("rows_1048575", _many_rows(1_048_575), level=1)
    files["xls_column_65000"] = write_hostile_xls(folder / "column65000.xls", "cell")
    files["xls_dimensions_4G_rows"] = write_hostile_xls(folder / "dimensions.xls", "dimensions")
    bomb = folder / "zip_bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            zeros = b"0" * 2**20
            for _ in range(300):
                fh.write(zeros)
    files["zip_bomb"] = bomb
    files["encrypted_ole"] = folder / "encrypted.xlsx"
    files["encrypted_ole"].write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4096)
    whole = write_xlsx(folder / "whole.xlsx", [_header_row(), _data_row(2)])
    files["truncated_zip"] = folder / "truncated.xlsx"
    files["truncated_zip"].write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    whole.unlink()
    files["directory"] = folder / "folder.xlsx"
    files["directory"].mkdir()
    files["fifo"] = folder / "pipe.csv"
    os.mkfifo(files["fifo"])
    files["empty"] = folder / "empty.xlsx"
    files["empty"].write_bytes(b"")
    files["csv_long_cell"] = folder / "long.csv"
    files["csv_long_cell"].write_text(
        ",".join(HEADER) + "\n" + "示例企业（演示）,2024,区级," + "长" * 40_000 + ",未整改\n", encoding="utf-8"
    )
    return files


def limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def run(file: Path, db: Path) -> dict:
    """``ycdesk import findings FILE --db DB --dry-run`` in a child under the memory limit:
    exit code, seconds, the child's own peak RSS (from ``os.wait4``) and what it printed."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "import sys; from ycdesk.cli import main; sys.exit(main())",
                "import",
                "findings",
                str(file),
                "--db",
                str(db),
                "--dry-run",
            ],
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            preexec_fn=limit_memory,
        )
        _pid, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return {
            "code": proc.returncode,
            "seconds": seconds,
            "peak_mb": usage.ru_maxrss / 1024,
            "stdout": out.read().decode("utf-8", "replace"),
            "stderr": err.read().decode("utf-8", "replace"),
        }


def _reason(result: dict) -> str:
    """The refusal in short: the error line without its "cannot read FILE" preamble, or
    for rejected rows the first row error."""
    lines = [*result["stderr"].strip().splitlines(), *result["stdout"].strip().splitlines()]
    line = next((x for x in lines if x.startswith("错误：")), None) or next(
        (x.strip() for x in lines if "第" in x and "行" in x and "：" in x and "表头在第" not in x), ""
    )
    return line.split("”：", 1)[-1] if line.startswith("错误：无法读取") else line.removeprefix("错误：")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db = folder / "w.ycdesk"
        subprocess.run(
            [sys.executable, "-m", "ycdesk", "init", "--no-demo", "--db", str(db)],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        start = time.perf_counter()
        files = make_corpus(folder / "corpus")
        print(f"corpus made in {time.perf_counter() - start:.1f} s")
        print("| 文件 | 退出码 | 秒 | 峰值内存 MB | 提示 |")
        print("|---|---|---|---|---|")
        for name, path in files.items():
            result = run(path, db)
            message = _reason(result)
            print(f"| {name} | {result['code']} | {result['seconds']:.2f} | {result['peak_mb']:.0f} | {message} |")


if __name__ == "__main__":
    main()
