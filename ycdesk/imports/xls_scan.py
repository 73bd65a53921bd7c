"""Check an old .xls workbook's cells against the read limits before calamine opens it.

calamine reads every sheet of an .xls as soon as it opens the file, sizing each by the
cells it finds: one NUMBER record at column 65,000 makes it allocate ~120 GB and abort.
So the workbook stream is taken out of its OLE container (olefile, pure Python) and its
BIFF records walked — each is a 2-byte type and a 2-byte length — looking at the row and
column of every record that holds a value. Blank cells (BLANK, MULBLANK) hold none and
calamine skips them, so they are skipped here too. It does, however, reserve room for the
range each sheet declares (DIMENSIONS), so that is bounded as well. A legitimate .xls has at most 65,536
rows, so the walk is over a few hundred thousand records at most.
"""

from __future__ import annotations

import struct
from pathlib import Path

from ycdesk.errors import UnreadableFileError
from ycdesk.i18n import _
from ycdesk.imports.limits import ReadLimits
from ycdesk.imports.sheet_scan import column_name

# BIFF records that carry a cell value: row (u16) and column (u16) first.
_CELLS = {
    0x0203: "NUMBER",
    0x0204: "LABEL",
    0x00FD: "LABELSST",
    0x027E: "RK",
    0x0006: "FORMULA",
    0x0205: "BOOLERR",
    0x00D6: "RSTRING",
    0x0003: "NUMBER2",
    0x0004: "LABEL2",
    0x0002: "INTEGER2",
}
_MULRK = 0x00BD  # row, first column, values…, last column (u16 at the end)
_DIMENSIONS = 0x0200


def _fail(path: Path, reason: str) -> UnreadableFileError:
    return UnreadableFileError(_("无法读取“{0}”：{1}").format(path.name, reason))


def check_xls(path: Path, limits: ReadLimits) -> None:
    stream = _workbook_stream(path, limits)
    size, at = len(stream), 0
    unpack = struct.unpack_from
    while at + 4 <= size:
        kind, length = unpack("<HH", stream, at)
        body = at + 4
        if length >= 4 and body + length <= size:
            if kind in _CELLS:
                row, col = unpack("<HH", stream, body)
                _check(path, limits, row, col)
            elif kind == _MULRK and length >= 6:
                row, first = unpack("<HH", stream, body)
                last = unpack("<H", stream, body + length - 2)[0]
                _check(path, limits, row, max(first, last))
            elif kind == _DIMENSIONS and length >= 14:
                _check_dimensions(path, limits, *unpack("<IIHH", stream, body))
        at = body + length


def _check_dimensions(path: Path, limits: ReadLimits, row0: int, rows: int, col0: int, cols: int) -> None:
    """calamine reserves room for the whole declared range of a sheet (~40 bytes a cell):
    a declared 4 billion rows aborts it. Formatted blank cells widen a real sheet's range
    beyond its values, so the range is held to the area the limits allow, not to each."""
    area = max(rows - row0, 0) * max(cols - col0, 0)
    if rows > 65_536 or cols > 256 or area > limits.max_rows * limits.max_columns:
        raise _fail(
            path,
            _("工作表声明的范围（{0} 行 × {1} 列）超出读取上限（{2} 行、{3} 列）").format(
                rows, cols, limits.max_rows, limits.max_columns
            ),
        )


def _check(path: Path, limits: ReadLimits, row: int, col: int, note: str = "") -> None:
    if col + 1 > limits.max_columns:
        raise _fail(
            path,
            _("单元格 {0}{1} 超出列数上限（{2} 列，即 {3} 列）{4}").format(
                column_name(col + 1), row + 1, limits.max_columns, column_name(limits.max_columns), note
            ),
        )
    if row + 1 > limits.max_rows:
        raise _fail(
            path,
            _("单元格 {0}{1} 在第 {1} 行，超出行数上限（{2} 行）{3}").format(
                column_name(col + 1), row + 1, limits.max_rows, note
            ),
        )


def _workbook_stream(path: Path, limits: ReadLimits) -> bytes:
    import olefile

    try:
        ole = olefile.OleFileIO(str(path))
    except (OSError, ValueError, IndexError, struct.error, olefile.olefile.OleFileError):
        raise _fail(path, _("不是有效的 xls 文件（文件可能已损坏或扩展名不对）")) from None
    try:
        if ole.exists("EncryptedPackage") or ole.exists("EncryptionInfo"):
            raise _fail(path, _("文件已加密（设置了打开密码），请在 Excel 中取消密码后另存再导入"))
        name = next((n for n in ("Workbook", "Book") if ole.exists(n)), None)
        if name is None:
            raise _fail(path, _("不是 Excel 97-2003 工作簿（文件中没有工作簿数据）"))
        if ole.get_size(name) > limits.max_unzipped_bytes:
            raise _fail(path, _("工作簿数据过大（{0} MB）").format(ole.get_size(name) // 2**20))
        try:
            return ole.openstream(name).read()
        except (OSError, ValueError, IndexError, struct.error):
            raise _fail(path, _("不是有效的 xls 文件（文件可能已损坏或扩展名不对）")) from None
    finally:
        ole.close()
