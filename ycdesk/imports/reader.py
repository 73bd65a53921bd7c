"""Read the sheets auditors really get: xlsx/xlsm/xls via python-calamine, csv in UTF-8
(with or without BOM) or GBK/GB18030. Hostile or broken files are refused quickly.

Before any xlsx is parsed its zip directory is checked: entry count, total and per-entry
uncompressed size and compression ratio (zip bombs). calamine is Rust; a panic there
surfaces as ``PanicException``, which is a ``BaseException`` — contained here.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from ycdesk.errors import UnreadableFileError
from ycdesk.i18n import _
from ycdesk.imports.split_read import read_split

MAX_FILE_BYTES = 200 * 1024 * 1024
MAX_UNZIPPED_BYTES = 1024 * 1024 * 1024
MAX_ENTRIES = 10_000
MAX_RATIO = 200  # uncompressed / compressed, for entries over 1 MB
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and encrypted Office files
SPREADSHEETS = (".xlsx", ".xlsm", ".xls")


@dataclass
class RawSheet:
    name: str
    rows: list[list]
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)


def _fail(path: Path, reason: str) -> UnreadableFileError:
    return UnreadableFileError(_("无法读取“{0}”：{1}").format(path.name, reason))


def _check_size(path: Path) -> None:
    if not path.exists():
        raise _fail(path, _("文件不存在"))
    size = path.stat().st_size
    if size == 0:
        raise _fail(path, _("文件是空的"))
    if size > MAX_FILE_BYTES:
        raise _fail(path, _("文件过大（{0} MB，上限 {1} MB）").format(size // 2**20, MAX_FILE_BYTES // 2**20))


def _check_zip(path: Path) -> None:
    with open(path, "rb") as fh:
        head = fh.read(8)
    if head == OLE_MAGIC:
        raise _fail(path, _("文件已加密（设置了打开密码），请在 Excel 中取消密码后另存再导入"))
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except zipfile.BadZipFile:
        raise _fail(path, _("不是有效的 Excel 文件（文件可能已损坏或扩展名不对）")) from None
    if len(infos) > MAX_ENTRIES:
        raise _fail(path, _("压缩包内文件过多，疑似恶意文件"))
    total = sum(i.file_size for i in infos)
    if total > MAX_UNZIPPED_BYTES:
        raise _fail(path, _("解压后过大（{0} MB），疑似恶意文件").format(total // 2**20))
    for info in infos:
        if info.file_size > 2**20 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise _fail(path, _("压缩比异常（{0}），疑似压缩炸弹").format(info.filename))


def list_sheets(path: str | Path) -> list[str]:
    path = Path(path)
    if path.suffix.lower() == ".csv":
        return [path.stem]
    return [s.name for s in _workbook(path).sheets_metadata]


def _workbook(path: Path):
    import python_calamine

    _check_size(path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        _check_zip(path)
    elif path.suffix.lower() != ".xls":
        raise _fail(path, _("不支持的文件类型“{0}”，请使用 xlsx、xls 或 csv").format(path.suffix))
    try:
        return python_calamine.CalamineWorkbook.from_path(str(path))
    except BaseException as exc:  # noqa: BLE001 - includes pyo3's PanicException
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        raise _fail(path, _("文件格式错误（{0}）").format(type(exc).__name__)) from None


def read_sheet(path: str | Path, sheet: str | int | None = None) -> RawSheet:
    """One sheet's cells as Python values (str, float, int, date, datetime, bool)."""
    path = Path(path)
    if path.suffix.lower() == ".csv":
        return RawSheet(path.stem, _read_csv(path))
    wb = _workbook(path)
    names = [s.name for s in wb.sheets_metadata]
    if sheet is None:
        sheet = 0
    if isinstance(sheet, str) and sheet.isdigit() and sheet not in names:
        sheet = int(sheet)
    try:
        if isinstance(sheet, int):
            if not 0 <= sheet < len(names):
                raise _fail(path, _("没有第{0}个工作表（共{1}个）").format(sheet + 1, len(names)))
        elif sheet not in names:
            raise _fail(path, _("没有名为“{0}”的工作表，现有：{1}").format(sheet, "、".join(names)))
        name = names[sheet] if isinstance(sheet, int) else sheet
        if path.suffix.lower() != ".xls" and (split := read_split(path, name)) is not None:
            return RawSheet(name, *split)
        ws = wb.get_sheet_by_index(sheet) if isinstance(sheet, int) else wb.get_sheet_by_name(sheet)
        rows = ws.to_python(skip_empty_area=False)
        merged = list(ws.merged_cell_ranges or [])
    except UnreadableFileError:
        raise
    except BaseException as exc:  # noqa: BLE001 - PanicException is not an Exception
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        raise _fail(path, _("工作表无法解析（{0}）").format(type(exc).__name__)) from None
    return RawSheet(ws.name, rows, merged)


def _read_csv(path: Path) -> list[list]:
    _check_size(path)
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # gb18030 decodes nearly anything; this is for truly binary files
        raise _fail(path, _("无法识别文字编码，请另存为 UTF-8 或 GBK 编码的 CSV"))
    if "\x00" in text:
        raise _fail(path, _("不是文本文件"))
    try:
        return [row for row in csv.reader(io.StringIO(text))]
    except csv.Error as exc:
        raise _fail(path, _("CSV 格式错误：{0}").format(exc)) from None


def fill_merged(sheet: RawSheet) -> list[list]:
    """Each merged range's value copied to every cell it covers (an enterprise name merged
    down over its findings belongs to each of those rows). Fills the sheet's own rows in
    place: a copy of a 100,000-row sheet would double the import's memory."""
    rows = sheet.rows
    for (r0, c0), (r1, c1) in sheet.merged:
        if r0 >= len(rows) or c0 >= len(rows[r0]):
            continue
        value = rows[r0][c0]
        for r in range(r0, min(r1, len(rows) - 1) + 1):
            for c in range(c0, min(c1, len(rows[r]) - 1) + 1):
                rows[r][c] = value
    return rows
